/**
 * The import core: files in, documents out through arangojs, a typed result back. No oclif here;
 * progress and rejected rows go to callbacks.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import type { Database } from 'arangojs'
import type { DocumentCollection } from 'arangojs/collections'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError } from '../cli/errors.js'
import { parseMergeAttribute } from './convert.js'
import { DelimitedSplitter } from './delimited.js'
import { ensureGraph } from './graph.js'
import { DelimitedReader, JsonArrayReader, JsonLinesReader, type Item, type Reader } from './readers.js'
import { checkReadable, collectionFromName, openInput, typeFromName } from './source.js'
import type {
  CollectionType,
  Counts,
  FileResult,
  ImportCallbacks,
  ImportOptions,
  ImportResult,
  InputType,
  RejectedRow,
} from './types.js'
import { BatchWriter } from './writer.js'

const PROGRESS_INTERVAL_MS = 200
const KEY_RE = /^[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}$/

interface Plan {
  file: string
  type: InputType
  collection: string
}

/** Check the arguments and work out type and collection of every file; usage errors (exit 2) here. */
export async function planImport(files: string[], opts: ImportOptions): Promise<Plan[]> {
  if (files.length === 0) throw usage('no input file given')
  const plans: Plan[] = []
  for (const file of files) {
    await checkReadable(file)
    const type = opts.type && opts.type !== 'auto' ? opts.type : typeFromName(file)
    if (!type) {
      throw usage(
        file === '-'
          ? 'cannot tell the type of stdin: use --type csv|tsv|json|jsonl'
          : `${file}: cannot tell the type from the extension: use --type csv|tsv|json|jsonl`,
      )
    }
    const collection = opts.collection ?? (file === '-' ? undefined : collectionFromName(file))
    if (!collection) throw usage('reading stdin needs --collection NAME')
    plans.push({ file, type, collection })
  }
  if (opts.batchSize !== undefined && !(opts.batchSize >= 1)) throw usage('--batch-size must be at least 1')
  if (opts.concurrency !== undefined && !(opts.concurrency >= 1))
    throw usage('--concurrency must be at least 1')
  return plans
}

function usage(message: string): GraphpipeError {
  return new GraphpipeError('IMPORT_USAGE', message, EXIT.USAGE)
}

/** Read --headers-file: its one line holds the column names. */
async function readHeaders(file: string, separator: string, quote: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw usage(`--headers-file ${file}: cannot read it`)
  }
  const rows: string[][] = []
  const sp = new DelimitedSplitter(
    { separator, quote },
    {
      record: (f) => void rows.push(f.slice()),
      malformed: (line, reason) => {
        throw usage(`--headers-file ${file}, line ${line}: ${reason}`)
      },
    },
  )
  sp.push(text)
  sp.end()
  if (rows.length !== 1)
    throw usage(`--headers-file ${file}: expected one line of column names, found ${rows.length}`)
  return rows[0]
}

