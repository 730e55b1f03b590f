/** The messages between the HTTP thread (query-pool.ts) and a query worker (query-worker.ts). */
import type { IncomingHttpHeaders } from 'node:http'
import type { EngineOptions } from '../types.js'
import type { AssignedQuery } from './tracking.js'

export interface WorkerInit {
  options: EngineOptions
  /** The id counter shared by all threads (ids.ts). */
  ids: SharedArrayBuffer
  /** The write gate's cell (WriteGate). */
  gate: SharedArrayBuffer
  /** This worker's mark in the gate's cell. */
  token: number
}

export type ToWorker =
  | {
      type: 'request'
      rid: number
      method: string
      /** With the `/_db/{db}` prefix and the query string. */
      url: string
      headers: IncomingHttpHeaders
      body: Uint8Array
      user?: string
      query?: AssignedQuery
    }
  | { type: 'close' }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'error'; message: string; code?: string }
  | { type: 'closed' }
  | {
      type: 'response'
      rid: number
      status: number
      headers?: Record<string, string>
      /** The body's JSON text: a string crosses threads far cheaper than an object graph. */
      payload: string
      /** For a request carrying a query: whether the worker started it (else it failed first). */
      adopted?: boolean
    }
  | { type: 'query-finished'; id: string; peakMemoryUsage: number }
  | { type: 'cursor-opened'; id: string }
  | { type: 'cursor-closed'; id: string }
  | { type: 'trx-begun'; id: string }
  | { type: 'trx-finished'; id: string; status: string; expired: boolean }
  | { type: 'trx-forgotten'; id: string }
