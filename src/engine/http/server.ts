/**
 * The engine's HTTP server (node:http, or node:https with `tls`). `startEngineServer` serves in the
 * calling thread; `startEmbeddedEngine` runs the same server in a worker thread so a command's
 * own work (CSV parsing, JSON building) and the engine's SQLite writes use both cores.
 */
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { ArangoError, arangoError } from '../errors.js'
import { DEFAULTS } from '../../config/defaults.js'
import type { EngineOptions, RunningEngine } from '../types.js'
import { RevisionClock } from '../storage/keys.js'
import { LocalLockBusy, SqliteStore } from '../storage/sqlite-store.js'
import { TransactionManager, WriteGate } from '../storage/stream-transactions.js'
import { requiresPassword } from './loopback.js'
import { Metrics } from './metrics.js'
import { registerEngineMetrics } from './routes/metrics.js'
import { authenticatedUser } from './auth.js'
import { RequestContext, Router, type EngineContext, type RouteResponse } from './router.js'
import { registerAqlRoutes } from './routes/aql.js'
import { registerAqlFunctionRoutes } from './routes/aqlfunction.js'
import { registerQueryRoutes } from './routes/query.js'
import { registerAuthRoutes } from './routes/auth.js'
import { registerCollectionRoutes } from './routes/collection.js'
import { registerDatabaseRoutes } from './routes/database.js'
import { registerDocumentRoutes } from './routes/document.js'
import { registerGharialRoutes } from './routes/gharial.js'
import { registerImportRoutes } from './routes/import.js'
import { registerIndexRoutes } from './routes/indexes.js'
import { registerTransactionRoutes } from './routes/transaction.js'
import { registerMetricsRoutes } from './routes/metrics.js'
import { registerUnsupportedRoutes } from './routes/unsupported.js'
import { registerVersionRoutes } from './routes/version.js'

/** Requests above this size get 413 (ArangoDB's default maximal body is 512 MiB). */
const MAX_BODY_BYTES = 512 * 1024 * 1024

export function buildRouter(): Router {
  const router = new Router()
  registerVersionRoutes(router)
  registerAuthRoutes(router)
  registerDatabaseRoutes(router)
  registerCollectionRoutes(router)
  registerDocumentRoutes(router)
  registerImportRoutes(router)
  registerIndexRoutes(router)
  registerQueryRoutes(router)
  registerAqlRoutes(router)
  registerAqlFunctionRoutes(router)
  registerGharialRoutes(router)
  registerTransactionRoutes(router)
  registerMetricsRoutes(router)
  registerUnsupportedRoutes(router)
  return router
}

export { isLoopbackHost } from './loopback.js'

/** How long a write outside any transaction waits for a stream transaction's write lock. */
const WRITE_WAIT_MS = 30_000

/** Thrown when the engine is asked to do something unsafe or impossible at start. */
export class EngineStartError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'EngineStartError'
  }
}

function errorResponse(e: unknown): RouteResponse {
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

function send(res: http.ServerResponse, method: string, r: RouteResponse, metrics: Metrics): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    // what drivers read from every answer (arangojs' queueTime metrics; ArangoDB sends the
    // latest dequeue time of its scheduler)
    'x-arango-queue-time-seconds': metrics.latestQueueTime.toFixed(6),
    ...r.headers,
  }
  let payload: string | undefined
  if (r.status !== 304 && method !== 'HEAD') {
    payload = r.raw ?? (r.body === undefined ? '' : JSON.stringify(r.body))
  }
  if (r.status === 304) headers['content-type'] = 'text/plain'
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload))
  res.writeHead(r.status, headers)
  res.end(payload)
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