export async function runImport(
  db: Database,
  files: string[],
  opts: ImportOptions = {},
  cb: ImportCallbacks = {},
): Promise<ImportResult> {
  const plans = await planImport(files, opts)
  const started = Date.now()
  const dryRun = Boolean(opts.dryRun)
  const merges = (opts.mergeAttributes ?? []).map(parseMergeAttribute)
  const rejectedShown: RejectedRow[] = []
  let errorsTotal = 0
  let stopped = false
  let errorsOut: WriteStream | undefined
  if (opts.errorsFile) {
    errorsOut = createWriteStream(opts.errorsFile)
    await new Promise<void>((resolve, reject) => {
      errorsOut!.once('open', () => resolve())
      errorsOut!.once('error', (e) => reject(usage(`--errors-file ${opts.errorsFile}: ${e.message}`)))
    })
  }
  const reject = (row: RejectedRow): void => {
    errorsTotal++
    if (rejectedShown.length < DEFAULTS.import.errorsShown) rejectedShown.push(row)
    errorsOut?.write(JSON.stringify(row) + '\n')
    cb.onRejected?.(row)
  }

  let databaseCreated = false
  if (!(await db.exists())) {
    if (!opts.createDatabase)
      throw new GraphpipeError(
        'IMPORT_DATABASE',
        `database ${db.name} does not exist (use --create-database)`,
      )
    if (!dryRun) await db.database('_system').createDatabase(db.name)
    databaseCreated = true
    cb.onNote?.(`${dryRun ? 'would create' : 'created'} database ${db.name}`)
  }

  const results: FileResult[] = []
  const edgeShapes = new Map<string, { from: Set<string>; to: Set<string> }>()
  const documentCollections = new Set<string>()
  const knownCollections = new Map<string, CollectionType>()

  try {
    for (const plan of plans) {
      if (stopped) break
      const separator = opts.separator ?? (plan.type === 'tsv' ? '\t' : ',')
      // arangoimport: "in tsv, we do not use the quote char"
      const quote = plan.type === 'tsv' ? '' : (opts.quote ?? '"')
      const header = opts.headersFile ? await readHeaders(opts.headersFile, separator, quote) : undefined
      const reader: Reader =
        plan.type === 'csv' || plan.type === 'tsv'
          ? new DelimitedReader({
              separator,
              quote,
              skipLines: opts.skipLines ?? 0,
              header,
              convert: opts.convert ?? true,
              datatypes: opts.datatypes ?? {},
              translate: opts.translate ?? {},
              removeAttributes: opts.removeAttributes ?? [],
              mergeAttributes: merges,
              ignoreMissing: Boolean(opts.ignoreMissing),
            })
          : plan.type === 'json'
            ? new JsonArrayReader()
            : new JsonLinesReader()
      const r = await importFile(plan, reader)
      results.push(r)
      cb.onFileDone?.(r)
    }

    let graph: ImportResult['graph']
    if (opts.graph && !stopped) {
      graph = await ensureGraph(db, opts.graph, edgeShapes, documentCollections, dryRun)
      cb.onNote?.(
        `${dryRun ? 'would ' : ''}${graph.created ? 'create' : 'extend'}${dryRun ? '' : 'd'} graph ${graph.name}`,
      )
    }

    const total = sumCounts(results)
    const elapsedMs = Date.now() - started
    return {
      database: db.name,
      databaseCreated,
      dryRun,
      files: results,
      total: { ...total, elapsedMs, rowsPerSecond: rate(total.rows, elapsedMs) },
      graph,
      rejected: rejectedShown,
      stopped,
    }
  } finally {
    if (errorsOut) {
      errorsOut.end()
      await finished(errorsOut).catch(() => {})
    }
  }

  async function prepareCollection(
    name: string,
    detected: CollectionType,
  ): Promise<{ type: CollectionType; created: boolean }> {
    const known = knownCollections.get(name)
    if (known) return { type: known, created: false }
    const col = db.collection(name)
    const exists = databaseCreated && dryRun ? false : await col.exists()
    let type: CollectionType
    let created = false
    if (exists) {
      const info = await col.get()
      type = info.type === 3 ? 'edge' : 'document'
      if (opts.collectionType && opts.collectionType !== type) {
        throw usage(`collection ${name} exists as a ${type} collection, not ${opts.collectionType}`)
      }
      if (opts.overwrite) {
        if (!dryRun) await col.truncate()
        cb.onNote?.(`${dryRun ? 'would truncate' : 'truncated'} collection ${name}`)
      }
    } else {
      if (opts.createCollection === false) {
        throw new GraphpipeError(
          'IMPORT_COLLECTION',
          `collection ${name} does not exist (and --no-create-collection is set)`,
        )
      }
      type = opts.collectionType ?? detected
      if (!dryRun) {
        if (type === 'edge') await db.createEdgeCollection(name)
        else await db.createCollection(name)
      }
      created = true
      cb.onNote?.(`${dryRun ? 'would create' : 'created'} collection ${name} (${type})`)
    }
    knownCollections.set(name, type)
    return { type, created }
  }

  async function importFile(plan: Plan, reader: Reader): Promise<FileResult> {
    const t0 = Date.now()
    cb.onFileStart?.(plan.file, plan.collection, plan.type)
    const counts: Counts = { rows: 0, created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
    const input = await openInput(plan.file)
    let collectionType: CollectionType | undefined
    let collectionCreated = false
    let writer: BatchWriter | undefined
    let fileStopped = false
    const shapes = { from: new Set<string>(), to: new Set<string>() }
    // CSV/TSV rename and drop columns in the converter; JSON documents get the same here
    const jsonMapping =
      (plan.type === 'json' || plan.type === 'jsonl') &&
      (Object.keys(opts.translate ?? {}).length > 0 || (opts.removeAttributes ?? []).length > 0)
    const rejectRow = (line: number, reason: string): void => {
      counts.errors++
      reject({ file: plan.file, line, reason })
      if (opts.maxErrors !== undefined && errorsTotal >= opts.maxErrors) fileStopped = true
    }

    const prepare = async (first?: Record<string, unknown>): Promise<void> => {
      if (collectionType) return
      const names = reader.attributeNames ?? (first ? Object.keys(first) : [])
      const detected: CollectionType = names.includes('_from') && names.includes('_to') ? 'edge' : 'document'
      const p = await prepareCollection(plan.collection, detected)
      collectionType = p.type
      collectionCreated = p.created
      if (!dryRun) {
        writer = new BatchWriter(db.collection(plan.collection) as DocumentCollection, {
          batchSize: opts.batchSize ?? DEFAULTS.import.batchSize,
          concurrency: opts.concurrency ?? DEFAULTS.import.concurrency,
          onDuplicate: opts.onDuplicate ?? 'error',
          onBatch: (o) => {
            counts.created += o.created
            counts.updated += o.updated
            counts.ignored += o.ignored
            counts.empty += o.empty
            for (const rj of o.rejected) rejectRow(rj.line, rj.reason)
            // the server's error count is what adds up; details only say which rows
            counts.errors += o.errors - o.rejected.length
          },
        })
      }
    }

    const handle = async (item: Item): Promise<void> => {
      counts.rows++
      if (item.empty) {
        counts.empty++
        return
      }
      if (item.reason !== undefined || !item.doc) {
        rejectRow(item.line, item.reason ?? 'unreadable row')
        return
      }
      const doc = jsonMapping ? mapAttributes(item.doc, opts) : item.doc
      if (!collectionType) await prepare(doc)
      applyPrefixes(doc, opts)
      if (collectionType === 'edge') {
        noteHandle(doc._from, shapes.from)
        noteHandle(doc._to, shapes.to)
      }
      if (dryRun) {
        const why = validate(doc, collectionType!)
        if (why) rejectRow(item.line, why)
        else counts.created++
        return
      }
      await writer!.add(item.line, JSON.stringify(doc))
    }

    const decoder = new TextDecoder('utf-8')
    let lastProgress = 0
    const progress = (): void => {
      cb.onProgress?.({
        file: plan.file,
        rows: counts.rows,
        bytesRead: input.bytesRead(),
        totalBytes: input.totalBytes,
        elapsedMs: Date.now() - t0,
      })
    }
    const items: Item[] = []
    const drainItems = async (): Promise<void> => {
      for (let i = 0; i < items.length && !fileStopped; i++) await handle(items[i])
      items.length = 0
    }
    try {
      for await (const chunk of input.chunks) {
        reader.push(decoder.decode(chunk, { stream: true }), items)
        await drainItems()
        if (fileStopped) break
        const now = Date.now()
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now
          progress()
        }
      }
      if (!fileStopped) {
        const tail = decoder.decode()
        if (tail) reader.push(tail, items)
        reader.end(items)
        await drainItems()
      }
      if (!collectionType) await prepare()
      await writer?.close()
    } finally {
      // stop reading a file we leave early (max-errors, failure)
      const it = input.chunks as AsyncGenerator<Buffer>
      await it.return?.(undefined)?.catch?.(() => {})
    }
    progress()
    if (fileStopped) stopped = true

    if (collectionType === 'edge') {
      const prev = edgeShapes.get(plan.collection)
      if (prev) {
        shapes.from.forEach((c) => prev.from.add(c))
        shapes.to.forEach((c) => prev.to.add(c))
      } else edgeShapes.set(plan.collection, shapes)
    } else documentCollections.add(plan.collection)

    const elapsedMs = Date.now() - t0
    return {
      file: plan.file,
      collection: plan.collection,
      collectionType: collectionType!,
      collectionCreated,
      type: plan.type,
      ...counts,
      elapsedMs,
      rowsPerSecond: rate(counts.rows, elapsedMs),
      ...(fileStopped ? { stopped: true } : {}),
    }
  }
}

