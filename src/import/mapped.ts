/**
 * `graphpipe import FILE... --mapping NAME|FILE` / `--transform MODULE`: records read with the
 * import's own readers (CSV/TSV rows as objects of their columns with arangoimport's conversion,
 * JSON, JSONL, gzip, stdin) written through consume's mapping and ordered writer — one code path
 * for the plan, so importing messages leaves the same graph as publishing and consuming them.
 *
 * A record is what a consumed message is. Its version is (event time, record id): the event time
 * is the mapping's `eventTime` field when it has one, else 0, and the id counts files and lines,
 * so records without an event time apply in file order, as messages published one after the
 * other are consumed.
 *
 * Resumable (--resume/--restart) as plain imports are: each window's transaction also writes the
 * file's checkpoint (OrderedOptions.alsoWrite), so it covers every collection of the batch. A
 * window split to find a refused record writes the checkpoint with its last part; a kill between
 * the parts writes the first part again on resume, which leaves the same graph (mapped writes are
 * upserts by key, ordered by version).
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { Database } from 'arangojs'

import { EXIT, GraphpipeError, describeError } from '../errors.js'
import {
  CHECKPOINT_COLLECTION,
  describePosition,
  removeCheckpoints,
  resultOptions,
  resumptions,
  type Position,
  type Resumption,
} from './checkpoint.js'
import type { Inbound } from '../consume/batch.js'
import { resolveMapper } from '../mapping/mapping.js'
import { OrderedWriter, type WindowCounts } from '../consume/txwriter.js'
import { describeRetry } from '../consume/writer.js'
import { DEFAULTS } from '../config/defaults.js'
import { tightenHeapGrowth } from '../runtime/heap.js'
import { makeReader } from './produce.js'
import type { Item } from './readers.js'
import { openInput, typeFromName } from './source.js'
import type { ImportOptions, InputType } from './types.js'

export interface MappedImportOptions {
  mapping?: string
  transform?: string
  /** Records per transaction. */
  batchSize?: number
  deadLetterCollection?: string
}

export interface MappedFileResult {
  file: string
  /** Rows read = written + deadLettered + rejected (+ empty). */
  rows: number
  written: number
  deadLettered: number
  rejected: number
  empty: number
  vertices: number
  edges: number
  deletes: number
  rejectedRows: { file: string; line: number; reason: string }[]
  /** Set when this run resumed the file: where it took up (the counts include the rows before). */
  resumed?: { rows: number; line: number; bytes: number; at: string; complete?: boolean }
}

export interface MappedImportResult {
  mapping: string
  files: MappedFileResult[]
  total: Omit<MappedFileResult, 'file' | 'rejectedRows' | 'resumed'>
  resumable?: boolean
}

type MappedCounts = Omit<MappedFileResult, 'file' | 'rejectedRows' | 'resumed'>
const COUNT_KEYS = [
  'rows',
  'written',
  'deadLettered',
  'rejected',
  'empty',
  'vertices',
  'edges',
  'deletes',
] as const

/** What identifies a mapping beyond its name: a mapping file's or transform module's content. */
function mappingOptions(options: MappedImportOptions): Record<string, unknown> {
  const source = options.transform ?? options.mapping
  const content =
    source && existsSync(source) ? createHash('sha256').update(readFileSync(source)).digest('hex') : null
  return {
    mapping: options.mapping ?? null,
    transform: options.transform ?? null,
    'mapping-content': content,
  }
}

export async function importMapped(
  db: Database,
  files: string[],
  importOpts: ImportOptions,
  options: MappedImportOptions,
  onFileDone?: (r: MappedFileResult) => void,
  cb: { onNote?(message: string): void; onWarning?(message: string): void } = {},
): Promise<MappedImportResult> {
  // Each window leaves its records, events and requests as old-space garbage in three isolates
  // (this one, the engine's and its query worker's); with V8's default growth the process peaked
  // at 297 MB on 2,000,000 flights rows and 321 MB on a 1.05 GB CSV. Collecting sooner (as
  // `graphpipe query` does while it streams) kept it at 182-242 MB on the same 2,000,000 rows, as fast.
  const release = tightenHeapGrowth()
  try {
    return await importMappedFiles(db, files, importOpts, options, onFileDone, cb)
  } finally {
    release()
  }
}

