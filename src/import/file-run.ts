/**
 * What both ways of importing a file (import-file.ts, resumable.ts) keep and do alike: the file's
 * counts, its rejected rows against --max-errors, its target collection, progress, the result;
 * and the walk through a parcel's rows in file order.
 */
import { duplicateRowsWarning } from './checks.js'
import { prepareCollection } from './collections.js'
import type { Plan } from './plan.js'
import type { Parcel } from './produce.js'
import type { EdgeShape, ImportRun } from './run.js'
import type { CollectionType, Counts, FileResult } from './types.js'

const PROGRESS_INTERVAL_MS = 200

export class FileRun {
  readonly t0 = Date.now()
  readonly counts: Counts = zeroCounts()
  /** --max-errors stopped this file. */
  stopped = false
  readonly warnings: string[] = []
  keylessBeside?: number
  collectionType?: CollectionType
  collectionCreated = false
  shapes: EdgeShape = { from: new Set(), to: new Set() }
  private lastProgress = 0
  private last?: Parcel

  constructor(
    readonly run: ImportRun,
    readonly plan: Plan,
  ) {}

  /** A row the parser or the server rejected: reported, and --max-errors stops the file at its N-th. */
  rejectRow(line: number, reason: string): void {
    this.counts.errors++
    this.run.reject({ file: this.plan.file, line, reason })
    if (this.run.maxErrorsReached()) this.stopped = true
  }

  /** The target collection, checked or created for rows with these attribute names (edges: `_from` and `_to`). */
  async prepareCollection(names: string[]): Promise<void> {
    const { run, plan } = this
    const detected: CollectionType = names.includes('_from') && names.includes('_to') ? 'edge' : 'document'
    const p = await prepareCollection(run, plan.collection, detected)
    this.collectionType = p.type
    this.collectionCreated = p.created
    // keyless rows into a collection that already holds documents: a second run doubles them
    if (p.existing > 0 && names.length > 0 && !names.includes('_key')) {
      const w = duplicateRowsWarning(plan.file, plan.collection, p.existing, run.dryRun)
      this.warnings.push(w)
      this.keylessBeside = p.existing
      run.warn(w)
    }
  }

  /** A parcel read: where the file stands, and the collections its edges name. */
  seen(parcel: Parcel): void {
    this.last = parcel
    for (const c of parcel.fromCollections) this.shapes.from.add(c)
    for (const c of parcel.toCollections) this.shapes.to.add(c)
  }

  /** Progress after a parcel, at most every PROGRESS_INTERVAL_MS. */
  tick(rows: number): void {
    const now = Date.now()
    if (now - this.lastProgress < PROGRESS_INTERVAL_MS) return
    this.lastProgress = now
    this.progress(rows)
  }

  progress(rows: number): void {
    this.run.cb.onProgress?.({
      file: this.plan.file,
      rows,
      bytesRead: this.last?.bytesRead ?? 0,
      totalBytes: this.last?.totalBytes,
      elapsedMs: Date.now() - this.t0,
    })
  }

  /** The file's result (its shape recorded for --graph); rows/s of the rows after `rowsBefore`, read by this run. */
  result(rowsBefore = 0, resumed?: FileResult['resumed']): FileResult {
    const { plan, counts, collectionType } = this
    if (collectionType) this.run.recordShape(plan.collection, collectionType, this.shapes)
    const elapsedMs = Date.now() - this.t0
    return {
      file: plan.file,
      collection: plan.collection,
      collectionType: collectionType ?? 'document',
      collectionCreated: this.collectionCreated,
      type: plan.type,
      ...counts,
      elapsedMs,
      rowsPerSecond: rate(counts.rows - rowsBefore, elapsedMs),
      ...(this.stopped ? { stopped: true } : {}),
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
      ...(this.keylessBeside !== undefined ? { keylessBeside: this.keylessBeside } : {}),
      ...(resumed ? { resumed } : {}),
    }
  }
}

/** What walkRows does with each row of a parcel. */
export interface RowSink {
  /** Asked before each row: stop the walk here. */
  stop(): boolean
  /** Every row, before what follows for it. */
  row(): void
  /** Documents [from, to) of the parcel, consecutive in the file: before a row of another kind and at the end. */
  docs(from: number, to: number): Promise<void>
  /** Document `index` of the parcel (on `line`), when it comes. */
  doc?(index: number, line: number): void
  rejected(line: number, reason: string): void | Promise<void>
  empty(line: number): void | Promise<void>
}

/** The rows of a parcel in file order: its documents, rejected rows and empty lines interleave by line. */
export async function walkRows(parcel: Parcel, sink: RowSink): Promise<void> {
  const { docs, rejected, emptyLines } = parcel
  const lines = docs.lines
  let di = 0
  let ri = 0
  let ei = 0
  // consecutive documents go on as one range of bytes
  let run = 0
  const sendRun = async (): Promise<void> => {
    if (di > run) await sink.docs(run, di)
    run = di
  }
  while (!sink.stop() && (di < lines.length || ri < rejected.length || ei < emptyLines.length)) {
    const dl = di < lines.length ? lines[di] : Infinity
    const rl = ri < rejected.length ? rejected[ri].line : Infinity
    const el = ei < emptyLines.length ? emptyLines[ei] : Infinity
    sink.row()
    if (rl <= dl && rl <= el) {
      await sendRun()
      const r = rejected[ri++]
      const p = sink.rejected(r.line, r.reason)
      if (p) await p
    } else if (el <= dl) {
      await sendRun()
      ei++
      const p = sink.empty(el)
      if (p) await p
    } else {
      sink.doc?.(di, dl)
      di++
    }
  }
  await sendRun()
}

type CountName = keyof Counts
const COUNT_NAMES: readonly CountName[] = ['rows', 'created', 'updated', 'ignored', 'empty', 'errors']
/** What a write says of its documents (rows and errors are counted apart). */
export const WRITTEN: readonly CountName[] = ['created', 'updated', 'ignored', 'empty']

export function zeroCounts(): Counts {
  return { rows: 0, created: 0, updated: 0, ignored: 0, empty: 0, errors: 0 }
}

/** Add the counts `names` of `from` to `to`. */
export function addCounts(
  to: Counts,
  from: Partial<Record<CountName, number>>,
  names: readonly CountName[] = COUNT_NAMES,
): void {
  for (const k of names) to[k] += from[k] ?? 0
}

export function sumCounts(rs: Counts[]): Counts {
  const t = zeroCounts()
  for (const r of rs) addCounts(t, r)
  return t
}

export function rate(rows: number, ms: number): number {
  return ms > 0 ? Math.round((rows * 1000) / ms) : rows
}
