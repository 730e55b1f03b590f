/**
 * Sends batches through arangojs `collection.import` (POST /_api/import, type=documents) with at
 * most `concurrency` requests in flight; adding waits while that many are out, which is what keeps
 * the reader (and memory) in step with the server.
 *
 * Documents arrive as UTF-8 bytes (JSON texts joined by '\n', with the end offset of each): the
 * reading worker transfers them without copying, and the main thread never turns them back into
 * strings, which keeps its heap small and its event loop free for the server's answers.
 */
import type { DocumentCollection } from 'arangojs/collections'

import { DEFAULTS } from '../config/defaults.js'
import type { OnDuplicate } from './types.js'

export interface BatchOutcome {
  created: number
  updated: number
  ignored: number
  empty: number
  errors: number
  /** Rejected documents mapped back to their input lines. */
  rejected: { line: number; reason: string }[]
}

export interface WriterOptions {
  /** At most this many documents per request. */
  batchSize: number
  /**
   * A request also ends before its body passes this many bytes (but holds at least one document);
   * default DEFAULTS.import.batchBytes, arangoimport's --batch-size.
   */
  batchBytes?: number
  concurrency: number
  onDuplicate: OnDuplicate
  onBatch(outcome: BatchOutcome): void
}

const NL = Buffer.from('\n')

/**
 * Serialized documents: `body` holds their JSON joined by '\n'; document i (from input line
 * `lines[i]`) ends at `ends[i]`. Typed arrays from the reading worker (transferred, not cloned).
 */
export interface DocBytes {
  lines: ArrayLike<number>
  body: Uint8Array
  ends: ArrayLike<number>
}

/** Documents gathered for one request: `parts` joined make its body, `size` bytes long. */
export interface Gathered {
  lines: number[]
  parts: Uint8Array[]
  /** End offset of each document in the joined parts (where its separator goes). */
  ends: number[]
  size: number
}

/** Where document i of `docs` starts in its body (after the '\n' that ends the one before). */
export const docStart = (docs: DocBytes, i: number): number => (i === 0 ? 0 : docs.ends[i - 1] + 1)

/**
 * Append documents [from, from + take) of `docs` to `into`, after `separator` when it holds some
 * already. The run goes as one view of the body, not a copy; within it the documents stay joined
 * by '\n', at the offsets `ends` keeps.
 */
export function appendDocs(
  into: Gathered,
  docs: DocBytes,
  from: number,
  take: number,
  separator: Uint8Array,
): void {
  const a = docStart(docs, from)
  const z = docs.ends[from + take - 1]
  if (into.parts.length > 0) {
    into.parts.push(separator)
    into.size += separator.byteLength
  }
  into.parts.push(docs.body.subarray(a, z))
  for (let i = from; i < from + take; i++) {
    into.lines.push(docs.lines[i])
    into.ends.push(into.size + docs.ends[i] - a)
  }
  into.size += z - a
}

const encoder = new TextEncoder()

/**
 * JSON texts joined by '\n' as UTF-8, with each one's end offset. Every part has its own
 * ArrayBuffer (never a pooled slice), so that the reading worker transfers them without a copy;
 * plain ASCII (most data) takes its offsets from the string lengths, without measuring each text.
 */
export function toDocBytes(lines: number[], texts: string[]): DocBytes {
  const joined = texts.join('\n')
  const body = encoder.encode(joined)
  const ends = new Float64Array(texts.length)
  let total = -1
  if (body.byteLength === joined.length)
    for (let i = 0; i < texts.length; i++) ends[i] = total += texts[i].length + 1
  else for (let i = 0; i < texts.length; i++) ends[i] = total += Buffer.byteLength(texts[i]) + 1
  return { lines: Float64Array.from(lines), body, ends }
}

const nothing = (): Gathered => ({ lines: [], parts: [], ends: [], size: 0 })

export class BatchWriter {
  private queued = nothing()
  private readonly inFlight = new Set<Promise<void>>()
  private failure?: unknown

  constructor(
    private readonly collection: DocumentCollection,
    private readonly opts: WriterOptions,
  ) {}

