/**
 * The files of a resumable import (--resume/--restart): where each stands before anything is
 * written (checkpoint.ts), and its rows in batches each committed with the file's checkpoint in
 * one stream transaction (txbatches.ts).
 */
import { createHash } from 'node:crypto'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError, describeError } from '../errors.js'
import {
  CHECKPOINT_COLLECTION,
  describePosition,
  resultOptions,
  resumptions,
  type CheckpointCounts,
  type Position,
  type Resumption,
} from './checkpoint.js'
import { FileRun, WRITTEN, addCounts, walkRows } from './file-run.js'
import { parcelsOf } from './parcels.js'
import type { Plan } from './plan.js'
import type { ProduceSpec } from './produce.js'
import type { ImportRun } from './run.js'
import type { FileResult } from './types.js'
import { TransactionalWriter } from './txbatches.js'
import { formatCount } from '../ui/numbers.js'

const n = formatCount

const ZERO: CheckpointCounts = { created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
/** SHA-256 of no bytes: where a file stands before its first row. */
const EMPTY_HASH = createHash('sha256').digest('hex')
/** What a commit says: its rows and what became of them (its rejected rows are counted one by one). */
const COMMITTED = ['rows', ...WRITTEN] as const

/** The checkpoint of every file, before anything is written (checkpoint.ts, resumptions). */
export async function preflight(
  run: ImportRun,
  plans: Plan[],
  specs: ProduceSpec[],
): Promise<(Resumption | undefined)[]> {
  const { db, opts } = run
  return resumptions(
    db,
    plans.map((plan, i) => ({
      file: plan.file,
      target: plan.collection,
      options: resultOptions(plan.type, opts, specs[i].header),
    })),
    opts,
    {
      warn: (message) => run.warn(message),
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

/**
 * A file of a resumable import: rows in file order into batches, each committed with the
 * file's checkpoint in one stream transaction (txbatches.ts); after a checkpoint, the rows it
 * covers are read again (to find the place) but not written. Rejected rows are reported once
 * their batch is committed, so a kill never reports a row twice nor loses one.
 */
export async function importResumable(
  run: ImportRun,
  plan: Plan,
  spec: ProduceSpec,
  st: Resumption,
): Promise<FileResult> {
  const { db, opts } = run
  const file = new FileRun(run, plan)
  const { counts } = file
  const cp = st.checkpoint ?? st.complete
  file.shapes = { from: new Set(cp?.fromCollections ?? []), to: new Set(cp?.toCollections ?? []) }
  const before: CheckpointCounts = { ...ZERO, ...cp?.counts }
  Object.assign(counts, { rows: cp?.rows ?? 0, ...before })
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
  run.errorsTotal += before.errors
  file.collectionType = cp?.collectionType
  file.collectionCreated = cp?.collectionCreated ?? false
  file.keylessBeside = cp?.keylessBeside
  const result = (): FileResult => file.result(cp?.rows ?? 0, resumed)
  if (st.complete) {
    run.note(
      `${plan.file} -> ${plan.collection}: imported completely by an interrupted run (${n(st.complete.rows)} rows): skipped`,
    )
    if (file.collectionType) run.knownCollections.set(plan.collection, file.collectionType)
    return result()
  }
  if (cp) run.note(`resuming ${plan.file} -> ${plan.collection} ${describePosition(cp)}`)
  run.cb.onFileStart?.(plan.file, plan.collection, plan.type)

  let writer: TransactionalWriter | undefined
  const startedAt = cp?.startedAt ?? new Date().toISOString()
  const prepare = async (names: string[]): Promise<void> => {
    if (cp) {
      // resuming: the collection is there (checked); nothing is truncated or counted again
      const info = await db.collection(plan.collection).get()
      file.collectionType = info.type === 3 ? 'edge' : 'document'
      run.knownCollections.set(plan.collection, file.collectionType)
    } else await file.prepareCollection(names)
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
          collectionType: file.collectionType,
          collectionCreated: file.collectionCreated,
          ...(file.keylessBeside !== undefined ? { keylessBeside: file.keylessBeside } : {}),
          fromCollections: [...file.shapes.from],
          toCollections: [...file.shapes.to],
          done,
          startedAt,
          updatedAt: new Date().toISOString(),
        }),
        onCommit: (o) => {
          addCounts(counts, o, COMMITTED)
          for (const rj of o.rejected) file.rejectRow(rj.line, rj.reason)
        },
        onNote: (m) => run.note(m),
        signal: opts.signal,
      },
      start,
    )
  }

  // rows read, committed or not (counts follow the commits)
  let readRows = cp?.rows ?? 0
  let interrupted = false
  const parcels = parcelsOf({ ...spec, skipRows: cp?.rows ?? 0, hashPrefix: true })
  try {
    for await (const parcel of parcels) {
      if (opts.signal?.aborted) {
        interrupted = true
        break
      }
      file.seen(parcel)
      // the writer before the first row (on a resume too: the collection type is known then)
      if (!writer) await prepare(parcel.names ?? [])
      const w = writer!
      w.at(parcel.bytesRead, parcel.prefixHash)
      // rows in file order, each into the batch it commits with; Ctrl-C stops between rows
      await walkRows(parcel, {
        stop: () => file.stopped || (interrupted ||= opts.signal?.aborted === true),
        row: () => void readRows++,
        docs: (from, to) => w.docs(parcel.docs, from, to),
        rejected: async (line, reason) => {
          await w.rejected(line, reason)
          // --max-errors: stop right after its N-th rejected row
          if (run.maxErrorsReached(w.pendingRejected)) file.stopped = true
        },
        empty: (line) => w.empty(line),
      })
      // Ctrl-C while the rows went to the writer: it took those before it, no more
      if (w.stopped) interrupted = true
      if (file.stopped || interrupted) break
      file.tick(readRows)
    }
    if (!writer) await prepare([])
    if (file.stopped || interrupted) await writer!.close()
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
  file.progress(readRows)
  if (interrupted) {
    const at = writer?.position ?? cp
    throw new GraphpipeError(
      'IMPORT_INTERRUPTED',
      `interrupted: ${plan.file} -> ${plan.collection} is committed ${at ? describePosition(at) : 'up to no row yet'}; run the import again with --resume to continue`,
      EXIT.INTERRUPTED,
    )
  }
  if (file.stopped) run.stopped = true
  return result()
}
