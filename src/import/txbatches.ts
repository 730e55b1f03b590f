/**
 * The write path of resumable imports (--resume): each batch of rows is one stream transaction
 * holding the batch's documents and the file's checkpoint, committed together or not at all. A
 * kill, an outage or Ctrl-C leaves the checkpoint exactly at the last committed batch, also when
 * the server generates the keys.
 *
 * Not `/_api/import`: ArangoDB runs every import request in a transaction of its own and ignores
 * `x-arango-trx-id` there (arangod's RestImportHandler makes a SingleCollectionTransaction on a
 * StandaloneContext; the 3.12 manual's "Supported transactional API operations" lists the
 * document, collection count/truncate, cursor and graph APIs, not the import API; arangodb/arangodb
 * issues #11157 and #13159). So the documents go as one array insert of the document API
 * (`POST /_api/document/{collection}`, which honours the header), then the checkpoint, then the
 * commit. Batches commit one after the other; the next one is gathered meanwhile.
 */
import type { Database } from 'arangojs'
import { isArangoError } from 'arangojs/errors'

import type { CheckpointCounts, Position } from './checkpoint.js'
import type { OnDuplicate } from './types.js'
import { appendDocs, type DocBytes, type Gathered } from './writer.js'

export interface TxOutcome extends CheckpointCounts {
  /** Rows of the batch (documents, rejected rows, empty lines). */
  rows: number
  /** Rejected rows with their lines: the parser's and the server's, in file order. */
  rejected: { line: number; reason: string }[]
}

export interface TxWriterOptions {
  collection: string
  checkpointCollection: string
  batchSize: number
  onDuplicate: OnDuplicate
  /** The checkpoint document to commit with a batch: where the file stands after it, and the totals. */
  checkpoint(at: Position, totals: CheckpointCounts, done: boolean): Record<string, unknown>
  /** Called after each commit, in file order. */
  onCommit(outcome: TxOutcome, at: Position): void
  /** Said while waiting out a write-write conflict. */
  onNote?(message: string): void
  /** Ctrl-C: rows added after it are not taken (the caller stops reading; close() commits the rest). */
  signal?: AbortSignal
}

interface Batch extends Gathered {
  /** Rejected rows (the parser's) and empty lines, by their index among the batch's rows. */
  rejected: { line: number; reason: string; docsBefore: number }[]
  empty: number
  rows: number
  lastLine: number
}

const fresh = (): Batch => ({
  lines: [],
  parts: [],
  ends: [],
  size: 0,
  rejected: [],
  empty: 0,
  rows: 0,
  lastLine: 0,
})

/** ArangoDB's write-write conflict: another transaction (a killed run's, not yet timed out) holds a document. */
const CONFLICT = 1200
/**
 * The batch's own transaction was aborted under it (1654 to a step, 1653 to the commit, 1655 once
 * forgotten): a server shutting down aborts its transactions before it stops answering, an idle
 * timeout does too. Nothing of the batch is committed: it is tried again in a new transaction (a
 * server that is gone then fails to connect, and the import stops saying so).
 */
const LOST = new Set([1653, 1654, 1655])
const LOST_RETRIES = 3
/** How long a batch waits out conflicts: longer than ArangoDB's 60 s streaming idle timeout. */
const CONFLICT_PATIENCE_MS = 90_000

/** A begin taking longer than this is waiting for a lock: the user is told. */
const BEGIN_PATIENCE_MS = 3000

class Conflict extends Error {}

export class TransactionalWriter {
  private batch = fresh()
  private inFlight?: Promise<void>
  private failure?: unknown
  private prefix: { bytes: number; hash: string }
  private committed: Position
  private readonly totals: CheckpointCounts
  private finished = false
  private waitNoted = false

  constructor(
    private readonly db: Database,
    private readonly opts: TxWriterOptions,
    start: Position & { counts: CheckpointCounts },
  ) {
    this.committed = { rows: start.rows, line: start.line, bytes: start.bytes, hash: start.hash }
    this.prefix = { bytes: start.bytes, hash: start.hash }
    this.totals = { ...start.counts }
  }

  /** Where the file stands after the last commit. */
  get position(): Position {
    return this.committed
  }

  /** Rejected rows gathered but not committed yet. */
  get pendingRejected(): number {
    return this.batch.rejected.length
  }

  /** The rows added from now on were read within the first `bytes` bytes of the file (hash: theirs). */
  at(bytes: number, hash: string | undefined): void {
    if (hash !== undefined) this.prefix = { bytes, hash }
  }

