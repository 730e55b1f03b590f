/**
 * The per-query cancellation check. Every execution stage that loops (scans, index lookups,
 * traversals, shortest paths, sorts, COLLECT) calls `check()` at least every few thousand rows,
 * and SLEEP waits through `sleep()`, so killing a query, `maxRuntime` and shutting down take
 * effect at once. The state lives in a SharedArrayBuffer so that another thread (the HTTP thread,
 * while a query worker is busy running synchronously) can cancel a query without a message.
 *
 * ArangoDB answers a killed query with errorNum 1500 "query killed" (HTTP 410), also when
 * `maxRuntime` is exceeded (docs.arangodb.com 3.12, "AQL query options: maxRuntime").
 */
import { arangoError } from '../errors.js'

export interface Cancellation {
  /** Throws ArangoError 1500 "query killed" once the query is killed or past its deadline. */
  check(): void
  /** Waits `ms`, waking early and throwing 1500 when the query is cancelled meanwhile. */
  sleep(ms: number): void
}

const RUNNING = 0
const KILLED = 1

/** Cancellation state that can be shared with another thread (`buffer` goes in a postMessage). */
export class QueryCancellation implements Cancellation {
  readonly state: Int32Array
  /** Epoch ms after which `check()` throws; 0 means no limit. Stored beside the flag as a double. */
  private readonly deadline: Float64Array

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(16)) {
    this.state = new Int32Array(buffer, 0, 1)
    this.deadline = new Float64Array(buffer, 8, 1)
  }

  get buffer(): SharedArrayBuffer {
    return this.state.buffer as SharedArrayBuffer
  }

  /** `maxRuntime` in seconds, as ArangoDB's option; 0 or less means none. */
  setMaxRuntime(seconds: number, now = Date.now()): void {
    this.deadline[0] = seconds > 0 ? now + seconds * 1000 : 0
  }

  /** Kill the query: any thread may call it; a sleeping query wakes at once. */
  kill(): void {
    Atomics.store(this.state, 0, KILLED)
    Atomics.notify(this.state, 0)
  }

  get killed(): boolean {
    return Atomics.load(this.state, 0) === KILLED || this.pastDeadline()
  }

  check(): void {
    if (this.killed) throw arangoError('QUERY_KILLED')
  }

  sleep(ms: number): void {
    let end = Date.now() + Math.max(0, ms)
    const d = this.deadline[0]
    for (;;) {
      this.check()
      const now = Date.now()
      if (now >= end) return
      // wake at the deadline too, so maxRuntime ends a SLEEP within milliseconds
      const until = d > 0 ? Math.min(end, d) : end
      Atomics.wait(this.state, 0, RUNNING, Math.max(1, Math.min(until - now, 2 ** 31 - 1)))
      if (d > 0 && Date.now() >= d) end = Math.min(end, d)
    }
  }

  private pastDeadline(): boolean {
    const d = this.deadline[0]
    return d > 0 && Date.now() >= d
  }
}

/** For callers that never cancel (tests, internal one-off queries). */
export const NEVER_CANCELLED: Cancellation = {
  check() {},
  sleep(ms: number) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, Math.min(ms, 2 ** 31 - 1)))
  },
}
