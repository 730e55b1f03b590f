import type { Database } from 'arangojs'

import { OutputClosedError } from './format/sink.js'
import { QueryTimeoutError } from './errors.js'
import { tightenHeapGrowth } from '../runtime/heap.js'
import { findRunningQuery, killRunningQuery } from './running.js'

/** ArangoDB's ERROR_QUERY_KILLED, also what a query past its `maxRuntime` fails with. */
const ERROR_QUERY_KILLED = 1500

export interface CursorWarning {
  code: number
  message: string
}

/** The `extra` of a cursor response (ArangoDB puts a streaming query's final stats in its last batch). */
export interface CursorExtra {
  warnings?: CursorWarning[]
  stats?: Record<string, unknown> & {
    writesExecuted?: number
    writesIgnored?: number
    scannedFull?: number
    scannedIndex?: number
    filtered?: number
    executionTime?: number
    peakMemoryUsage?: number
    fullCount?: number
    nodes?: { id: number; calls: number; items: number; runtime: number; filter?: number }[]
  }
  profile?: Record<string, number>
  plan?: { nodes?: Record<string, unknown>[] } & Record<string, unknown>
}

export interface StreamOptions {
  /** Rows per batch the server sends (`batchSize`). */
  batchSize: number
  /** Stop after this many rows; the cursor is then deleted on the server. */
  maxRows?: number
  /** Give up after this many milliseconds (client deadline, and `maxRuntime` for the server). */
  timeoutMs?: number
  /** Ask for the query profile (`profile: 2`: phases, plan and per-node stats). */
  profile?: boolean
  /** Cursor time-to-live on the server, seconds. */
  ttl?: number
  /** Stop early (e.g. Ctrl-C in the shell). */
  signal?: AbortSignal
  /**
   * Rows are dropped once `onBatch` is done with them: have V8 collect their garbage as it goes
   * (see heap.ts), so the process stays at the same size however long the result.
   */
  flatHeap?: boolean
  /** Told the server's id of the query while it runs (looked up in GET /_api/query/current). */
  onQueryId?: (id: string) => void
}

export interface StreamResult {
  rows: number
  /** True when `maxRows` cut the result short. */
  truncated: boolean
  /** True when the output closed before the end (reader went away) or `signal` aborted. */
  stopped: boolean
  extra: CursorExtra
  /** The server cursor's id while the result spanned several batches (deleted when left early). */
  cursorId?: string
  /** Wall time from sending the query to the last batch, milliseconds. */
  elapsedMs: number
}

interface CursorBody {
  result?: unknown[]
  hasMore?: boolean
  id?: string
  nextBatchId?: string
  extra?: CursorExtra
}

/**
 * arangojs leaves the parsed body on the fetch Response it returns (`res.parsedBody`), and undici
 * registers every Response in a FinalizationRegistry (lib/web/fetch/response.js,
 * fromInnerResponse), whose targets V8's scavenger keeps alive with everything they reference until a
 * mark-compact. So each batch's rows were promoted to old space with their Response: 77 MB
 * of old-space garbage per million rows in a heap sampling profile, against 33 MB (the
 * internalized strings) once the body is taken off the Response here.
 */
function takeBody(res: { parsedBody?: unknown }): unknown {
  const body = res.parsedBody
  res.parsedBody = undefined
  return body
}

/**
 * Runs an AQL query as a streaming cursor and hands each batch to `onBatch` as it arrives; at most
 * one batch is held at a time, so memory stays flat however long the result (with `flatHeap`, the
 * garbage too).
 *
 * The cursor is driven with `db.request` rather than arangojs' `Cursor`, because arangojs 10's
 * BatchCursor keeps only the first response's `extra` while a streaming query reports its stats
 * and profile with its last batch. The requests are the ones arangojs sends: `POST /_api/cursor`,
 * then `POST /_api/cursor/{id}/{nextBatchId}` (ArangoDB 3.12) or `/_api/cursor/{id}` (older).
 */
export async function streamQuery(
  db: Database,
  query: string,
  bindVars: Record<string, unknown>,
  opts: StreamOptions,
  onBatch: (rows: unknown[]) => Promise<void>,
): Promise<StreamResult> {
  const release = opts.flatHeap ? tightenHeapGrowth() : undefined
  try {
    return await walkCursor(db, query, bindVars, opts, onBatch)
  } finally {
    release?.()
  }
}

