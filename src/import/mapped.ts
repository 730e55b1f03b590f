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
 */
import type { Database } from 'arangojs'

import { EXIT, GraphpipeError } from '../errors.js'
import type { Inbound } from '../consume/batch.js'
import { resolveMapper } from '../mapping/mapping.js'
import { OrderedWriter } from '../consume/txwriter.js'
import { DEFAULTS } from '../config/defaults.js'
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
}

export interface MappedImportResult {
  mapping: string
  files: MappedFileResult[]
  total: Omit<MappedFileResult, 'file' | 'rejectedRows'>
}

export async function importMapped(
  db: Database,
  files: string[],
  importOpts: ImportOptions,
  options: MappedImportOptions,
  onFileDone?: (r: MappedFileResult) => void,
): Promise<MappedImportResult> {
  const mapper = await resolveMapper(options)
  const writer = new OrderedWriter(db, {
    deadLetterCollection: options.deadLetterCollection ?? DEFAULTS.consume.deadLetterCollection,
    versionsCollection: DEFAULTS.consume.versionsCollection,
  })
  await writer.prepare(mapper)
  const batchSize = options.batchSize ?? 1000
  const results: MappedFileResult[] = []
  for (const [fileIndex, file] of files.entries()) {
    const type: InputType | undefined =
      importOpts.type && importOpts.type !== 'auto' ? importOpts.type : typeFromName(file)
    if (!type)
      throw new GraphpipeError(
        'IMPORT_TYPE',
        `${file}: cannot tell the input type from the name: pass --type csv|tsv|json|jsonl`,
        EXIT.USAGE,
      )
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
    const reader = makeReader({ file, type, opts: importOpts })
    const input = await openInput(file)
    const decoder = new TextDecoder('utf-8')
    let pending: Inbound[] = []
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return
      const w = await writer.writeOrdered(pending, {
        tombstoneTtlMs: 7 * 86_400_000,
      })
      r.deadLettered += w.deadLetters
      r.written += pending.length - w.deadLetters
      r.vertices += w.vertices
      r.edges += w.edges
      r.deletes += w.deletes
      pending = []
    }
    const take = async (items: Item[]): Promise<void> => {
      for (const it of items) {
        r.rows += 1
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
        if (pending.length >= batchSize) await flush()
      }
    }
    for await (const chunk of input.chunks) {
      const items: Item[] = []
      reader.push(decoder.decode(chunk, { stream: true }), items)
      await take(items)
    }
    const last: Item[] = []
    const tail = decoder.decode()
    if (tail) reader.push(tail, last)
    reader.end(last)
    await take(last)
    await flush()
    results.push(r)
    onFileDone?.(r)
  }
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
  return { mapping: mapper.name, files: results, total }
}