  /** Documents [from, to) of `docs`, next in file order. */
  async docs(docs: DocBytes, from = 0, to = docs.lines.length): Promise<void> {
    while (from < to) {
      if (!(await this.room())) return
      const b = this.batch
      const take = Math.min(to - from, this.opts.batchSize - b.rows)
      appendDocs(b, docs, from, take, COMMA)
      b.rows += take
      b.lastLine = docs.lines[from + take - 1]
      from += take
    }
  }

  /**
   * A full batch commits when the next row comes, not when it fills: the batch that ends the
   * file is then the one that marks the checkpoint done (no transaction for that alone).
   */
  private async room(): Promise<boolean> {
    if (this.batch.rows >= this.opts.batchSize) await this.flush()
    return !this.opts.signal?.aborted
  }

  /** Ctrl-C came: rows are not taken any more. */
  get stopped(): boolean {
    return this.opts.signal?.aborted === true
  }

  /** A row the parser rejected, next in file order. */
  async rejected(line: number, reason: string): Promise<void> {
    if (!(await this.room())) return
    const b = this.batch
    b.rejected.push({ line, reason, docsBefore: b.lines.length })
    b.rows++
    b.lastLine = line
  }

  /** An empty line, next in file order. */
  async empty(line: number): Promise<void> {
    if (!(await this.room())) return
    const b = this.batch
    b.empty++
    b.rows++
    b.lastLine = line
  }

  /** Commit what is gathered (after the batch before it); resolves once it is under way. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.batch.rows === 0) return
    await this.settle()
    const batch = this.batch
    this.batch = fresh()
    this.inFlight = this.commit(batch, { ...this.prefix }, false).catch((err: unknown) => {
      this.failure ??= err
    })
  }

  /** The file is read to its end: commit the rest with the checkpoint marked done. */
  async finish(): Promise<void> {
    await this.settle()
    const batch = this.batch
    this.batch = fresh()
    await this.commit(batch, { ...this.prefix }, true)
    this.finished = true
  }

  /** Stop early (--max-errors, Ctrl-C): commit what is gathered, the checkpoint stays. */
  async close(): Promise<void> {
    if (this.finished) return
    await this.flush()
    await this.settle()
  }

  private async settle(): Promise<void> {
    if (this.inFlight) await this.inFlight
    this.inFlight = undefined
    if (this.failure) throw this.failure
  }

