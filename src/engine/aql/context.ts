/**
 * The per-query state every stage and expression shares: options, statistics, warnings, the
 * memory account of the blocking stages and the cancellation check.
 */
import { ArangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import { NEVER_CANCELLED, type Cancellation } from './cancel.js'
import type { AqlFunctionDef, FunctionContext } from './functions/types.js'
import type { UserFunctionCaller } from './functions/user/index.js'
import type { AqlValue } from './values.js'

export type Frame = AqlValue[]

export interface QueryOptions {
  fullCount?: boolean
  failOnWarning?: boolean
  maxWarningCount?: number
  /** Count calls, items and runtime per plan node (`options.profile: 2` -> `extra.stats.nodes`). */
  profileNodes?: boolean
  /** Bytes the blocking stages (SORT, COLLECT, DISTINCT, WINDOW) may hold; 0 or absent = no limit. */
  memoryLimit?: number
  /** Killing the query or its deadline: every looping stage and SLEEP consult it. */
  cancel?: Cancellation
  /** The authenticated user of the request (CURRENT_USER()); absent without authentication. */
  user?: string
}

/** A rough size of a row held by a blocking stage: the frame plus the shallow size of its values. */
export function rowBytes(f: Frame): number {
  let n = 64 + f.length * 16
  for (const v of f) if (typeof v === 'string') n += v.length * 2
  return n
}

/** Per-node profile counters, as ArangoDB reports them in `extra.stats.nodes`. */
export interface NodeStats {
  id: number
  calls: number
  parallel: number
  items: number
  filtered: number
  runtime: number
  fetching: number
}

export function profiled<T>(st: NodeStats, make: () => Iterable<T>): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      st.calls++
      let t0 = performance.now()
      const it = make()[Symbol.iterator]()
      st.runtime += (performance.now() - t0) / 1000
      for (;;) {
        t0 = performance.now()
        const r = it.next()
        st.runtime += (performance.now() - t0) / 1000
        if (r.done) return
        st.items++
        yield r.value
      }
    },
  }
}

export interface QueryStats {
  writesExecuted: number
  writesIgnored: number
  documentLookups: number
  seeks: number
  scannedFull: number
  scannedIndex: number
  searchParallelism: number
  cursorsCreated: number
  cursorsRearmed: number
  cacheHits: number
  cacheMisses: number
  filtered: number
  httpRequests: number
  fullCount?: number
  executionTime: number
  peakMemoryUsage: number
  intermediateCommits: number
}

export interface Warning {
  code: number
  message: string
}

export interface FunctionLibrary {
  functions: Record<string, AqlFunctionDef>
  unsupported: ReadonlySet<string>
  /** Namespaced names (`NS::NAME`): the database's user-defined functions (functions/user/). */
  user?: UserFunctionCaller
}

export function newStats(): QueryStats {
  return {
    writesExecuted: 0,
    writesIgnored: 0,
    documentLookups: 0,
    seeks: 0,
    scannedFull: 0,
    scannedIndex: 0,
    searchParallelism: 1,
    cursorsCreated: 0,
    cursorsRearmed: 0,
    cacheHits: 0,
    cacheMisses: 0,
    filtered: 0,
    httpRequests: 0,
    executionTime: 0,
    peakMemoryUsage: 0,
    intermediateCommits: 0,
  }
}

export class QueryContext implements FunctionContext {
  warnings: Warning[] = []
  stats = newStats()
  readonly now = Date.now()
  readonly cancel: Cancellation
  constructor(
    readonly store: Store,
    readonly db: string,
    readonly options: QueryOptions = {},
  ) {
    this.cancel = options.cancel ?? NEVER_CANCELLED
  }
  get user(): string | undefined {
    return this.options.user
  }
  private memoryUsed = 0
  /** Account memory held by a blocking stage; over `memoryLimit` -> ArangoDB's error 32. */
  useMemory(bytes: number): void {
    this.memoryUsed += bytes
    if (this.stats.peakMemoryUsage < this.memoryUsed) this.stats.peakMemoryUsage = this.memoryUsed
    const limit = this.options.memoryLimit
    if (limit && this.memoryUsed > limit) {
      throw new ArangoError(32, 500, 'AQL: query would use more memory than allowed (while executing)')
    }
  }
  warn(code: number, message: string): void {
    if (this.options.failOnWarning) throw new ArangoError(code, 400, message)
    if (this.warnings.length < (this.options.maxWarningCount ?? 10)) this.warnings.push({ code, message })
  }
}
