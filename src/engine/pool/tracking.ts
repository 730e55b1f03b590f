/**
 * Query tracking as ArangoDB 3.12 serves it over /_api/query/current, /_api/query/slow and
 * /_api/query/properties ("HTTP interface for AQL queries"): every running query has an id, its
 * database, user, query string (cut at maxQueryStringLength), bindVars (when trackBindVars),
 * started (ISO date), runTime (seconds), peakMemoryUsage, state and stream; a query that ran at
 * least slowQueryThreshold seconds is kept in the slow list (at most maxSlowQueries, newest last).
 * Defaults are the server's startup options: --query.tracking true, --query.tracking-slow-queries
 * true, --query.tracking-with-bindvars true, --query.slow-threshold 10,
 * --query.slow-streaming-threshold 10, --query.max-slow-queries 64,
 * --query.max-query-string-length 4096.
 */
import { arangoError } from '../errors.js'
import { QueryCancellation } from '../aql/cancel.js'
import { nextId } from './ids.js'

export interface TrackingProperties {
  enabled: boolean
  trackSlowQueries: boolean
  trackBindVars: boolean
  slowQueryThreshold: number
  slowStreamingQueryThreshold: number
  maxSlowQueries: number
  maxQueryStringLength: number
}

/**
 * arangod's defaults, as `queries.properties()` prints them in the manual ("The
 * @arangodb/aql/queries module", 3.10+: enabled, trackSlowQueries, trackBindVars true;
 * maxSlowQueries 64; slowQueryThreshold and slowStreamingQueryThreshold 10 s; 4096 bytes).
 */
export const DEFAULT_TRACKING: TrackingProperties = {
  enabled: true,
  trackSlowQueries: true,
  trackBindVars: true,
  slowQueryThreshold: 10,
  slowStreamingQueryThreshold: 10,
  maxSlowQueries: 64,
  maxQueryStringLength: 4096,
}

export interface TrackedQuery {
  id: string
  database: string
  user: string
  query: string
  bindVars: Record<string, unknown>
  started: number
  stream: boolean
  cancel: QueryCancellation
  peakMemoryUsage: number
}

/** A query registered by the HTTP thread before a worker runs it: its id and cancellation cell. */
export interface AssignedQuery {
  id: string
  buffer: SharedArrayBuffer
}

/** Where a cursor manager registers the queries it runs. */
export interface QueryRegistry {
  start(
    database: string,
    query: string,
    bindVars: Record<string, unknown>,
    stream: boolean,
    user?: string,
    assigned?: AssignedQuery,
  ): TrackedQuery
  finish(q: TrackedQuery): void
}

/**
 * The registry of a query worker: the HTTP thread owns the tracking; the worker runs queries
 * under the id and cancellation cell it was handed, and reports when each one ends.
 */
export class ReportingRegistry implements QueryRegistry {
  private readonly mine = new Set<string>()
  /** Started and not yet asked about by `adopted` (the answer to its request). */
  private readonly begun = new Set<string>()

  constructor(private readonly report: (id: string, peakMemoryUsage: number) => void) {}

  start(
    database: string,
    query: string,
    bindVars: Record<string, unknown>,
    stream: boolean,
    user = '',
    assigned?: AssignedQuery,
  ): TrackedQuery {
    const q = newQuery(database, query, bindVars, stream, user, assigned)
    this.mine.add(q.id)
    if (assigned) this.begun.add(q.id)
    return q
  }

  /** Whether the query with this id was started here (a request may fail before its query starts). */
  adopted(id: string): boolean {
    return this.begun.delete(id)
  }

  finish(q: TrackedQuery): void {
    if (this.mine.delete(q.id)) this.report(q.id, q.peakMemoryUsage)
  }
}

function newQuery(
  database: string,
  query: string,
  bindVars: Record<string, unknown>,
  stream: boolean,
  user: string,
  assigned?: AssignedQuery,
): TrackedQuery {
  return {
    id: assigned?.id ?? nextId(),
    database,
    user,
    query,
    bindVars,
    started: Date.now(),
    stream,
    cancel: new QueryCancellation(assigned?.buffer),
    peakMemoryUsage: 0,
  }
}

