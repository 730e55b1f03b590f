/**
 * AQL cursors as ArangoDB 3.12 serves them over /_api/cursor (ENGINE-SPEC §7): batches of
 * `batchSize`, `id` and `nextBatchId` only while `hasMore`, `count` only when asked for, `extra`
 * repeated in every batch, expiry after `ttl` seconds idle, retry of the last batch with
 * `allowRetry`. Stream cursors of read-only queries pull their rows lazily, batch by batch, so
 * memory stays flat whatever the result size.
 */
import { DEFAULTS } from '../../config/defaults.js'
import { arangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import { compileQuery, type NodeStats, type QueryContext, type QueryOptions } from './executor.js'
import { FUNCTION_LIBRARY } from './library.js'
import { readSnapshot } from './snapshot.js'
import type { AssignedQuery, QueryRegistry, TrackedQuery } from '../pool/tracking.js'
import { nextId } from '../pool/ids.js'
import type { AqlValue } from './values.js'
import { isObject } from '../../objects.js'

export interface CursorRequest {
  query?: unknown
  bindVars?: unknown
  count?: unknown
  batchSize?: unknown
  ttl?: unknown
  options?: unknown
  [k: string]: unknown
}

interface Cursor {
  id: string
  db: string
  /** Where its rows are read: the engine's store, or its stream transaction's. */
  store: Store
  ctx: QueryContext
  iter: Iterator<AqlValue> | null
  /** Materialized rows not yet sent (non-stream), or the one-row lookahead (stream). */
  pending: AqlValue[]
  pendingPos: number
  count?: number
  batchSize: number
  ttlMs: number
  expires: number
  batchId: number
  lastBody: Record<string, unknown> | null
  allowRetry: boolean
  fullCount: boolean
  startedAt: number
  exhausted: boolean
  /** `options.profile`: seconds per phase, reported in `extra.profile`. */
  profile?: { parsing: number; executing: number }
  /** `options.profile: 2`: the executed plan, reported in `extra.plan`. */
  plan?: Record<string, unknown>
  nodeStats?: NodeStats[]
  /** The running query behind a cursor that still pulls rows (stream); finished when exhausted. */
  tracked?: TrackedQuery
  /** A stream cursor whose next batch is computed as soon as one is answered (see `prefetch`). */
  prefetch: boolean
  /**
   * That next batch, once computed, with its rows' JSON text (or the error computing it raised,
   * reported when asked).
   */
  ahead?: { rows: AqlValue[]; json?: string; error?: unknown }
  aheadTimer?: NodeJS.Immediate
}

/** Told when a cursor is kept for later batches and when it goes (the pool maps cursor → worker). */
export interface CursorEvents {
  opened?(id: string): void
  closed?(id: string): void
}

/**
 * The engine-wide turn of long writers (WriteGate): a modification query takes it before it
 * takes SQLite's write lock, so writers elsewhere wait for it asynchronously, not in SQLite's
 * busy timeout with their thread blocked.
 */
export interface WriteTurn {
  acquire(): Promise<void>
  release(): void
}

export interface CreateOptions {
  /** Runs on a stream transaction's store, which holds the write lock already when it writes. */
  inTransaction?: boolean
  /** The authenticated user, for CURRENT_USER(). */
  user?: string
  /** The id and cancellation the HTTP thread registered this query under. */
  assigned?: AssignedQuery
}

/** The open cursors of an engine (one per query worker), over any of its stores. */
export class CursorManager {
  private cursors = new Map<string, Cursor>()
  private timer: NodeJS.Timeout | null = null
  /** The JSON text of a batch body's `result`, made during the read-ahead (see `serialized`). */
  private readonly resultJson = new WeakMap<Record<string, unknown>, string>()

  constructor(
    /** Where running queries are registered (/_api/query/*). */
    readonly queries: QueryRegistry,
    private readonly events: CursorEvents = {},
    private readonly writeTurn?: WriteTurn,
    /**
     * Compute a read-only stream cursor's next batch right after answering one, on this thread
     * while the answer travels and the client reads it (the query workers: measured in
     * bench/aql.mjs, 1,000,000 rows in batches of 1,000 waited on each hop without it). Not for a
     * cursor of a stream transaction, whose connection a commit may close meanwhile.
     */
    private readonly prefetch = false,
  ) {}

  /** Cursors still open (arangodb_aql_cursors_active). */
  get active(): number {
    return this.cursors.size
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    for (const c of this.cursors.values()) this.drop(c)
  }

  /** Forget a cursor; a stream query it still ran stops being a running query. */
  private drop(c: Cursor): void {
    if (this.cursors.delete(c.id)) this.events.closed?.(c.id)
    this.takeAhead(c)
    if (c.tracked) this.queries.finish(c.tracked)
    c.tracked = undefined
  }

  /** Drop these cursors (their stream transaction ended: the connection they read is closed). */
  dropAll(ids: Iterable<string>): void {
    for (const id of ids) {
      const c = this.cursors.get(id)
      if (c) this.drop(c)
    }
  }

  private sweep(): void {
    const now = Date.now()
    for (const c of this.cursors.values()) if (c.expires <= now) this.drop(c)
    if (this.cursors.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = null
    }
  }

  private arm(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.sweep(), 1000)
    this.timer.unref()
  }

  /**
   * POST /_api/cursor: 201 with the first batch, run on `storeOf()`. A getter, called after the
   * last await: a stream transaction committed meanwhile must not leave us its closed store.
   */
  async create(
    storeOf: () => Store,
    db: string,
    body: unknown,
    opts: CreateOptions = {},
  ): Promise<Record<string, unknown>> {
    const user = opts.user
    this.sweep()
    if (body === undefined || body === null) throw arangoError('QUERY_EMPTY')
    if (!isObject(body))
      throw arangoError('HTTP_BAD_PARAMETER', 'expecting a JSON object in the request body')
    const req = body as CursorRequest
    if (req.query === undefined || req.query === null || req.query === '') throw arangoError('QUERY_EMPTY')
    if (typeof req.query !== 'string') throw arangoError('HTTP_BAD_PARAMETER', 'expecting string for <query>')
    const bindVars = req.bindVars ?? {}
    if (!isObject(bindVars)) throw arangoError('QUERY_BIND_PARAMETERS_INVALID')
    const options = isObject(req.options) ? req.options : {}
    let batchSize: number = DEFAULTS.cursor.batchSize
    if (req.batchSize !== undefined && req.batchSize !== null) {
      if (typeof req.batchSize !== 'number' || req.batchSize < 1) {
        throw arangoError('HTTP_BAD_PARAMETER', "expecting non-zero value for 'batchSize'")
      }
      batchSize = Math.trunc(req.batchSize)
    }
    const ttl = typeof req.ttl === 'number' && req.ttl > 0 ? req.ttl : DEFAULTS.cursor.ttlSeconds
    const stream = options.stream === true
    const qopts: QueryOptions = {
      fullCount: options.fullCount === true && !stream,
      failOnWarning: options.failOnWarning === true,
      maxWarningCount: typeof options.maxWarningCount === 'number' ? options.maxWarningCount : undefined,
      profileNodes: typeof options.profile === 'number' && options.profile >= 2,
      memoryLimit: memoryLimitOf(req.memoryLimit ?? options.memoryLimit),
      user,
    }
    const lib = FUNCTION_LIBRARY
    const tq = this.queries.start(db, req.query, bindVars, stream, user ?? '', opts.assigned)
    // maxRuntime (seconds): past it the query is killed with 1500, as ArangoDB does
    if (typeof options.maxRuntime === 'number') tq.cancel.setMaxRuntime(options.maxRuntime)
    qopts.cancel = tq.cancel
    try {
      return await this.start(storeOf(), db, req, qopts, tq, batchSize, ttl, options, stream, lib, opts)
    } catch (e) {
      this.queries.finish(tq)
      throw e
    }
  }

  private async start(
    store: Store,
    db: string,
    req: CursorRequest,
    qopts: QueryOptions,
    tq: TrackedQuery,
    batchSize: number,
    ttl: number,
    options: Record<string, unknown>,
    stream: boolean,
    lib: typeof FUNCTION_LIBRARY,
    opts: CreateOptions,
  ): Promise<Record<string, unknown>> {
    const started = performance.now()
    const compiled = compileQuery(
      store,
      db,
      req.query as string,
      (req.bindVars as Record<string, unknown>) ?? {},
      lib,
      qopts,
    )
    const parsed = performance.now()
    const cursor: Cursor = {
      id: nextId(),
      db,
      store,
      ctx: compiled.ctx,
      iter: null,
      pending: [],
      pendingPos: 0,
      batchSize,
      ttlMs: ttl * 1000,
      expires: Date.now() + ttl * 1000,
      batchId: 1,
      lastBody: null,
      allowRetry: options.allowRetry === true,
      fullCount: qopts.fullCount === true,
      startedAt: started,
      exhausted: false,
      prefetch: this.prefetch && stream && !compiled.isModification && !opts.inTransaction,
      profile:
        options.profile !== undefined && options.profile !== false && options.profile !== 0
          ? { parsing: (parsed - started) / 1000, executing: 0 }
          : undefined,
    }
    if (qopts.profileNodes) {
      cursor.nodeStats = compiled.nodeStats
      cursor.plan = compiled.explain()
    }
    if (stream && !compiled.isModification) {
      cursor.iter = compiled.run()[Symbol.iterator]()
      cursor.tracked = tq
    } else {
      const turn = compiled.isModification && !opts.inTransaction ? this.writeTurn : undefined
      await turn?.acquire()
      let rows: AqlValue[]
      try {
        rows = compiled.all()
      } finally {
        turn?.release()
      }
      cursor.pending = rows
      cursor.exhausted = true
      if (req.count === true) cursor.count = rows.length
      // fullCount without a LIMIT is the number of rows
      if (qopts.fullCount && compiled.ctx.stats.fullCount === undefined)
        compiled.ctx.stats.fullCount = rows.length
      compiled.ctx.stats.executionTime = (performance.now() - started) / 1000
      if (cursor.profile) cursor.profile.executing = (performance.now() - parsed) / 1000
      tq.peakMemoryUsage = compiled.ctx.stats.peakMemoryUsage
      this.queries.finish(tq)
    }
    const out = this.batch(cursor, 201)
    if (out.hasMore || cursor.allowRetry) {
      this.cursors.set(cursor.id, cursor)
      this.events.opened?.(cursor.id)
      this.arm()
    }
    return out
  }

  /** Next batch: POST /_api/cursor/{id}[/{batchId}] and the deprecated PUT /_api/cursor/{id}. */
  next(db: string, id: string, batchId?: string): Record<string, unknown> {
    this.sweep()
    const c = this.cursors.get(id)
    // cursors belong to the database they were created in
    if (!c || c.db !== db) throw arangoError('CURSOR_NOT_FOUND')
    // a killed query's cursor is gone; its client hears 1500 "query killed" once
    if (c.tracked?.cancel.killed) {
      this.drop(c)
      throw arangoError('QUERY_KILLED')
    }
    c.expires = Date.now() + c.ttlMs
    if (batchId !== undefined) {
      const n = Number(batchId)
      if (n === c.batchId && c.lastBody) {
        if (!c.allowRetry) throw arangoError('CURSOR_NOT_FOUND')
        return { ...c.lastBody, code: 200 }
      }
      if (n !== c.batchId + 1) throw arangoError('CURSOR_NOT_FOUND')
    }
    if (!c.lastBody?.hasMore) throw arangoError('CURSOR_NOT_FOUND')
    c.batchId++
    const out = this.batch(c, 200)
    if (!out.hasMore && !c.allowRetry) this.drop(c)
    return out
  }

  /**
   * A batch body as JSON text, when its rows were serialized ahead: `result` comes first in
   * every body, so the text is that JSON followed by the rest of the body's. Undefined otherwise
   * (JSON.stringify the body as usual).
   */
  serialized(body: Record<string, unknown>): string | undefined {
    const json = this.resultJson.get(body)
    if (json === undefined) return undefined
    const { result: _result, ...rest } = body
    return `{"result":${json},${JSON.stringify(rest).slice(1)}`
  }

  /** DELETE /_api/cursor/{id}: 202. */
  remove(db: string, id: string): Record<string, unknown> {
    this.sweep()
    const c = this.cursors.get(id)
    if (!c || c.db !== db) throw arangoError('CURSOR_NOT_FOUND')
    this.drop(c)
    return { id, error: false, code: 202 }
  }

  /** Pull up to batchSize rows of a stream cursor, plus one row of lookahead (hasMore must be exact). */
  private pull(c: Cursor, result: AqlValue[]): void {
    const iter = c.iter!
    while (result.length < c.batchSize) {
      if (c.pendingPos < c.pending.length) {
        result.push(c.pending[c.pendingPos++]!)
        continue
      }
      const r = iter.next()
      if (r.done) {
        c.exhausted = true
        break
      }
      result.push(r.value)
    }
    c.pending = []
    c.pendingPos = 0
    if (!c.exhausted) {
      const r = iter.next()
      if (r.done) c.exhausted = true
      else c.pending = [r.value]
    }
  }

  /** Pull a stream cursor's next batch in a read snapshot, counting the time as execution. */
  private pullTimed(c: Cursor, result: AqlValue[]): void {
    const started = performance.now()
    readSnapshot(c.store, () => this.pull(c, result))
    const secs = (performance.now() - started) / 1000
    c.ctx.stats.executionTime += secs
    if (c.profile) c.profile.executing += secs
  }

  /** The batch read ahead, if it is there, taken off the cursor; a read-ahead not begun is called off. */
  private takeAhead(c: Cursor): Cursor['ahead'] {
    const ahead = c.ahead
    c.ahead = undefined
    if (c.aheadTimer) clearImmediate(c.aheadTimer)
    c.aheadTimer = undefined
    return ahead
  }

  /** Compute the next batch on a later turn of the event loop, unless the cursor is gone by then. */
  private pullAhead(c: Cursor): void {
    c.aheadTimer = setImmediate(() => {
      c.aheadTimer = undefined
      if (this.cursors.get(c.id) !== c || c.tracked?.cancel.killed) return
      const rows: AqlValue[] = []
      try {
        this.pullTimed(c, rows)
        // the answer's bulk, serialized now rather than when the client asks for it
        c.ahead = { rows, json: JSON.stringify(rows) }
      } catch (error) {
        c.ahead = { rows, error }
      }
    })
  }

  private batch(c: Cursor, code: number): Record<string, unknown> {
    let result: AqlValue[] = []
    let json: string | undefined
    let hasMore: boolean
    if (c.iter) {
      const ahead = this.takeAhead(c)
      try {
        if (ahead?.error !== undefined) throw ahead.error
        if (ahead) {
          result = ahead.rows
          json = ahead.json
        } else this.pullTimed(c, result)
      } catch (e) {
        this.drop(c)
        throw e
      }
      hasMore = !c.exhausted || c.pending.length > 0
      if (c.tracked) c.tracked.peakMemoryUsage = c.ctx.stats.peakMemoryUsage
      if (!hasMore && c.tracked) {
        this.queries.finish(c.tracked)
        c.tracked = undefined
      }
    } else {
      const end = Math.min(c.pending.length, c.pendingPos + c.batchSize)
      for (let i = c.pendingPos; i < end; i++) result.push(c.pending[i]!)
      c.pendingPos = end
      hasMore = c.pendingPos < c.pending.length
      if (!hasMore) c.pending = []
    }
    const body: Record<string, unknown> = { result, hasMore }
    if (hasMore) body.id = c.id
    if (c.count !== undefined) body.count = c.count
    const stats: Record<string, unknown> = { ...c.ctx.stats }
    if (c.nodeStats?.length) stats.nodes = c.nodeStats
    if (!c.fullCount) delete stats.fullCount
    else if (stats.fullCount === undefined) stats.fullCount = c.count ?? 0
    const extra: Record<string, unknown> = { warnings: c.ctx.warnings, stats: orderStats(stats) }
    if (c.profile) {
      extra.profile = {
        initializing: 0,
        parsing: c.profile.parsing,
        'optimizing ast': 0,
        'loading collections': 0,
        'instantiating plan': 0,
        'optimizing plan': 0,
        'instantiating executors': 0,
        executing: c.profile.executing,
        finalizing: 0,
      }
    }
    if (c.plan) extra.plan = c.plan
    body.extra = extra
    body.cached = false
    if (hasMore) body.nextBatchId = String(c.batchId + 1)
    body.error = false
    body.code = code
    c.lastBody = body
    if (json !== undefined) this.resultJson.set(body, json)
    if (hasMore && c.prefetch) this.pullAhead(c)
    return body
  }
}

function memoryLimitOf(v: unknown): number | undefined {
  return typeof v === 'number' && v > 0 ? v : undefined
}

/** ArangoDB prints fullCount before executionTime, and the profile's nodes last. */
function orderStats(s: Record<string, unknown>): Record<string, unknown> {
  const { executionTime, peakMemoryUsage, intermediateCommits, fullCount, nodes, ...rest } = s
  const out: Record<string, unknown> = { ...rest }
  if (fullCount !== undefined) out.fullCount = fullCount
  Object.assign(out, { executionTime, peakMemoryUsage, intermediateCommits })
  if (nodes !== undefined) out.nodes = nodes
  return out
}
