/**
 * One request through the router, wherever it runs: the HTTP thread (server.ts) hands it the
 * parsed request, a query worker (pool/query-worker.ts) the same fields posted to it. Errors
 * become ArangoDB's error body here.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { ArangoError, arangoError } from '../errors.js'
import { DEFAULTS } from '../../config/defaults.js'
import { LocalLockBusy } from '../storage/sqlite-store.js'
import type { AssignedQuery } from '../pool/tracking.js'
import { authenticatedUser } from './auth.js'
import { RequestContext, type EngineContext, type RouteResponse, type Router } from './router.js'

/** How long a write outside any transaction waits for a stream transaction's write lock. */
export const WRITE_WAIT_MS = DEFAULTS.engine.writeWaitMs

export interface RequestInput {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
  /**
   * Set by the HTTP thread when it forwards a request to a worker: who it authenticated (checked
   * there already) and the query it registered.
   */
  forwarded?: { user?: string; query?: AssignedQuery }
}

/** Where the HTTP thread sends a request it does not run itself (a query worker), if anywhere. */
export type Forward = (ctx: RequestContext) => Promise<RouteResponse> | undefined

export function errorResponse(e: unknown): RouteResponse {
  if (e instanceof ArangoError) {
    const headers: Record<string, string> = {}
    if (e.errorNum === 1200 && e.code === 412 && typeof e.extra?._rev === 'string')
      headers.etag = `"${e.extra._rev}"`
    return { status: e.code, body: e.toBody(), headers }
  }
  const err = e as { code?: string; message?: string }
  if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_BUSY_SNAPSHOT') {
    return {
      status: 503,
      body: new ArangoError(
        18,
        503,
        'lock timeout: another process holds the data directory too long',
      ).toBody(),
    }
  }
  // a collection dropped by another process between our metadata check and the statement
  if (typeof err.message === 'string' && err.message.startsWith('no such table')) {
    return { status: 404, body: arangoError('ARANGO_DATA_SOURCE_NOT_FOUND').toBody() }
  }
  if (process.env.GRAPHPIPE_DEBUG) console.error(e)
  return {
    status: 500,
    body: new ArangoError(4, 500, `internal error: ${err.message ?? String(e)}`).toBody(),
  }
}

/** The JSON text of an answer (what goes on the wire, or across to the HTTP thread). */
export function payloadOf(r: RouteResponse): string {
  return r.raw ?? (r.body === undefined ? '' : JSON.stringify(r.body))
}

/**
 * The abort of a stream transaction a begin created for a client that is gone (killed, or it gave
 * up waiting): undefined unless `r` answers `POST .../_api/transaction/begin` with 201. A write
 * transaction's begin waits for the engine's one write lock; nobody would ever use or end the
 * transaction it then creates, and it would hold the lock until the streaming idle timeout,
 * so every other writer would wait that long again. (ArangoDB's RocksDB writers do not take
 * turns at begin, so it never creates such an orphan.)
 */
export function orphanAbort(input: RequestInput, r: RouteResponse): RequestInput | undefined {
  if (input.method.toUpperCase() !== 'POST' || r.status !== 201) return undefined
  const m = /^((?:\/_db\/[^/?]+)?\/_api\/transaction\/)begin\/?(?:\?|$)/.exec(input.url)
  if (!m) return undefined
  let id: unknown
  try {
    id = (JSON.parse(payloadOf(r)) as { result?: { id?: unknown } }).result?.id
  } catch {
    return undefined
  }
  if (typeof id !== 'string') return undefined
  return {
    method: 'DELETE',
    url: m[1] + encodeURIComponent(id),
    headers: input.headers,
    body: Buffer.alloc(0),
  }
}

function splitPath(rawPath: string): { db: string; sub: string; segments: string[] } {
  let parts = rawPath.split('/').filter((p) => p !== '')
  let db = '_system'
  if (parts[0] === '_db' && parts.length >= 2) {
    db = decodeURIComponent(parts[1])
    parts = parts.slice(2)
  }
  return { db, sub: '/' + parts.join('/'), segments: parts.map((p) => decodeURIComponent(p)) }
}

export async function handleRequest(
  engine: EngineContext,
  router: Router,
  input: RequestInput,
  forward?: Forward,
): Promise<RouteResponse> {
  const method = input.method.toUpperCase()
  const url = input.url
  const q = url.indexOf('?')
  const rawPath = q >= 0 ? url.slice(0, q) : url
  let split: ReturnType<typeof splitPath>
  try {
    split = splitPath(rawPath)
  } catch {
    throw arangoError('HTTP_BAD_PARAMETER', `invalid URL encoding in '${rawPath}'`)
  }
  const { db, sub, segments } = split
  const isOpen = segments[0] === '_open'
  // who is asking: only with authentication on (CURRENT_USER() is null without it, as in ArangoDB)
  let user: string | undefined
  if (input.forwarded) user = input.forwarded.user
  else {
    user = engine.authEnabled
      ? authenticatedUser(input.headers, engine.rootPassword ?? '', engine.jwtSecret)
      : undefined
    if (engine.authEnabled && !isOpen && user === undefined) throw arangoError('FORBIDDEN')
  }
  if (!engine.store.hasDatabase(db)) throw arangoError('ARANGO_DATABASE_NOT_FOUND')
  const m = router.match(method, segments)
  if (!m.handler) {
    if (m.methodMismatch) throw arangoError('HTTP_METHOD_NOT_ALLOWED')
    throw arangoError('HTTP_NOT_FOUND', `unknown path '${sub}'`)
  }
  const ctx = new RequestContext(
    engine,
    db,
    method,
    sub,
    segments,
    new URLSearchParams(q >= 0 ? url.slice(q + 1) : ''),
    input.headers,
    input.body,
  )
  ctx.params = m.params
  ctx.user = user
  ctx.assignedQuery = input.forwarded?.query
  const sent = forward?.(ctx)
  if (sent) return sent
  // a write that meets a stream transaction's write lock waits for it without blocking the
  // event loop (the transaction's own requests must get through), then runs again from the start:
  // LocalLockBusy is thrown before its first statement, so nothing of it has happened yet
  const deadline = Date.now() + WRITE_WAIT_MS
  for (;;) {
    try {
      return await m.handler(ctx)
    } catch (e) {
      if (!(e instanceof LocalLockBusy)) throw e
      const left = deadline - Date.now()
      if (left <= 0) throw arangoError('LOCK_TIMEOUT')
      await engine.transactions.gate.waitFree(left)
    }
  }
}
