/**
 * The pool of query workers, seen from the HTTP thread (docs/engine.md, "The query worker pool").
 * `forward` picks the requests that run in a worker: creating a cursor (least busy worker; the
 * query is registered here first, so tracking and kills see it at once), a cursor's later
 * batches and deletion (the worker holding it), beginning a stream transaction and every request
 * of one (the worker owning it). A worker that dies is replaced; what it held fails in
 * ArangoDB's shapes.
 */
import { Worker } from 'node:worker_threads'
import { ArangoError, arangoError } from '../errors.js'
import { errorResponse } from '../http/dispatch.js'
import type { RequestContext, RouteResponse } from '../http/router.js'
import type { WriteGate } from '../storage/stream-transactions.js'
import type { EngineOptions } from '../types.js'
import { idBuffer } from './ids.js'
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js'
import type { AssignedQuery, QueryTracker } from './tracking.js'
import { queryWorkerScript } from './worker-script.js'

interface Slot {
  index: number
  /** Set once the worker's script is known (bundled, under vitest). */
  worker?: Worker
  ready: Promise<void>
  /** It answered 'ready' once (a worker that dies at start is not respawned in a loop). */
  started: boolean
  startError?: string
  /** Requests sent and not yet answered. */
  busy: number
  alive: boolean
}

interface Pending {
  slot: Slot
  resolve: (r: RouteResponse) => void
  query?: string
  /** A cursor request: on the worker's death it fails as a killed query. */
  isQuery: boolean
}

export interface PoolOptions {
  size: number
  engine: EngineOptions
  gate: WriteGate
  tracker: QueryTracker
}

function startError(slot: Slot): ArangoError {
  return new ArangoError(
    4,
    500,
    `internal error: query worker failed to start: ${slot.startError ?? 'unknown'}`,
  )
}

function diedError(isQuery: boolean): ArangoError {
  return isQuery
    ? arangoError('QUERY_KILLED', 'query killed: its query worker stopped')
    : arangoError('TRANSACTION_ABORTED', 'transaction aborted: its query worker stopped')
}

/** Threads' marks in the write gate's cell: the HTTP thread is 1, worker i is i + 2. */
const tokenOf = (index: number) => index + 2

export class QueryPool {
  /** Stream transaction totals since start (arangodb_transactions_*_total). */
  readonly counts = { started: 0, committed: 0, aborted: 0, expired: 0 }
  private readonly slots: Slot[] = []
  private readonly pending = new Map<number, Pending>()
  private readonly cursorOwner = new Map<string, Slot>()
  private readonly trxOwner = new Map<string, Slot>()
  private readonly runningTrx = new Set<string>()
  private readonly queryOwner = new Map<string, Slot>()
  private nextRid = 1
  private turn = 0
  private closing = false

  /**
   * Workers start on demand: the first with the first request that needs one, another each time
   * a request finds all of them busy, up to `size`; the engine waits for the first before it
   * listens (startEngineServer), so a first query does not pay for a start.
   */
  constructor(private readonly opts: PoolOptions) {
    if (!(opts.size >= 1)) throw new Error(`query workers must be at least 1 (got ${opts.size})`)
  }

  get size(): number {
    return this.opts.size
  }

  /** Workers running now (started and not dead). */
  get live(): number {
    return this.slots.filter((s) => s.alive && s.started).length
  }

  /** Start `n` workers (default all) now rather than on demand; resolves when they are ready. */
  async warmUp(n = this.opts.size): Promise<void> {
    this.launch(n)
    await Promise.all(this.slots.map((s) => s.ready))
  }

  /** Open cursors of all workers (arangodb_aql_cursors_active). */
  get cursorsActive(): number {
    return this.cursorOwner.size
  }

  /** Running stream transactions of all workers. */
  get running(): number {
    return this.runningTrx.size
  }

  /** Test hook: end worker `index` at once, as a crash would (busy or not). */
  async terminateWorker(index: number): Promise<void> {
    this.launch()
    const slot = this.slots[index]!
    await slot.ready
    await slot.worker!.terminate()
  }