async function importMappedFiles(
  db: Database,
  files: string[],
  importOpts: ImportOptions,
  options: MappedImportOptions,
  onFileDone: ((r: MappedFileResult) => void) | undefined,
  cb: { onNote?(message: string): void; onWarning?(message: string): void },
): Promise<MappedImportResult> {
  const resumable = Boolean(importOpts.resume || importOpts.restart)
  const types: InputType[] = files.map((file) => {
    const type = importOpts.type && importOpts.type !== 'auto' ? importOpts.type : typeFromName(file)
    if (!type)
      throw new GraphpipeError(
        'IMPORT_TYPE',
        `${file}: cannot tell the input type from the name: pass --type csv|tsv|json|jsonl`,
        EXIT.USAGE,
      )
    return type
  })
  if (resumable && files.includes('-'))
    throw new GraphpipeError(
      'IMPORT_USAGE',
      `stdin cannot be resumed: --${importOpts.resume ? 'resume' : 'restart'} needs a file it can read again (save the input to a file and import that)`,
      EXIT.USAGE,
    )
  const mapper = await resolveMapper(options)
  // A window the server does not take is retried as consume retries it (an outage, a restart),
  // and said so on stderr. Ctrl-C ends the retries, not a write going well: the records gathered
  // when it comes are still written with their checkpoint.
  const retries = new AbortController()
  let failing = false
  importOpts.signal?.addEventListener('abort', () => failing && retries.abort(), { once: true })
  const writer = new OrderedWriter(db, {
    deadLetterCollection: options.deadLetterCollection ?? DEFAULTS.consume.deadLetterCollection,
    versionsCollection: DEFAULTS.consume.versionsCollection,
    signal: retries.signal,
    onRetry: (r) => {
      failing = true
      if (importOpts.signal?.aborted) retries.abort()
      cb.onWarning?.(`${describeRetry(r)} (Ctrl-C stops)`)
    },
    onRecovered: () => {
      failing = false
      cb.onNote?.('the server answers again: going on')
    },
  })
  await writer.prepare(mapper)
  const batchSize = options.batchSize ?? 1000
  // checkpoints before anything is written: the hint without --resume, refusals, --restart
  const target = `mapping ${mapper.name}`
  const extra = mappingOptions(options)
  const states = await resumptions(
    db,
    files.map((file, i) => ({
      file,
      target,
      options: { ...resultOptions(types[i], importOpts, undefined), ...extra },
    })),
    importOpts,
    {
      warn: (m) => cb.onWarning?.(m),
      restartNote: () =>
        'the records it wrote are written again from the first row (mapped writes are upserts by key: the graph comes out the same)',
    },
  )
  const results: MappedFileResult[] = []
  for (const [fileIndex, file] of files.entries()) {
    const type = types[fileIndex]
    const st: Resumption | undefined = states[fileIndex]
    const cp = st?.checkpoint ?? st?.complete
    const r: MappedFileResult = {
      file,
      rows: 0,
      written: 0,
      deadLettered: 0,
      rejected: 0,
      empty: 0,
      vertices: 0,
      edges: 0,
      deletes: 0,
      rejectedRows: [],
    }
    if (cp) {
      // a mapped import's checkpoint keeps these counts (not a plain import's created/updated)
      const before = cp.counts as unknown as Partial<MappedCounts>
      for (const k of COUNT_KEYS) r[k] = before[k] ?? 0
      r.resumed = {
        rows: cp.rows,
        line: cp.line,
        bytes: cp.bytes,
        at: cp.updatedAt,
        ...(st?.complete ? { complete: true } : {}),
      }
    }
    if (st?.complete) {
      cb.onNote?.(
        `${file} -> ${target}: imported completely by an interrupted run (${cp!.rows} rows): skipped`,
      )
      results.push(r)
      onFileDone?.(r)
      continue
    }
    if (st?.checkpoint) cb.onNote?.(`resuming ${file} -> ${target} ${describePosition(st.checkpoint)}`)
    const reader = makeReader({ file, type, opts: importOpts })
    const input = await openInput(file, undefined, { hash: Boolean(st) })
    const decoder = new TextDecoder('utf-8')
    let skip = st?.checkpoint?.rows ?? 0
    let committed: Position = st?.checkpoint ?? { rows: 0, line: 0, bytes: 0, hash: '' }
    let prefix = { bytes: committed.bytes, hash: committed.hash }
    let lastLine = committed.line
    const startedAt = st?.checkpoint?.startedAt ?? new Date().toISOString()
    let pending: Inbound[] = []
    const flush = async (final = false): Promise<void> => {
      if (pending.length === 0 && !(st && (final || r.rows > committed.rows))) return
      const at: Position = { rows: r.rows, line: lastLine, ...prefix }
      const sent = pending.length
      // the checkpoint is made inside the window's transaction, from what the window writes
      const checkpoint = (w: WindowCounts): Record<string, unknown> => ({
        _key: st!.key,
        kind: 'graphpipe import',
        file,
        path: st!.id.path,
        target,
        type,
        size: st!.id.size,
        mtimeMs: st!.id.mtimeMs,
        ...at,
        counts: {
          rows: r.rows,
          rejected: r.rejected,
          empty: r.empty,
          written: r.written + sent - w.deadLetters,
          deadLettered: r.deadLettered + w.deadLetters,
          vertices: r.vertices + w.vertices,
          edges: r.edges + w.edges,
          deletes: r.deletes + w.deletes,
        },
        options: st!.options,
        fromCollections: [],
        toCollections: [],
        done: final,
        startedAt,
        updatedAt: new Date().toISOString(),
      })
      const w = await writer.writeOrdered(pending, {
        tombstoneTtlMs: 7 * 86_400_000,
        ...(st
          ? { alsoWrite: { collection: CHECKPOINT_COLLECTION, docs: (c: WindowCounts) => [checkpoint(c)] } }
          : {}),
      })
      r.deadLettered += w.deadLetters
      r.written += sent - w.deadLetters
      r.vertices += w.vertices
      r.edges += w.edges
      r.deletes += w.deletes
      pending = []
      committed = at
    }
    const take = async (items: Item[]): Promise<void> => {
      for (const it of items) {
        if (skip > 0) {
          skip--
          continue
        }
        if (importOpts.signal?.aborted) return
        // a full window is written before the next row is counted: its checkpoint says the rows
        // it holds (counting this one first made the checkpoint one row ahead, and a resume after
        // a kill or an outage skipped that row)
        if (pending.length >= batchSize) await flush()
        r.rows += 1
        lastLine = it.line
        if (it.empty) {
          r.empty += 1
          continue
        }
        if (it.reason !== undefined) {
          r.rejected += 1
          r.rejectedRows.push({ file, line: it.line, reason: it.reason })
          continue
        }
        const text = it.json ?? JSON.stringify(it.doc)
        pending.push({
          id: String(fileIndex * 1e12 + it.line),
          data: Buffer.from(text),
          publishTime: 0,
          eventTime: 0,
          attributes: { file, line: String(it.line) },
          seq: r.rows,
        })
      }
    }
    // the rows of a chunk were read within the bytes read so far (a checkpoint's prefix)
    const mark = (): void => {
      if (input.prefixHash) prefix = { bytes: input.bytesRead(), hash: input.prefixHash() }
    }
    try {
      for await (const chunk of input.chunks) {
        const items: Item[] = []
        reader.push(decoder.decode(chunk, { stream: true }), items)
        mark()
        await take(items)
        if (importOpts.signal?.aborted) break
      }
      if (importOpts.signal?.aborted) {
        // Ctrl-C: what is gathered is written with its checkpoint, which stays
        await flush()
        throw new GraphpipeError(
          'IMPORT_INTERRUPTED',
          `interrupted: ${file} -> ${target} is committed ${describePosition(committed)}; run the import again with --resume to continue`,
          EXIT.INTERRUPTED,
        )
      }
      const last: Item[] = []
      const tail = decoder.decode()
      if (tail) reader.push(tail, last)
      reader.end(last)
      mark()
      await take(last)
      await flush(true)
    } catch (err) {
      if (err instanceof GraphpipeError && err.code === 'CONSUME_ABORTED')
        throw new GraphpipeError(
          'IMPORT_INTERRUPTED',
          `interrupted while retrying a write: ${file} -> ${target} is committed ${describePosition(committed)}; run the import again${st ? ' with --resume' : ''} to continue`,
          EXIT.INTERRUPTED,
        )
      const d = describeError(err)
      if (!st || d.exitCode === EXIT.USAGE || d.exitCode === EXIT.INTERRUPTED) throw err
      throw new GraphpipeError(
        err instanceof GraphpipeError ? err.code : 'IMPORT_FAILED',
        `${d.message} (${file} -> ${target}: committed ${describePosition(committed)}; run the import again with --resume to continue)`,
        d.exitCode,
      )
    }
    results.push(r)
    onFileDone?.(r)
  }
  // the whole run is done: its checkpoints go
  if (resumable)
    await removeCheckpoints(
      db,
      states.flatMap((st) => (st ? [st.key] : [])),
    )
  const total = results.reduce(
    (t, r) => ({
      rows: t.rows + r.rows,
      written: t.written + r.written,
      deadLettered: t.deadLettered + r.deadLettered,
      rejected: t.rejected + r.rejected,
      empty: t.empty + r.empty,
      vertices: t.vertices + r.vertices,
      edges: t.edges + r.edges,
      deletes: t.deletes + r.deletes,
    }),
    { rows: 0, written: 0, deadLettered: 0, rejected: 0, empty: 0, vertices: 0, edges: 0, deletes: 0 },
  )
  return { mapping: mapper.name, files: results, total, ...(resumable ? { resumable: true } : {}) }
}
