/**
 * The engine's HTTP server (node:http, or node:https with `tls`). `startEngineServer` serves in the
 * calling thread; `startEmbeddedEngine` runs the same server in a worker thread so a command's
 * own work (CSV parsing, JSON building) and the engine's SQLite writes use both cores.
 */
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { arangoError } from '../errors.js'
import { DEFAULTS } from '../../config/defaults.js'
import type { EngineOptions, RunningEngine } from '../types.js'
import { RevisionClock } from '../storage/keys.js'
import { CHECKPOINT_BYTES, Checkpointer, DB_FILE, SqliteStore } from '../storage/sqlite-store.js'
import { CursorManager } from '../aql/cursor.js'
import { QueryPool } from '../pool/query-pool.js'
import { QueryTracker } from '../pool/tracking.js'
import { errorResponse, handleRequest, orphanAbort, payloadOf } from './dispatch.js'
import { TransactionManager, WriteGate } from '../storage/stream-transactions.js'
import { requiresPassword } from './loopback.js'
import { Metrics } from './metrics.js'
import { registerEngineMetrics } from './routes/metrics.js'
import { Router, type EngineContext, type RouteResponse } from './router.js'
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

function send(res: http.ServerResponse, method: string, r: RouteResponse, metrics: Metrics): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    // what drivers read from every answer (arangojs' queueTime metrics; ArangoDB sends the
    // latest dequeue time of its scheduler)
    'x-arango-queue-time-seconds': metrics.latestQueueTime.toFixed(6),
    ...r.headers,
  }
  let payload: string | undefined
  if (r.status !== 304 && method !== 'HEAD') payload = payloadOf(r)
  if (r.status === 304) headers['content-type'] = 'text/plain'
  headers['content-length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload))
  res.writeHead(r.status, headers)
  res.end(payload)
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
  /** The query workers (white-box tests reach its test hook). */
  pool: QueryPool
  checkpointer: Checkpointer
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
  const gate = new WriteGate(new SharedArrayBuffer(4), 1)
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
    idleTimeoutSeconds: opts.streamingIdleTimeoutSeconds,
  })
  const checkpointer = new Checkpointer(path.join(opts.dataDir, DB_FILE), {
    thresholdBytes: CHECKPOINT_BYTES,
    intervalMs: DEFAULTS.engine.checkpointIntervalMs,
  })
  const tracker = new QueryTracker()
  const pool = new QueryPool({
    size: opts.queryWorkers ?? DEFAULTS.engine.queryWorkers,
    engine: opts,
    gate,
    tracker,
  })
  try {
    await pool.warmUp(1)
  } catch (e) {
    await pool.close()
    await checkpointer.close()
    store.close()
    throw new EngineStartError((e as Error).message, 'ENGINE_WORKER')
  }
  const metrics = new Metrics()
  registerEngineMetrics(metrics, pool, () => pool.cursorsActive)
  const engine: EngineContext = {
    store,
    transactions,
    // AQL runs in the pool; this thread's manager stays empty
    cursors: new CursorManager(tracker),
    queries: tracker,
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
      const input = { method, url: req.url ?? '/', headers: req.headers, body }
      const run = async () => {
        checkQueueTime(req.headers, metrics)
        return handleRequest(engine, router, input, pool.forward)
      }
      run().then(
        (r) => {
          const abort = req.socket.destroyed ? orphanAbort(input, r) : undefined
          if (abort) void handleRequest(engine, router, abort, pool.forward).catch(() => undefined)
          answer(r)
        },
        (e: unknown) => answer(errorResponse(e)),
      )
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
    await pool.close()
    await checkpointer.close()
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
    pool,
    checkpointer,
    close: async () => {
      if (closed) return
      closed = true
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await pool.close()
      transactions.closeAll()
      await checkpointer.close()
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