  /** The worker a request runs in, and the promise of its answer; undefined: this thread runs it. */
  forward = (ctx: RequestContext): Promise<RouteResponse> | undefined => {
    const seg = ctx.segments
    if (seg[0] !== '_api') return undefined
    const trx = ctx.trxId
    if (trx !== undefined) {
      const slot = this.trxOwner.get(trx)
      // unknown here: this thread's (empty) transaction manager answers 1655
      if (!slot) return undefined
      return seg[1] === 'cursor' ? this.createCursor(ctx, slot) : this.send(slot, ctx)
    }
    if (seg[1] === 'cursor') {
      if (seg.length === 2) return ctx.method === 'POST' ? this.createCursor(ctx) : undefined
      const slot = this.cursorOwner.get(seg[2]!)
      if (!slot) throw arangoError('CURSOR_NOT_FOUND')
      return this.send(slot, ctx)
    }
    if (seg[1] === 'transaction') {
      if (seg.length === 3 && seg[2] === 'begin' && ctx.method === 'POST') return this.send(this.pick(), ctx)
      if (seg.length === 3) {
        const slot = this.trxOwner.get(seg[2]!)
        return slot ? this.send(slot, ctx) : undefined
      }
      if (seg.length === 2 && ctx.method === 'GET') return this.listTransactions(ctx)
    }
    return undefined
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const w = s.worker
            if (!s.alive || !w) return resolve()
            w.once('exit', () => resolve())
            w.on('message', (m: FromWorker) => {
              if (m.type === 'closed') void w.terminate()
            })
            w.postMessage({ type: 'close' } satisfies ToWorker)
          }),
      ),
    )
  }

  /** Start workers until there are `n` (at most the pool's size). */
  private launch(n = this.opts.size): void {
    if (this.closing) return
    while (this.slots.length < Math.min(n, this.opts.size)) this.slots.push(this.spawn(this.slots.length))
  }

  private spawn(index: number): Slot {
    const init: WorkerInit = {
      options: this.opts.engine,
      ids: idBuffer(),
      gate: this.opts.gate.buffer,
      token: tokenOf(index),
    }
    const slot: Slot = { index, ready: Promise.resolve(), busy: 0, alive: true, started: false }
    slot.ready = queryWorkerScript().then(
      (script) =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(script, { workerData: init })
          slot.worker = worker
          worker.on('message', (m: FromWorker) => {
            if (m.type === 'ready') {
              slot.started = true
              resolve()
            } else if (m.type === 'error') slot.startError = m.message
            else this.onMessage(slot, m)
          })
          worker.on('error', (e) => (slot.startError ??= e.message))
          worker.once('exit', (code) => {
            reject(new Error(slot.startError ?? `query worker exited (${code})`))
            this.onExit(slot)
          })
        }),
      (e: unknown) => {
        slot.startError = (e as Error).message
        this.onExit(slot)
        throw e
      },
    )
    // a failed start surfaces through the requests sent to it
    slot.ready.catch(() => undefined)
    return slot
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'response': {
        const p = this.pending.get(m.rid)
        if (!p) return
        this.pending.delete(m.rid)
        slot.busy--
        if (p.query !== undefined && !m.adopted) this.forgetQuery(p.query)
        p.resolve({ status: m.status, headers: m.headers, raw: m.payload })
        return
      }
      case 'query-finished':
        this.queryOwner.delete(m.id)
        this.opts.tracker.finishById(m.id, m.peakMemoryUsage)
        return
      case 'cursor-opened':
        this.cursorOwner.set(m.id, slot)
        return
      case 'cursor-closed':
        this.cursorOwner.delete(m.id)
        return
      case 'trx-begun':
        this.trxOwner.set(m.id, slot)
        this.runningTrx.add(m.id)
        this.counts.started++
        return
      case 'trx-finished':
        this.runningTrx.delete(m.id)
        this.counts[m.status === 'committed' ? 'committed' : 'aborted']++
        if (m.expired) this.counts.expired++
        return
      case 'trx-forgotten':
        this.trxOwner.delete(m.id)
        return
      default:
        return
    }
  }

  /**
   * A worker exited (crashed or terminated): its queries answer 1500 "query killed", as arangod
   * answers queries it kills itself (on shutdown too); its cursors are gone (1600) and its
   * transactions unknown (1655); a transaction request in flight hears 1654 "transaction
   * aborted". A new worker takes its place.
   */
  private onExit(slot: Slot): void {
    if (!slot.alive) return
    slot.alive = false
    this.opts.gate.releaseDead(tokenOf(slot.index))
    for (const [rid, p] of this.pending) {
      if (p.slot !== slot) continue
      this.pending.delete(rid)
      p.resolve(errorResponse(slot.started ? diedError(p.isQuery) : startError(slot)))
    }
    for (const [id, s] of this.queryOwner) if (s === slot) this.forgetQuery(id)
    for (const [id, s] of this.cursorOwner) if (s === slot) this.cursorOwner.delete(id)
    for (const [id, s] of this.trxOwner) {
      if (s !== slot) continue
      this.trxOwner.delete(id)
      if (this.runningTrx.delete(id)) this.counts.aborted++
    }
    // one that never started stays down until the next request asks for it (no respawn loop)
    if (this.closing || !slot.started) return
    this.slots[slot.index] = this.spawn(slot.index)
  }

  private forgetQuery(id: string): void {
    this.queryOwner.delete(id)
    this.opts.tracker.discard(id)
  }

  /** The live worker with the fewest requests in flight (ties: in turn). */
  private pick(): Slot {
    this.launch(1)
    for (const [i, s] of this.slots.entries()) if (!s.alive) this.slots[i] = this.spawn(i)
    // all busy: one more worker, if the pool may grow (a start beats waiting behind a long query)
    if (this.slots.every((s) => s.busy > 0) && this.slots.length < this.opts.size) {
      this.launch(this.slots.length + 1)
      return this.slots[this.slots.length - 1]!
    }
    let best: Slot | undefined
    const n = this.slots.length
    for (let k = 0; k < n; k++) {
      const s = this.slots[(this.turn + k) % n]!
      if (s.alive && (!best || s.busy < best.busy)) best = s
    }
    this.turn = (this.turn + 1) % n
    return best ?? this.slots[0]!
  }

  private createCursor(ctx: RequestContext, slot = this.pick()): Promise<RouteResponse> {
    const body = ctx.json()
    let query: AssignedQuery | undefined
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const b = body as Record<string, unknown>
      if (typeof b.query === 'string' && b.query !== '') {
        const bindVars =
          typeof b.bindVars === 'object' && b.bindVars !== null ? (b.bindVars as Record<string, unknown>) : {}
        const stream = (b.options as { stream?: unknown } | undefined)?.stream === true
        const tq = this.opts.tracker.start(ctx.db, b.query, bindVars, stream, ctx.user ?? '')
        query = { id: tq.id, buffer: tq.cancel.buffer }
        this.queryOwner.set(tq.id, slot)
      }
    }
    return this.send(slot, ctx, query, true)
  }

  private async listTransactions(ctx: RequestContext): Promise<RouteResponse> {
    // workers not started hold no transactions
    if (this.slots.length === 0) return { status: 200, body: { transactions: [] } }
    const answers = await Promise.all(this.slots.map((s) => this.send(s, ctx)))
    const transactions: unknown[] = []
    for (const a of answers) {
      if (a.status !== 200) return a
      transactions.push(...(JSON.parse(a.raw!) as { transactions: unknown[] }).transactions)
    }
    return { status: 200, body: { transactions } }
  }

  private async send(
    slot: Slot,
    ctx: RequestContext,
    query?: AssignedQuery,
    isQuery = ctx.segments[1] === 'cursor',
  ): Promise<RouteResponse> {
    const qs = ctx.query.toString()
    const msg: ToWorker = {
      type: 'request',
      rid: this.nextRid++,
      method: ctx.method,
      url: `/_db/${encodeURIComponent(ctx.db)}${ctx.path}${qs ? `?${qs}` : ''}`,
      headers: ctx.headers,
      body: ctx.rawBody,
      user: ctx.user,
      query,
    }
    if (!slot.alive) return errorResponse(slot.started ? diedError(isQuery) : startError(slot))
    slot.busy++
    const answer = new Promise<RouteResponse>((resolve) =>
      this.pending.set(msg.rid, { slot, resolve, query: query?.id, isQuery }),
    )
    try {
      await slot.ready
    } catch {
      // the worker died before it was ready; onExit answered (or will answer) the request
      return answer
    }
    if (!slot.alive) return answer
    slot.worker!.postMessage(msg)
    return answer
  }
}
