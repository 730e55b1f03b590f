/**
 * The import core: files in, documents out through arangojs, a typed result back. No oclif here;
 * progress and rejected rows go to callbacks.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Database } from 'arangojs'
import type { DocumentCollection } from 'arangojs/collections'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { columnWarnings, duplicateRowsWarning, probeColumns } from './checks.js'
import { parseMergeAttribute } from './convert.js'
import { DelimitedSplitter } from './delimited.js'
import { ensureGraph } from './graph.js'
import { produce, type Parcel, type ProduceSpec } from './produce.js'
import { checkReadable, collectionFromName, typeFromName } from './source.js'
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
  // malformed --merge-attributes are usage errors before anything is read
  for (const m of opts.mergeAttributes ?? []) parseMergeAttribute(m)
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

  const warnings: string[] = []
  const warn = (message: string): void => {
    warnings.push(message)
    cb.onWarning?.(message)
  }

  const results: FileResult[] = []
  const edgeShapes = new Map<string, { from: Set<string>; to: Set<string> }>()
  const documentCollections = new Set<string>()
  const knownCollections = new Map<string, CollectionType>()

  try {
    const specs: ProduceSpec[] = []
    for (const plan of plans) {
      const separator = opts.separator ?? (plan.type === 'tsv' ? '\t' : ',')
      const quote = plan.type === 'tsv' ? '' : (opts.quote ?? '"')
      const header =
        opts.headersFile && (plan.type === 'csv' || plan.type === 'tsv')
          ? await readHeaders(opts.headersFile, separator, quote)
          : undefined
      specs.push({ file: plan.file, type: plan.type, header, opts })
    }
    // flags naming columns that no file has: said before anything is written
    if (Object.keys(opts.translate ?? {}).length > 0 || opts.fromPrefix || opts.toPrefix) {
      const probed = []
      for (const spec of specs) probed.push({ file: spec.file, columns: await probeColumns(spec) })
      for (const w of columnWarnings(probed, opts)) warn(w)
    }

    for (const [i, plan] of plans.entries()) {
      if (stopped) break
      const r = await importFile(plan, parcelsOf(specs[i]))
      results.push(r)
      cb.onFileDone?.(r)
    }

    let graph: ImportResult['graph']
    if (opts.graph && !stopped) {
      graph = await ensureGraph(db, opts.graph, edgeShapes, documentCollections, dryRun, opts.graphOptions)
      const verb = graph.created
        ? dryRun
          ? 'would create'
          : 'created'
        : dryRun
          ? 'would extend'
          : 'extended'
      cb.onNote?.(`${verb} graph ${graph.name}`)
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
      warnings,
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
  ): Promise<{ type: CollectionType; created: boolean; existing: number }> {
    const known = knownCollections.get(name)
    // an earlier file of this run filled it: what it added is no trap
    if (known) return { type: known, created: false, existing: 0 }
    const col = db.collection(name)
    const exists = databaseCreated && dryRun ? false : await col.exists()
    let type: CollectionType
    let created = false
    let existing = 0
    if (exists) {
      const info = await col.get()
      type = info.type === 3 ? 'edge' : 'document'
      if (opts.collectionType && opts.collectionType !== type) {
        throw usage(`collection ${name} exists as a ${type} collection, not ${opts.collectionType}`)
      }
      if (!opts.overwrite) existing = (await col.count()).count
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
    return { type, created, existing }
  }

  async function importFile(plan: Plan, parcels: AsyncGenerator<Parcel>): Promise<FileResult> {
    const t0 = Date.now()
    cb.onFileStart?.(plan.file, plan.collection, plan.type)
    const counts: Counts = { rows: 0, created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
    let collectionType: CollectionType | undefined
    let collectionCreated = false
    let writer: BatchWriter | undefined
    let fileStopped = false
    const fileWarnings: string[] = []
    let keylessBeside: number | undefined
    const shapes = { from: new Set<string>(), to: new Set<string>() }
    const rejectRow = (line: number, reason: string): void => {
      counts.errors++
      reject({ file: plan.file, line, reason })
      if (opts.maxErrors !== undefined && errorsTotal >= opts.maxErrors) fileStopped = true
    }

    const prepare = async (names: string[]): Promise<void> => {
      const detected: CollectionType = names.includes('_from') && names.includes('_to') ? 'edge' : 'document'
      const p = await prepareCollection(plan.collection, detected)
      collectionType = p.type
      collectionCreated = p.created
      // keyless rows into a collection that already holds documents: a second run doubles them
      if (p.existing > 0 && names.length > 0 && !names.includes('_key')) {
        const w = duplicateRowsWarning(plan.file, plan.collection, p.existing, dryRun)
        fileWarnings.push(w)
        keylessBeside = p.existing
        warn(w)
      }
      if (dryRun) return
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

    let lastProgress = 0
    let last: Parcel | undefined
    const progress = (): void => {
      cb.onProgress?.({
        file: plan.file,
        rows: counts.rows,
        bytesRead: last?.bytesRead ?? 0,
        totalBytes: last?.totalBytes,
        elapsedMs: Date.now() - t0,
      })
    }
    try {
      for await (const parcel of parcels) {
        last = parcel
        const { docs, rejected, emptyLines } = parcel
        const lines = docs.lines
        if (!collectionType && (parcel.names || lines.length > 0)) await prepare(parcel.names ?? [])
        for (const c of parcel.fromCollections) shapes.from.add(c)
        for (const c of parcel.toCollections) shapes.to.add(c)
        const checks = dryRun && parcel.checks ? new Map(parcel.checks.map((c) => [c.index, c])) : undefined
        let di = 0
        // consecutive documents go to the writer as one range of bytes
        let run = 0
        const sendRun = async (): Promise<void> => {
          if (di > run && writer) await writer.add(docs, run, di)
          run = di
        }
        let ri = 0
        let ei = 0
        // rows in file order, so that --max-errors stops exactly after its N-th rejected row
        while (!fileStopped && (di < lines.length || ri < rejected.length || ei < emptyLines.length)) {
          const dl = di < lines.length ? lines[di] : Infinity
          const rl = ri < rejected.length ? rejected[ri].line : Infinity
          const el = ei < emptyLines.length ? emptyLines[ei] : Infinity
          counts.rows++
          if (rl <= dl && rl <= el) {
            await sendRun()
            rejectRow(rl, rejected[ri++].reason)
          } else if (el <= dl) {
            counts.empty++
            ei++
          } else if (dryRun) {
            const ch = checks?.get(di)
            const why = ch && (ch.key ?? (collectionType === 'edge' ? ch.edge : undefined))
            if (why) rejectRow(dl, why)
            else counts.created++
            di++
          } else {
            di++
          }
        }
        if (!dryRun) await sendRun()
        if (fileStopped) break
        const now = Date.now()
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now
          progress()
        }
      }
      if (!collectionType) await prepare([])
      await writer?.close()
    } finally {
      // stop reading a file we leave early (max-errors, failure)
      await parcels.return(undefined).catch(() => {})
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
      ...(fileWarnings.length > 0 ? { warnings: fileWarnings } : {}),
      ...(keylessBeside !== undefined ? { keylessBeside } : {}),
    }
  }

  /** The reading half in a worker thread when it can be (a file, not --dry-run, compiled code), else here. */
  function parcelsOf(spec: ProduceSpec): AsyncGenerator<Parcel> {
    const worker = workerScript()
    if (worker && spec.file !== '-' && !dryRun && opts.workerThreads !== false)
      return produceInWorker(worker, spec)
    return produce(spec)
  }
}

