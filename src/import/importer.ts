/**
 * The import core: files in, documents out through arangojs, a typed result back. No oclif here;
 * progress and rejected rows go to callbacks.
 */
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Database } from 'arangojs'
import type { DocumentCollection } from 'arangojs/collections'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError, describeError } from '../errors.js'
import {
  CHECKPOINT_COLLECTION,
  describePosition,
  ensureCheckpointCollection,
  removeCheckpoints,
  resultOptions,
  resumptions,
  type CheckpointCounts,
  type Position,
  type Resumption,
} from './checkpoint.js'
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
import { TransactionalWriter } from './txbatches.js'
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
  if (opts.resume || opts.restart) {
    if (opts.resume && opts.restart)
      throw usage(
        '--resume and --restart exclude each other (--restart discards the checkpoint, --resume continues it)',
      )
    const flag = opts.resume ? '--resume' : '--restart'
    if (files.includes('-'))
      throw usage(
        `stdin cannot be resumed: ${flag} needs a file it can read again (save the input to a file and import that)`,
      )
    if (opts.dryRun) throw usage(`${flag} writes checkpoints; --dry-run writes nothing: use one of them`)
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
  // a resumed run appends: the file then lists every rejected row of the whole import once
  const openErrorsFile = async (append: boolean): Promise<void> => {
    if (!opts.errorsFile) return
    errorsOut = createWriteStream(opts.errorsFile, { flags: append ? 'a' : 'w' })
    await new Promise<void>((resolve, reject) => {
      errorsOut!.once('open', () => resolve())
      errorsOut!.once('error', (e) => reject(usage(`--errors-file ${opts.errorsFile}: ${e.message}`)))
    })
  }
  const resumable = Boolean(opts.resume || opts.restart)
  if (!resumable) await openErrorsFile(false)
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
    // checkpoints: refused resumes and the hint to resume come before anything is written
    const states = dryRun ? [] : await preflight(specs)
    if (resumable) {
      await openErrorsFile(states.some((st) => st?.checkpoint || st?.complete))
      await ensureCheckpointCollection(db)
    }

    // flags naming columns that no file has: said before anything is written
    if (Object.keys(opts.translate ?? {}).length > 0 || opts.fromPrefix || opts.toPrefix) {
      const probed = []
      for (const spec of specs) probed.push({ file: spec.file, columns: await probeColumns(spec) })
      for (const w of columnWarnings(probed, opts)) warn(w)
    }

    for (const [i, plan] of plans.entries()) {
      if (stopped) break
      const st = states[i]
      const r = st ? await importResumable(plan, specs[i], st) : await importFile(plan, parcelsOf(specs[i]))
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

    // the whole run is done: its checkpoints go (a run stopped by --max-errors keeps them)
    if (resumable && !stopped) {
      await removeCheckpoints(
        db,
        states.flatMap((st) => (st ? [st.key] : [])),
      )
    }

    const total = sumCounts(results)
    const elapsedMs = Date.now() - started
    // rows/s of what this run read: rows before a resume point were imported by an earlier run
    const before = results.reduce((a, r) => a + (r.resumed?.rows ?? 0), 0)
    return {
      database: db.name,
      databaseCreated,
      dryRun,
      files: results,
      total: { ...total, elapsedMs, rowsPerSecond: rate(total.rows - before, elapsedMs) },
      graph,
      rejected: rejectedShown,
      stopped,
      warnings,
      ...(resumable ? { resumable: true } : {}),
    }
  } finally {
    if (errorsOut) {
      errorsOut.end()
      await finished(errorsOut).catch(() => {})
    }
  }

  /** The checkpoint of every file, before anything is written (checkpoint.ts, resumptions). */
  async function preflight(specs: ProduceSpec[]): Promise<(Resumption | undefined)[]> {
    return resumptions(
      db,
      plans.map((plan, i) => ({
        file: plan.file,
        target: plan.collection,
        options: resultOptions(plan.type, opts, specs[i].header),
      })),
      opts,
      {
        warn,
        refuse: async (plan, cp) =>
          (await db.collection(plan.target).exists())
            ? undefined
            : `collection ${plan.target} is gone, and the checkpoint says ${n(cp.rows)} rows were imported into it; --restart imports the file from its first row`,
        restartNote: (plan, cp) =>
          `the ${n(cp.counts.created + cp.counts.updated)} documents the interrupted import wrote stay in ${plan.target}` +
          (opts.overwrite
            ? ' until --overwrite empties it now'
            : `: rows with a _key already there follow --on-duplicate ${opts.onDuplicate ?? 'error'}, rows without one are added again (use --overwrite to empty ${plan.target} first)`),
      },
    )
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

    recordShape(plan.collection, collectionType!, shapes)

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

  /**
   * A file of a resumable import: rows in file order into batches, each committed with the
   * file's checkpoint in one stream transaction (txbatches.ts); after a checkpoint, the rows it
   * covers are read again (to find the place) but not written. Rejected rows are reported once
   * their batch is committed, so a kill never reports a row twice nor loses one.
   */
  async function importResumable(plan: Plan, spec: ProduceSpec, st: Resumption): Promise<FileResult> {
    const t0 = Date.now()
    const cp = st.checkpoint ?? st.complete
    const shapes = { from: new Set(cp?.fromCollections ?? []), to: new Set(cp?.toCollections ?? []) }
    const before: CheckpointCounts = { ...ZERO, ...cp?.counts }
    const counts: Counts = { rows: cp?.rows ?? 0, ...before }
    const resumed: FileResult['resumed'] = cp
      ? {
          rows: cp.rows,
          line: cp.line,
          bytes: cp.bytes,
          at: cp.updatedAt,
          counts: before,
          ...(st.complete ? { complete: true } : {}),
        }
      : undefined
    // --max-errors counts the rows the import rejected before the resume point too
    errorsTotal += before.errors
    let collectionType = cp?.collectionType
    let collectionCreated = cp?.collectionCreated ?? false
    let keylessBeside = cp?.keylessBeside
    const fileWarnings: string[] = []
    let fileStopped = false
    const result = (): FileResult => {
      if (collectionType) recordShape(plan.collection, collectionType, shapes)
      const elapsedMs = Date.now() - t0
      return {
        file: plan.file,
        collection: plan.collection,
        collectionType: collectionType ?? 'document',
        collectionCreated,
        type: plan.type,
        ...counts,
        elapsedMs,
        rowsPerSecond: rate(counts.rows - (cp?.rows ?? 0), elapsedMs),
        ...(fileStopped ? { stopped: true } : {}),
        ...(fileWarnings.length > 0 ? { warnings: fileWarnings } : {}),
        ...(keylessBeside !== undefined ? { keylessBeside } : {}),
        ...(resumed ? { resumed } : {}),
      }
    }
    if (st.complete) {
      cb.onNote?.(
        `${plan.file} -> ${plan.collection}: imported completely by an interrupted run (${n(st.complete.rows)} rows): skipped`,
      )
      if (collectionType) knownCollections.set(plan.collection, collectionType)
      return result()
    }
    if (cp) cb.onNote?.(`resuming ${plan.file} -> ${plan.collection} ${describePosition(cp)}`)
    cb.onFileStart?.(plan.file, plan.collection, plan.type)

    let writer: TransactionalWriter | undefined
    const startedAt = cp?.startedAt ?? new Date().toISOString()
    const prepare = async (names: string[]): Promise<void> => {
      if (cp) {
        // resuming: the collection is there (checked); nothing is truncated or counted again
        const info = await db.collection(plan.collection).get()
        collectionType = info.type === 3 ? 'edge' : 'document'
        knownCollections.set(plan.collection, collectionType)
      } else {
        const detected: CollectionType =
          names.includes('_from') && names.includes('_to') ? 'edge' : 'document'
        const p = await prepareCollection(plan.collection, detected)
        collectionType = p.type
        collectionCreated = p.created
        if (p.existing > 0 && names.length > 0 && !names.includes('_key')) {
          const w = duplicateRowsWarning(plan.file, plan.collection, p.existing, false)
          fileWarnings.push(w)
          keylessBeside = p.existing
          warn(w)
        }
      }
      const start: Position & { counts: CheckpointCounts } = cp
        ? { rows: cp.rows, line: cp.line, bytes: cp.bytes, hash: cp.hash, counts: before }
        : { rows: 0, line: 0, bytes: 0, hash: EMPTY_HASH, counts: { ...ZERO } }
      writer = new TransactionalWriter(
        db,
        {
          collection: plan.collection,
          checkpointCollection: CHECKPOINT_COLLECTION,
          batchSize: opts.batchSize ?? DEFAULTS.import.resumableBatchSize,
          onDuplicate: opts.onDuplicate ?? 'error',
          checkpoint: (at, totals, done) => ({
            _key: st.key,
            kind: 'graphpipe import',
            file: plan.file,
            path: st.id.path,
            target: plan.collection,
            type: plan.type,
            size: st.id.size,
            mtimeMs: st.id.mtimeMs,
            ...at,
            counts: totals,
            options: st.options,
            collectionType,
            collectionCreated,
            ...(keylessBeside !== undefined ? { keylessBeside } : {}),
            fromCollections: [...shapes.from],
            toCollections: [...shapes.to],
            done,
            startedAt,
            updatedAt: new Date().toISOString(),
          }),
          onCommit: (o) => {
            counts.rows += o.rows
            counts.created += o.created
            counts.updated += o.updated
            counts.ignored += o.ignored
            counts.empty += o.empty
            for (const rj of o.rejected) rejectRow(rj.line, rj.reason)
          },
          onNote: (m) => cb.onNote?.(m),
          signal: opts.signal,
        },
        start,
      )
    }
    const rejectRow = (line: number, reason: string): void => {
      counts.errors++
      reject({ file: plan.file, line, reason })
      if (opts.maxErrors !== undefined && errorsTotal >= opts.maxErrors) fileStopped = true
    }
    const reachedMax = (): boolean =>
      opts.maxErrors !== undefined && errorsTotal + (writer?.pendingRejected ?? 0) >= opts.maxErrors

    let readRows = cp?.rows ?? 0
    let lastProgress = 0
    let last: Parcel | undefined
    const progress = (): void => {
      cb.onProgress?.({
        file: plan.file,
        rows: readRows,
        bytesRead: last?.bytesRead ?? 0,
        totalBytes: last?.totalBytes,
        elapsedMs: Date.now() - t0,
      })
    }
    let interrupted = false
    const parcels = parcelsOf({ ...spec, skipRows: cp?.rows ?? 0, hashPrefix: true })
    try {
      for await (const parcel of parcels) {
        if (opts.signal?.aborted) {
          interrupted = true
          break
        }
        last = parcel
        const { docs, rejected, emptyLines } = parcel
        const lines = docs.lines
        // the writer before the first row (on a resume too: the collection type is known then)
        if (!writer) await prepare(parcel.names ?? [])
        for (const c of parcel.fromCollections) shapes.from.add(c)
        for (const c of parcel.toCollections) shapes.to.add(c)
        const w = writer!
        w.at(parcel.bytesRead, parcel.prefixHash)
        let di = 0
        let run = 0
        const sendRun = async (): Promise<void> => {
          if (di > run) await w.docs(docs, run, di)
          run = di
        }
        let ri = 0
        let ei = 0
        // rows in file order, each into the batch it commits with; Ctrl-C stops between rows
        while (
          !fileStopped &&
          !(interrupted ||= opts.signal?.aborted === true) &&
          (di < lines.length || ri < rejected.length || ei < emptyLines.length)
        ) {
          const dl = di < lines.length ? lines[di] : Infinity
          const rl = ri < rejected.length ? rejected[ri].line : Infinity
          const el = ei < emptyLines.length ? emptyLines[ei] : Infinity
          readRows++
          if (rl <= dl && rl <= el) {
            await sendRun()
            const r = rejected[ri++]
            await w.rejected(r.line, r.reason)
            // --max-errors: stop right after its N-th rejected row
            if (reachedMax()) fileStopped = true
          } else if (el <= dl) {
            await sendRun()
            ei++
            await w.empty(el)
          } else {
            di++
          }
        }
        await sendRun()
        // Ctrl-C while the rows went to the writer: it took those before it, no more
        if (w.stopped) interrupted = true
        if (fileStopped || interrupted) break
        const now = Date.now()
        if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
          lastProgress = now
          progress()
        }
      }
      if (!writer) await prepare([])
      if (fileStopped || interrupted) await writer!.close()
      else await writer!.finish()
    } catch (err) {
      await parcels.return(undefined).catch(() => {})
      const d = describeError(err)
      if (d.exitCode === EXIT.USAGE) throw err
      const at = writer?.position ?? cp
      const where = at ? `committed ${describePosition(at)}` : 'nothing committed yet'
      throw new GraphpipeError(
        err instanceof GraphpipeError ? err.code : 'IMPORT_FAILED',
        `${d.message} (${plan.file} -> ${plan.collection}: ${where}; run the import again with --resume to continue)`,
        d.exitCode,
      )
    } finally {
      await parcels.return(undefined).catch(() => {})
    }
    progress()
    if (interrupted) {
      const at = writer?.position ?? cp
      throw new GraphpipeError(
        'IMPORT_INTERRUPTED',
        `interrupted: ${plan.file} -> ${plan.collection} is committed ${at ? describePosition(at) : 'up to no row yet'}; run the import again with --resume to continue`,
        EXIT.INTERRUPTED,
      )
    }
    if (fileStopped) stopped = true
    return result()
  }

  function recordShape(
    collection: string,
    type: CollectionType,
    shapes: { from: Set<string>; to: Set<string> },
  ): void {
    if (type === 'edge') {
      const prev = edgeShapes.get(collection)
      if (prev) {
        shapes.from.forEach((c) => prev.from.add(c))
        shapes.to.forEach((c) => prev.to.add(c))
      } else edgeShapes.set(collection, shapes)
    } else documentCollections.add(collection)
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

const n = (v: number): string => v.toLocaleString('en-US')

const ZERO: CheckpointCounts = { created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
/** SHA-256 of no bytes: where a file stands before its first row. */
const EMPTY_HASH = createHash('sha256').digest('hex')

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