/** --translate and --remove-attribute on a JSON document's top-level attributes (order kept). */
export function mapAttributes(doc: Record<string, unknown>, opts: ImportOptions): Record<string, unknown> {
  const translate = opts.translate ?? {}
  const removed = new Set(opts.removeAttributes ?? [])
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    const name = Object.hasOwn(translate, k) ? translate[k] : k
    if (removed.has(k) || removed.has(name)) continue
    out[name] = v
  }
  return out
}

/**
 * --from-prefix / --to-prefix: a value holding only a key gets `PREFIX/` in front, as ArangoDB's
 * import API does with fromPrefix/toPrefix; with --overwrite-prefix a value that already names a
 * collection gets the prefix's collection instead (arangoimport --overwrite-collection-prefix).
 * Done here rather than on the server so that --graph and --dry-run know the collections.
 */
export function applyPrefixes(doc: Record<string, unknown>, opts: ImportOptions): void {
  if (opts.fromPrefix && doc._from !== undefined)
    doc._from = prefixed(doc._from, opts.fromPrefix, Boolean(opts.overwritePrefix))
  if (opts.toPrefix && doc._to !== undefined)
    doc._to = prefixed(doc._to, opts.toPrefix, Boolean(opts.overwritePrefix))
}

function prefixed(v: unknown, prefix: string, overwrite: boolean): unknown {
  if (typeof v === 'number') v = String(v)
  if (typeof v !== 'string') return v
  const slash = v.indexOf('/')
  if (slash < 0) return `${prefix}/${v}`
  return overwrite ? `${prefix}/${v.slice(slash + 1)}` : v
}