/** The compiled parse worker next to this module; absent when running from TypeScript sources (tests). */
function workerScript(): URL | undefined {
  const url = new URL('./parse-worker.js', import.meta.url)
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined
}

async function* produceInWorker(script: URL, spec: ProduceSpec): AsyncGenerator<Parcel> {
  // A small old space: the worker holds a few parcels at a time, and RSS is what the user sees.
  // A young generation that holds a parcel's rows until they are packed: with 4 MB they were
  // promoted and collected again as old objects (1,000,000 flights rows: 5.1 CPU-s at 4 MB,
  // 3.5 at 16, no better at 32; +14 MB RSS).
  const worker = new Worker(script, {
    workerData: spec,
    resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 96 },
  })
  type Msg =
    | { type: 'parcel'; parcel: Parcel }
    | { type: 'done' }
    | { type: 'error'; message: string; code?: string; exitCode?: number }
  const queue: Msg[] = []
  let wake: (() => void) | undefined
  let crashed: Error | undefined
  const push = (m: Msg): void => {
    queue.push(m)
    wake?.()
    wake = undefined
  }
  let ended = false
  worker.on('message', (m: Msg) => {
    if (m.type !== 'parcel') ended = true
    push(m)
  })
  worker.on('error', (e) => {
    crashed = e
    push({ type: 'done' })
  })
  // a worker that ends without saying done must not leave the import waiting forever
  worker.on('exit', (code) => {
    if (ended) return
    crashed ??= new Error(`the reading worker stopped (exit code ${code}) before the end of ${spec.file}`)
    push({ type: 'done' })
  })
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r))
      const m = queue.shift()!
      if (crashed) throw crashed
      if (m.type === 'done') return
      if (m.type === 'error') {
        throw m.code?.startsWith('IMPORT')
          ? new GraphpipeError(m.code, m.message, m.exitCode)
          : new Error(m.message)
      }
      yield m.parcel
      worker.postMessage({ type: 'ack' })
    }
  } finally {
    await worker.terminate()
  }
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