  private async commit(batch: Batch, prefix: { bytes: number; hash: string }, done: boolean): Promise<void> {
    const at: Position = {
      rows: this.committed.rows + batch.rows,
      line: batch.rows > 0 ? batch.lastLine : this.committed.line,
      bytes: prefix.bytes,
      hash: prefix.hash,
    }
    const body = batch.lines.length > 0 ? arrayBody(batch) : undefined
    const started = Date.now()
    let noted = false
    let lost = 0
    for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
      try {
        const outcome = await this.attempt(batch, body, at, done)
        this.committed = at
        this.opts.onCommit(outcome, at)
        return
      } catch (err) {
        if (isArangoError(err) && LOST.has(err.errorNum) && ++lost <= LOST_RETRIES) {
          await new Promise((r) => setTimeout(r, wait))
          continue
        }
        if (!(err instanceof Conflict) || Date.now() - started > CONFLICT_PATIENCE_MS) throw err
        if (!noted) {
          noted = true
          this.opts.onNote?.(
            `${this.opts.collection}: waiting for another transaction to end (${err.message}); a killed run's transaction ends at the server's idle timeout`,
          )
        }
        await new Promise((r) => setTimeout(r, wait))
      }
    }
  }

  private async attempt(
    batch: Batch,
    body: Buffer | undefined,
    at: Position,
    done: boolean,
  ): Promise<TxOutcome> {
    const { collection, checkpointCollection } = this.opts
    // a begin that waits: another transaction holds the lock (a killed run's until the server's
    // idle timeout, 60 s by default) — said once, so a resume that waits does not look stuck
    const slow = setTimeout(() => {
      if (this.waitNoted) return
      this.waitNoted = true
      this.opts.onNote?.(
        `${collection}: waiting for the server to begin a transaction (another one holds the lock; a killed run's is aborted at the server's idle timeout)`,
      )
    }, BEGIN_PATIENCE_MS)
    const begun = (await this.db
      .request(
        {
          method: 'POST',
          pathname: '/_api/transaction/begin',
          body: { collections: { write: [collection, checkpointCollection] } },
        },
        (r) => r.parsedBody,
      )
      .finally(() => clearTimeout(slow))) as { result: { id: string } }
    const id = begun.result.id
    const headers = { 'x-arango-trx-id': id }
    try {
      const outcome = await this.insert(batch, body, headers)
      const totals: CheckpointCounts = {
        created: this.totals.created + outcome.created,
        updated: this.totals.updated + outcome.updated,
        ignored: this.totals.ignored + outcome.ignored,
        empty: this.totals.empty + outcome.empty,
        errors: this.totals.errors + outcome.errors,
      }
      await this.request(
        'POST',
        `/_api/document/${encodeURIComponent(checkpointCollection)}`,
        headers,
        this.opts.checkpoint(at, totals, done),
        { overwriteMode: 'replace', silent: true },
      )
      await this.db.request({ method: 'PUT', pathname: `/_api/transaction/${encodeURIComponent(id)}` })
      Object.assign(this.totals, totals)
      return outcome
    } catch (err) {
      await this.db
        .request({ method: 'DELETE', pathname: `/_api/transaction/${encodeURIComponent(id)}` })
        .catch(() => undefined)
      if (isArangoError(err) && err.errorNum === CONFLICT) throw new Conflict(err.message)
      throw err
    }
  }

  /** The batch's documents as one array insert; per-document results to counts and rejected rows. */
  private async insert(
    batch: Batch,
    body: Buffer | undefined,
    headers: Record<string, string>,
  ): Promise<TxOutcome> {
    const outcome: TxOutcome = {
      rows: batch.rows,
      created: 0,
      updated: 0,
      ignored: 0,
      empty: batch.empty,
      errors: 0,
      rejected: [],
    }
    const mode = this.opts.onDuplicate
    let results: {
      error?: boolean
      errorNum?: number
      errorMessage?: string
      _oldRev?: string
      new?: unknown
    }[] = []
    if (body) {
      const search: Record<string, string | boolean> = {
        overwriteMode: mode === 'error' ? 'conflict' : mode,
        silent: false,
      }
      // only the new document tells an ignored row from a created one
      if (mode === 'ignore') search.returnNew = true
      const res = await this.db.request(
        {
          method: 'POST',
          pathname: `/_api/document/${encodeURIComponent(this.opts.collection)}`,
          body,
          isBinary: true,
          headers: { ...headers, 'content-type': 'application/json' },
          search,
        },
        (r) => r.parsedBody as unknown,
      )
      if (!Array.isArray(res) || res.length !== batch.lines.length)
        throw new Error(`unexpected answer to an array insert into ${this.opts.collection}`)
      results = res as typeof results
    }
    const conflict = results.find((r) => r?.error && r.errorNum === CONFLICT)
    if (conflict) throw new Conflict(conflict.errorMessage ?? 'write-write conflict')
    // rejected rows in file order: the parser's between the documents they came between
    let ri = 0
    for (let i = 0; i <= results.length; i++) {
      while (ri < batch.rejected.length && batch.rejected[ri].docsBefore === i) {
        const r = batch.rejected[ri++]
        outcome.rejected.push({ line: r.line, reason: r.reason })
        outcome.errors++
      }
      if (i === results.length) break
      const r = results[i]
      if (r?.error) {
        outcome.errors++
        outcome.rejected.push({ line: batch.lines[i], reason: r.errorMessage ?? `error ${r.errorNum}` })
      } else if (mode === 'ignore') {
        if (r?.new) outcome.created++
        else outcome.ignored++
      } else if (r?._oldRev !== undefined) outcome.updated++
      else outcome.created++
    }
    return outcome
  }

  private request(
    method: string,
    pathname: string,
    headers: Record<string, string>,
    body: unknown,
    search: Record<string, string | boolean>,
  ): Promise<unknown> {
    return this.db.request({ method, pathname, headers, body, search }, (r) => r.parsedBody as unknown)
  }
}

const COMMA = Buffer.from(',')

/** `[doc,doc,...]` from the batch's parts (documents already separated by commas). */
function arrayBody(batch: Batch): Buffer {
  const out = Buffer.allocUnsafe(batch.size + 2)
  out[0] = 0x5b // [
  let o = 1
  for (const p of batch.parts) {
    out.set(p, o)
    o += p.length
  }
  out[o] = 0x5d // ]
  // within a part, documents are joined by '\n' (toDocBytes): commas there too
  for (let i = 0; i < batch.ends.length - 1; i++) out[1 + batch.ends[i]] = 0x2c
  return out
}