function noteHandle(v: unknown, into: Set<string>): void {
  if (typeof v !== 'string') return
  const slash = v.indexOf('/')
  if (slash > 0) into.add(v.slice(0, slash))
}

/** What the server would reject, checked without it (--dry-run). Reasons use ArangoDB's wording. */
export function validate(doc: Record<string, unknown>, type: CollectionType): string | undefined {
  if ('_key' in doc && (typeof doc._key !== 'string' || !KEY_RE.test(doc._key))) return 'illegal document key'
  if (type === 'edge') {
    if (typeof doc._from !== 'string' || typeof doc._to !== 'string')
      return "missing '_from' or '_to' attribute"
    for (const h of [doc._from, doc._to]) {
      const slash = h.indexOf('/')
      if (slash <= 0 || !KEY_RE.test(h.slice(slash + 1))) return 'edge attribute missing or invalid'
    }
  }
  return undefined
}

function sumCounts(rs: Counts[]): Counts {
  const t: Counts = { rows: 0, created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
  for (const r of rs) {
    t.rows += r.rows
    t.created += r.created
    t.updated += r.updated
    t.ignored += r.ignored
    t.empty += r.empty
    t.errors += r.errors
  }
  return t
}

function rate(rows: number, ms: number): number {
  return ms > 0 ? Math.round((rows * 1000) / ms) : rows
}