export class QueryTracker implements QueryRegistry {
  private props: TrackingProperties = { ...DEFAULT_TRACKING }
  private running = new Map<string, TrackedQuery>()
  private slow: Record<string, unknown>[] = []

  properties(): TrackingProperties {
    return { ...this.props }
  }

  /** PUT /_api/query/properties: only the attributes given change; wrong types are 400. */
  setProperties(body: unknown): TrackingProperties {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw arangoError('HTTP_BAD_PARAMETER', 'expecting a JSON object in the request body')
    }
    const b = body as Record<string, unknown>
    const next = { ...this.props }
    for (const k of ['enabled', 'trackSlowQueries', 'trackBindVars'] as const) {
      if (b[k] === undefined) continue
      if (typeof b[k] !== 'boolean') throw arangoError('HTTP_BAD_PARAMETER', `expecting boolean for '${k}'`)
      next[k] = b[k]
    }
    for (const k of [
      'slowQueryThreshold',
      'slowStreamingQueryThreshold',
      'maxSlowQueries',
      'maxQueryStringLength',
    ] as const) {
      if (b[k] === undefined) continue
      const v = b[k]
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw arangoError('HTTP_BAD_PARAMETER', `expecting a non-negative number for '${k}'`)
      }
      next[k] = k === 'maxSlowQueries' || k === 'maxQueryStringLength' ? Math.trunc(v) : v
    }
    this.props = next
    this.trimSlow()
    return this.properties()
  }

  /** Register a query that starts now; the caller must call finish() whatever the outcome. */
  start(
    database: string,
    query: string,
    bindVars: Record<string, unknown>,
    stream: boolean,
    user = '',
    assigned?: AssignedQuery,
  ): TrackedQuery {
    const q = newQuery(database, query, bindVars, stream, user, assigned)
    if (this.props.enabled) this.running.set(q.id, q)
    return q
  }

  /** A worker reports the end of a query registered here. */
  finishById(id: string, peakMemoryUsage: number): void {
    const q = this.running.get(id)
    if (!q) return
    q.peakMemoryUsage = peakMemoryUsage
    this.finish(q)
  }

  /** A query that never started (its request failed first, or its worker died): no slow entry. */
  discard(id: string): void {
    this.running.delete(id)
  }

  /** The running query with this id, if any. */
  get(id: string): TrackedQuery | undefined {
    return this.running.get(id)
  }

  finish(q: TrackedQuery): void {
    if (!this.running.delete(q.id)) return
    const runTime = (Date.now() - q.started) / 1000
    const threshold = q.stream ? this.props.slowStreamingQueryThreshold : this.props.slowQueryThreshold
    if (this.props.trackSlowQueries && runTime >= threshold) {
      this.slow.push({ ...this.describe(q, 'finished'), runTime })
      this.trimSlow()
    }
  }

  current(database: string): Record<string, unknown>[] {
    return [...this.running.values()]
      .filter((q) => q.database === database)
      .map((q) => this.describe(q, 'executing'))
  }

  slowQueries(database: string): Record<string, unknown>[] {
    return this.slow.filter((q) => q.database === database)
  }

  clearSlow(database: string): void {
    this.slow = this.slow.filter((q) => q.database !== database)
  }

  /** DELETE /_api/query/{id}: 1591 "query ID not found" (404) when no such query runs here. */
  kill(database: string, id: string): void {
    const q = this.running.get(id)
    if (!q || q.database !== database) throw arangoError('QUERY_NOT_FOUND')
    q.cancel.kill()
  }

  private describe(q: TrackedQuery, state: string): Record<string, unknown> {
    return {
      id: q.id,
      database: q.database,
      user: q.user,
      query: q.query.slice(0, this.props.maxQueryStringLength),
      bindVars: this.props.trackBindVars ? q.bindVars : {},
      started: new Date(q.started).toISOString().replace(/\.\d+Z$/, 'Z'),
      runTime: (Date.now() - q.started) / 1000,
      peakMemoryUsage: q.peakMemoryUsage,
      state,
      stream: q.stream,
    }
  }

  private trimSlow(): void {
    const max = this.props.maxSlowQueries
    if (this.slow.length > max) this.slow.splice(0, this.slow.length - max)
  }
}