  /** Queue documents [from, to) of `docs`; resolves when the caller may read on. */
  async add(docs: DocBytes, from = 0, to = docs.lines.length): Promise<void> {
    const maxBytes = this.opts.batchBytes ?? DEFAULTS.import.batchBytes
    while (from < to) {
      const q = this.queued
      let take = Math.min(to - from, this.opts.batchSize - q.lines.length)
      const a = docStart(docs, from)
      // the bytes left in this request (a joining '\n' included)
      const room = maxBytes - q.size - (q.parts.length > 0 ? 1 : 0)
      let full = false
      if (docs.ends[from + take - 1] - a > room) {
        // the documents that fit: the last i with ends[i] - a <= room (ends grow)
        let lo = from - 1
        let hi = from + take - 1
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1
          if (docs.ends[mid] - a <= room) lo = mid
          else hi = mid - 1
        }
        if (lo < from && q.lines.length > 0) {
          // not even the next one fits: send what is queued first
          await this.flush()
          continue
        }
        take = Math.max(1, lo - from + 1)
        full = true
      }
      appendDocs(q, docs, from, take, NL)
      from += take
      if (full || q.lines.length >= this.opts.batchSize) await this.flush()
    }
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    const q = this.queued
    if (q.lines.length === 0) return
    const batch: DocBytes = {
      lines: q.lines,
      body: q.parts.length === 1 ? q.parts[0] : Buffer.concat(q.parts, q.size),
      ends: q.ends,
    }
    this.queued = nothing()
    while (this.inFlight.size >= this.opts.concurrency) await Promise.race(this.inFlight)
    if (this.failure) throw this.failure
    const p: Promise<void> = this.send(batch).then(
      () => {
        this.inFlight.delete(p)
      },
      (err: unknown) => {
        this.inFlight.delete(p)
        this.failure ??= err
      },
    )
    this.inFlight.add(p)
  }

  /** Send what is queued and wait for every request. */
  async close(): Promise<void> {
    await this.flush()
    while (this.inFlight.size > 0) await Promise.race(this.inFlight)
    if (this.failure) throw this.failure
  }

  private async send(batch: DocBytes): Promise<void> {
    const body = batch.body
    const res = await this.collection.import(
      Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      { type: 'documents', details: true, onDuplicate: this.opts.onDuplicate },
    )
    const textAt = (i: number): string | undefined =>
      i < 0 || i >= batch.ends.length
        ? undefined
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
            .subarray(docStart(batch, i), batch.ends[i])
            .toString()
    this.opts.onBatch({
      created: res.created,
      updated: res.updated,
      ignored: res.ignored,
      empty: res.empty,
      errors: res.errors,
      rejected: mapDetails(res.details ?? [], batch.lines, textAt, res.errors),
    })
  }
}

const DETAIL = /^at position (\d+): ([\s\S]*?)(?:, offending document: ([\s\S]*))?$/

/**
 * ArangoDB reports rejected documents as "at position N: <reason>, offending document: {...}".
 * For `type=documents` N counts lines from 0 (conformance RestImportJsonUniqueContinue: the second
 * line is "position 1"); when the offending document is quoted it is matched against the batch too,
 * so a server counting from 1 still maps to the right line.
 */
export function mapDetails(
  details: string[],
  lines: ArrayLike<number>,
  textAt: (i: number) => string | undefined,
  errors: number,
): { line: number; reason: string }[] {
  const out: { line: number; reason: string }[] = []
  for (const d of details) {
    const m = DETAIL.exec(d)
    if (!m) {
      out.push({ line: 0, reason: d })
      continue
    }
    const pos = Number(m[1])
    const reason = m[2]
    const offending = m[3]
    let idx = pos
    if (offending !== undefined && textAt(pos) !== offending && textAt(pos - 1) === offending) idx = pos - 1
    if (idx >= lines.length) idx = lines.length - 1
    out.push({ line: lines[idx] ?? 0, reason })
  }
  // a server that reports fewer details than errors: still one rejected row per error
  for (let i = out.length; i < errors; i++)
    out.push({ line: 0, reason: 'rejected by the server (no details)' })
  return out
}