async function handle(
  engine: EngineContext,
  router: Router,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<RouteResponse> {
  const method = (req.method ?? 'GET').toUpperCase()
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const rawPath = q >= 0 ? url.slice(0, q) : url
  let split: ReturnType<typeof splitPath>
  try {
    split = splitPath(rawPath)
  } catch {
    throw arangoError('HTTP_BAD_PARAMETER', `invalid URL encoding in '${rawPath}'`)
  }
  const { db, sub, segments } = split
  checkQueueTime(req.headers, engine.metrics)
  const isOpen = segments[0] === '_open'
  // who is asking: only with authentication on (CURRENT_USER() is null without it, as in ArangoDB)
  const user = engine.authEnabled
    ? authenticatedUser(req.headers, engine.rootPassword ?? '', engine.jwtSecret)
    : undefined
  if (engine.authEnabled && !isOpen && user === undefined) throw arangoError('FORBIDDEN')
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
    req.headers,
    body,
  )
  ctx.params = m.params
  ctx.user = user
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

/**
 * A request may bound the queue time it accepts with `x-arango-queue-time-seconds` (ArangoDB's
 * overload control): when the current queue time is above it, 412 with error 21004. 0 or a
 * non-number is ignored, as ArangoDB does.
 */
function checkQueueTime(headers: http.IncomingHttpHeaders, metrics: Metrics): void {
  const h = headers['x-arango-queue-time-seconds']
  const max = Number(Array.isArray(h) ? h[0] : h)
  if (!(max > 0)) return
  if (metrics.latestQueueTime > max) throw arangoError('QUEUE_TIME_REQUIREMENT_VIOLATED')
}

export interface EngineServer extends RunningEngine {
  port: number
  store: SqliteStore
}

/** Serve the engine in this thread. Refuses a non-loopback host without a root password. */
export async function startEngineServer(opts: EngineOptions): Promise<EngineServer> {
  const host = opts.host ?? '127.0.0.1'
  if (requiresPassword(host) && !opts.rootPassword) {
    throw new EngineStartError(
      `refusing to serve on non-loopback host ${host} without a root password (set ARANGO_ROOT_PASSWORD)`,
      'ENGINE_UNSAFE_HOST',
    )
  }
  const clock = new RevisionClock()
  const gate = new WriteGate()
  const store = new SqliteStore(opts.dataDir, {
    cacheMiB: opts.cacheMiB,
    clock,
    lockHeldElsewhere: () => gate.held,
  })
  const transactions = new TransactionManager(store, {
    dataDir: opts.dataDir,
    clock,
    gate,
    cacheMiB: opts.cacheMiB,
    idleTimeoutMs: (opts.streamingIdleTimeoutSeconds ?? DEFAULTS.engine.streamingIdleTimeoutSeconds) * 1000,
  })
  const metrics = new Metrics()
  registerEngineMetrics(metrics, store, transactions)
  const engine: EngineContext = {
    store,
    transactions,
    metrics,
    authEnabled: !!opts.rootPassword,
    rootPassword: opts.rootPassword,
    jwtSecret: store.jwtSecret(),
  }
  const router = buildRouter()
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const arrived = performance.now()
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(c)
    })
    req.on('error', () => res.destroy())
    req.on('end', () => {
      const method = (req.method ?? 'GET').toUpperCase()
      const read = performance.now()
      const answer = (r: RouteResponse) => {
        const now = performance.now()
        metrics.observeRequest(method, (now - arrived) / 1000, (now - read) / 1000)
        send(res, method, r, metrics)
      }
      if (tooLarge) {
        answer(errorResponse(arangoError('ARANGO_DOCUMENT_TOO_LARGE', 'request body too large')))
        return
      }
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
      // requests are worked on as soon as they are read (no queue in this thread)
      metrics.noteQueueTime((performance.now() - read) / 1000)
      handle(engine, router, req, body).then(answer, (e: unknown) => answer(errorResponse(e)))
    })
  }
  const server = opts.tls
    ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, listener)
    : http.createServer(listener)
  // arangojs keeps connections alive; closing idle sockets before the client does causes resets
  server.on('connection', (socket) => {
    metrics.connections++
    socket.once('close', () => metrics.connections--)
  })
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? 0, host.replace(/^\[|\]$/g, ''), () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (e) {
    store.close()
    const err = e as NodeJS.ErrnoException
    throw new EngineStartError(
      `cannot listen on ${host}:${opts.port ?? 0}: ${err.message}`,
      err.code ?? 'ENGINE_LISTEN',
    )
  }
  const port = (server.address() as AddressInfo).port
  const bare = host.replace(/^\[|\]$/g, '')
  const urlHost = bare.includes(':') ? `[${bare}]` : bare
  let closed = false
  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    store,
    close: async () => {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      transactions.closeAll()
      store.close()
    },
  }
}

/** The compiled worker next to this module's parent (dist/engine/worker.js); absent under vitest (.ts). */
function workerFile(): string | undefined {
  try {
    const f = fileURLToPath(new URL('../worker.js', import.meta.url))
    return fs.existsSync(f) ? f : undefined
  } catch {
    return undefined
  }
}

/**
 * Start the engine for a command: in a worker thread when the compiled worker is available
 * (so the command and the engine run on separate cores), else in this thread.
 */
export async function startEmbeddedEngine(opts: EngineOptions): Promise<RunningEngine> {
  const file = workerFile()
  if (!file) return startEngineServer(opts)
  const worker = new Worker(file, { workerData: opts })
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject)
    worker.once('exit', (code) =>
      reject(new EngineStartError(`engine worker exited (${code})`, 'ENGINE_WORKER')),
    )
    worker.once('message', (m: { type: string; url?: string; message?: string; code?: string }) => {
      if (m.type === 'ready' && m.url) resolve(m.url)
      else
        reject(new EngineStartError(m.message ?? 'engine worker failed to start', m.code ?? 'ENGINE_WORKER'))
    })
  })
  worker.removeAllListeners('error')
  worker.removeAllListeners('exit')
  worker.on('error', () => undefined)
  // a command that forgets close() must still be able to exit
  worker.unref()
  let closed = false
  return {
    url,
    close: async () => {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => {
        const done = () => resolve()
        worker.once('exit', done)
        worker.once('message', (m: { type: string }) => {
          if (m.type === 'closed') void worker.terminate().then(done, done)
        })
        worker.postMessage({ type: 'close' })
      })
    },
  }
}
