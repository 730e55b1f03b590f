/**
 * Sends batches through arangojs `collection.import` (POST /_api/import, type=documents) with at
 * most `concurrency` requests in flight; `add` waits while that many are out, which is what keeps
 * the reader (and memory) in step with the server.
 */
import type { DocumentCollection } from 'arangojs/collections'

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
  batchSize: number
  concurrency: number
  onDuplicate: OnDuplicate
  onBatch(outcome: BatchOutcome): void
}

export class BatchWriter {
  private lines: number[] = []
  private texts: string[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private failure?: unknown

  constructor(
    private readonly collection: DocumentCollection,
    private readonly opts: WriterOptions,
  ) {}

  /** Queue one serialized document; resolves when the caller may read on. */
  async add(line: number, json: string): Promise<void> {
    this.lines.push(line)
    this.texts.push(json)
    if (this.texts.length >= this.opts.batchSize) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.texts.length === 0) return
    const lines = this.lines
    const texts = this.texts
    this.lines = []
    this.texts = []
    while (this.inFlight.size >= this.opts.concurrency) await Promise.race(this.inFlight)
    if (this.failure) throw this.failure
    const p: Promise<void> = this.send(lines, texts).then(
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

  private async send(lines: number[], texts: string[]): Promise<void> {
    const res = await this.collection.import(texts.join('\n'), {
      type: 'documents',
      details: true,
      onDuplicate: this.opts.onDuplicate,
    })
    this.opts.onBatch({
      created: res.created,
      updated: res.updated,
      ignored: res.ignored,
      empty: res.empty,
      errors: res.errors,
      rejected: mapDetails(res.details ?? [], lines, texts, res.errors),
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
  lines: number[],
  texts: string[],
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
    if (offending !== undefined && texts[pos] !== offending && texts[pos - 1] === offending) idx = pos - 1
    if (idx >= lines.length) idx = lines.length - 1
    out.push({ line: lines[idx] ?? 0, reason })
  }
  // a server that reports fewer details than errors: still one rejected row per error
  for (let i = out.length; i < errors; i++)
    out.push({ line: 0, reason: 'rejected by the server (no details)' })
  return out
}
