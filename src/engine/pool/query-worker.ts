/**
 * A query worker (worker thread of the pool, see query-pool.ts): its own SQLite connection on the
 * engine's WAL file, its own cursors and stream transactions, and the engine's router. It runs
 * the requests the HTTP thread forwards ({type:'request'}) and answers each with its JSON text
 * ({type:'response'}), and reports what the HTTP thread keeps track of: queries that end,
 * cursors kept or gone, transactions begun, finished or forgotten.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { CursorManager } from '../aql/cursor.js'
import {
  errorResponse,
  handleRequest,
  payloadOf,
  WRITE_WAIT_MS,
  type RequestInput,
} from '../http/dispatch.js'
import { Metrics } from '../http/metrics.js'
import type { EngineContext, RouteResponse } from '../http/router.js'
import { buildRouter } from '../http/server.js'
import { RevisionClock } from '../storage/keys.js'
import { SqliteStore } from '../storage/sqlite-store.js'
import { TransactionManager, WriteGate } from '../storage/stream-transactions.js'
import type { EngineOptions } from '../types.js'
import { adoptIds } from './ids.js'
import { QueryTracker, ReportingRegistry } from './tracking.js'
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js'

/** The gate's owner name for this worker's modification queries (one runs at a time here). */
const AQL_WRITER = 'aql'

const port = parentPort
if (port) {
  const init = workerData as WorkerInit
  const post = (m: FromWorker) => port.postMessage(m)
  try {
    const engine = open(init, post)
    const router = buildRouter()
    const registry = engine.cursors.queries as ReportingRegistry
    const run = async (m: Extract<ToWorker, { type: 'request' }>): Promise<void> => {
      const input: RequestInput = {
        method: m.method,
        url: m.url,
        headers: m.headers,
        body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength),
        forwarded: { user: m.user, query: m.query },
      }
      let r: RouteResponse
      try {
        r = await handleRequest(engine, router, input)
      } catch (e) {
        r = errorResponse(e)
      }
      const adopted = m.query ? registry.adopted(m.query.id) : undefined
      post({
        type: 'response',
        rid: m.rid,
        status: r.status,
        headers: r.headers,
        payload: payloadOf(r),
        adopted,
      })
    }
    port.on('message', (m: ToWorker) => {
      if (m.type === 'request') void run(m)
      else if (m.type === 'close') {
        engine.cursors.close()
        engine.transactions.closeAll()
        engine.store.close()
        post({ type: 'closed' })
      }
    })
    post({ type: 'ready' })
  } catch (e) {
    const err = e as { message?: string; code?: string }
    post({ type: 'error', message: err.message ?? String(e), code: err.code })
  }
}

function open(init: WorkerInit, post: (m: FromWorker) => void): EngineContext {
  const opts: EngineOptions = init.options
  adoptIds(init.ids)
  const gate = new WriteGate(init.gate, init.token)
  const clock = new RevisionClock()
  const store = new SqliteStore(opts.dataDir, {
    attach: true,
    cacheMiB: opts.cacheMiB,
    clock,
    // a modification query of this worker holds the gate as AQL_WRITER; anyone else is elsewhere
    lockHeldElsewhere: () => gate.held && !gate.holds(AQL_WRITER),
  })
  const cursors = new CursorManager(
    new ReportingRegistry((id, peakMemoryUsage) => post({ type: 'query-finished', id, peakMemoryUsage })),
    {
      opened: (id) => post({ type: 'cursor-opened', id }),
      closed: (id) => post({ type: 'cursor-closed', id }),
    },
    {
      acquire: () => gate.acquire(AQL_WRITER, WRITE_WAIT_MS),
      release: () => gate.release(AQL_WRITER),
    },
    true,
  )
  const transactions = new TransactionManager(store, {
    dataDir: opts.dataDir,
    clock,
    gate,
    cacheMiB: opts.cacheMiB,
    idleTimeoutSeconds: opts.streamingIdleTimeoutSeconds,
    events: {
      begun: (t) => post({ type: 'trx-begun', id: t.id }),
      finished: (t) => {
        cursors.dropAll(t.cursorIds)
        post({ type: 'trx-finished', id: t.id, status: t.status, expired: t.expired })
      },
      forgotten: (id) => post({ type: 'trx-forgotten', id }),
    },
  })
  return {
    store,
    transactions,
    cursors,
    // tracking lives in the HTTP thread; /_api/query/* is never forwarded here
    queries: new QueryTracker(),
    metrics: new Metrics(),
    authEnabled: false,
    jwtSecret: '',
  }
}