async function walkCursor(
  db: Database,
  query: string,
  bindVars: Record<string, unknown>,
  opts: StreamOptions,
  onBatch: (rows: unknown[]) => Promise<void>,
): Promise<StreamResult> {
  const started = performance.now()
  const { maxRows, timeoutMs } = opts
  const deadline = timeoutMs === undefined ? undefined : started + timeoutMs
  const remaining = (): number | undefined => {
    if (deadline === undefined) return undefined
    const left = Math.ceil(deadline - performance.now())
    if (left <= 0) throw new QueryTimeoutError(timeoutMs!)
    return left
  }
  const request = async (options: Parameters<Database['request']>[0]): Promise<CursorBody> => {
    try {
      const pending = db.request({ ...options, timeout: remaining() }, takeBody) as Promise<CursorBody>
      return await untilAborted(pending, opts.signal)
    } catch (err) {
      // ours (the request timer) or the server's (maxRuntime: ArangoDB kills the query, error 1500)
      const killed = (err as { errorNum?: number }).errorNum === ERROR_QUERY_KILLED
      if (timeoutMs !== undefined && ((err as Error).name === 'ResponseTimeoutError' || killed)) {
        throw new QueryTimeoutError(timeoutMs)
      }
      throw err
    }
  }

  const options: Record<string, unknown> = { stream: true }
  if (opts.profile) options.profile = 2
  if (timeoutMs !== undefined) options.maxRuntime = timeoutMs / 1000
  const batchSize = maxRows !== undefined ? Math.max(1, Math.min(opts.batchSize, maxRows)) : opts.batchSize

  if (opts.signal?.aborted) return { rows: 0, truncated: false, stopped: true, extra: {}, elapsedMs: 0 }
  const first = request({
    method: 'POST',
    pathname: '/_api/cursor',
    body: { query, bindVars, batchSize, ttl: opts.ttl, options },
  })
  const looking = opts.onQueryId ? reportQueryId(db, query, first, opts.onQueryId) : undefined
  let body: CursorBody
  try {
    body = await first
  } catch (err) {
    if (!(err instanceof AbortedError)) throw err
    // Stopped before the first batch: the server may still be computing it. Kill it there (a no-op
    // on a server without query management), and free the cursor should its first batch come late.
    void err.late.then(
      (late) => deleteCursor(db, late),
      () => undefined,
    )
    await killRunningQuery(db, query)
    return { rows: 0, truncated: false, stopped: true, extra: {}, elapsedMs: performance.now() - started }
  } finally {
    await looking
  }
  let extra: CursorExtra = body.extra ?? {}
  const id = body.id
  let open = Boolean(id && body.hasMore)
  let rows = 0
  let truncated = false
  let stopped = false
  try {
    while (true) {
      let batch = body.result ?? []
      if (maxRows !== undefined && rows + batch.length > maxRows) {
        batch = batch.slice(0, maxRows - rows)
        truncated = true
      }
      body.result = undefined
      if (batch.length > 0) {
        try {
          await onBatch(batch)
        } catch (err) {
          if (err instanceof OutputClosedError) {
            stopped = true
            break
          }
          throw err
        }
      }
      rows += batch.length
      if (!open) break
      if (maxRows !== undefined && rows >= maxRows) {
        truncated = true
        break
      }
      if (opts.signal?.aborted) {
        stopped = true
        break
      }
      const next: string = body.nextBatchId
        ? `/_api/cursor/${encodeURIComponent(id!)}/${body.nextBatchId}`
        : `/_api/cursor/${encodeURIComponent(id!)}`
      try {
        body = await request({ method: 'POST', pathname: next })
      } catch (err) {
        if (!(err instanceof AbortedError)) throw err
        // the server is computing the next batch: stop the query there, not only here
        await killRunningQuery(db, query)
        stopped = true
        break
      }
      open = Boolean(body.hasMore)
      if (body.extra) extra = body.extra
    }
  } finally {
    if (open && id) {
      // Free the server-side cursor we walked away from; failing to is harmless (it expires by ttl).
      await db
        .request({ method: 'DELETE', pathname: `/_api/cursor/${encodeURIComponent(id)}` })
        .catch(() => {})
    }
  }
  return { rows, truncated, stopped, extra, cursorId: id, elapsedMs: performance.now() - started }
}

/** The request was left because the signal aborted; `late` is the answer should it still come. */
class AbortedError extends Error {
  constructor(readonly late: Promise<CursorBody>) {
    super('query stopped')
    this.name = 'AbortedError'
  }
}

/**
 * arangojs 10 takes no AbortSignal, so a request in flight cannot be cancelled: leave it instead,
 * at once, when the signal aborts (Ctrl-C in the shell while the server computes the first batch).
 */
function untilAborted(pending: Promise<CursorBody>, signal: AbortSignal | undefined): Promise<CursorBody> {
  if (!signal) return pending
  if (signal.aborted) return Promise.reject(new AbortedError(pending))
  return new Promise<CursorBody>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError(pending))
    signal.addEventListener('abort', onAbort, { once: true })
    pending.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

async function deleteCursor(db: Database, body: CursorBody): Promise<void> {
  if (!body.id || !body.hasMore) return
  await db
    .request({ method: 'DELETE', pathname: `/_api/cursor/${encodeURIComponent(body.id)}` })
    .catch(() => {})
}

/** Looks the query up among the server's running ones while its first batch is computed. */
async function reportQueryId(
  db: Database,
  query: string,
  first: Promise<unknown>,
  tell: (id: string) => void,
): Promise<void> {
  let answered = false
  void first.then(
    () => (answered = true),
    () => (answered = true),
  )
  // A streaming query stays registered while its cursor is open, so a look after the first batch
  // still finds it; one more look while the server is still busy catches a slow start.
  for (const wait of [50, 500]) {
    await new Promise((r) => setTimeout(r, wait))
    const id = await findRunningQuery(db, query)
    if (id !== undefined) return tell(id)
    if (answered) return
  }
}
