/**
 * Writes a plan to ArangoDB: one array insert per collection and stage (vertices with
 * overwriteMode update, create-if-missing with ignore, edges with update, dead letters with
 * replace), each retried with capped exponential backoff and jitter until it is committed.
 * Per-item errors of an array insert dead-letter the records that produced the item.
 */
import type { Database } from 'arangojs'

import { DEFAULTS } from '../config/defaults.js'
import { formatDuration, parseDuration } from '../config/duration.js'
import { EXIT, GraphpipeError } from '../errors.js'
import {
  deadLetter,
  type DeadLetterDoc,
  type Origin,
  type PlanItem,
  type Source,
  type WritePlan,
} from './batch.js'
import type { GraphSpec, Mapper } from '../mapping/mapping.js'

export interface RetryInfo {
  attempt: number
  delayMs: number
  error: string
  what: string
}

/** A retry as one line for stderr (consume, import --mapping). */
export function describeRetry(r: RetryInfo): string {
  return `write failed (${r.what}, attempt ${r.attempt}): ${r.error}; retrying in ${formatDuration(r.delayMs)}`
}

export interface WriterOptions {
  deadLetterCollection: string
  /** Event-time bookkeeping (ordered writes only). */
  versionsCollection?: string
  /** Per request: a server that stops answering must not hang the consumer (DEFAULTS.consume.requestTimeout). */
  requestTimeoutMs?: number
  retryInitialMs?: number
  retryMaxMs?: number
  onRetry?: (info: RetryInfo) => void
  /** Called once a write succeeds after retries. */
  onRecovered?: () => void
  /** Also publishes each dead letter (--dead-letter-topic); awaited before the ack. */
  publishDeadLetter?: (doc: DeadLetterDoc) => Promise<void>
  /** Stops retrying (second signal); the pending write then rejects. */
  signal?: AbortSignal
  /** Topic and subscription stamped on every dead letter (for `deadletters replay`). */
  origin?: Origin
}

export interface WriteResult {
  vertices: number
  edges: number
  deadLetters: number
  writeMs: number
  /** Vertices and edges removed. */
  deletes?: number
}

type OverwriteMode = 'update' | 'ignore' | 'replace'

/** A failed (or, without `error`, a written) item of an array request. */
export interface ItemResult {
  error?: boolean
  errorNum?: number
  errorMessage?: string
}

/** ArangoDB's write-write conflict: another transaction holds the document; a retry may pass. */
export const ARANGO_CONFLICT = 1200
const ARANGO_COLLECTION_NOT_FOUND = 1203
const ARANGO_DUPLICATE_NAME = 1207
const ARANGO_UNIQUE_CONSTRAINT_VIOLATED = 1210
const ARANGO_GRAPH_DUPLICATE = 1925

/**
 * Whether an error (or an array item's error) is another writer's concurrent write to the same
 * document, worth a retry: a write-write conflict (1200), or a unique constraint violated on the
 * primary index (1210). Every write here that can insert a document gives an overwriteMode, so
 * the primary index refuses it only when a concurrent insert of the same key won the race, as
 * clusters report it (arangodb/arangodb#19185). A 1210 on any other (user-made) unique index is
 * the record's own fault.
 */
export function isWriteRace(e: { errorNum?: number; errorMessage?: string; message?: string }): boolean {
  if (e.errorNum === ARANGO_CONFLICT) return true
  return (
    e.errorNum === ARANGO_UNIQUE_CONSTRAINT_VIOLATED &&
    /of type primary\b/.test(e.errorMessage ?? e.message ?? '')
  )
}

/** Errors that more of the same will not fix: stop instead of retrying forever. */
export function isPermanent(err: unknown): boolean {
  const e = err as { isArangoError?: boolean; code?: number; errorNum?: number; name?: string }
  if (e?.name === 'GraphpipeError') return true
  if (typeof e?.errorNum !== 'number') return false
  if (e.errorNum === ARANGO_COLLECTION_NOT_FOUND || isWriteRace(e)) return false
  // bad request, auth, forbidden, database not found, payload too large, not implemented;
  // 1210 on a user-made unique index (409 like a write-write conflict, but no retry fixes it)
  return (
    [400, 401, 403, 413, 501].includes(e.code ?? 0) ||
    e.errorNum === 1228 ||
    e.errorNum === ARANGO_UNIQUE_CONSTRAINT_VIOLATED
  )
}

/**
 * Items of an array request that failed because another transaction held their document fail
 * the whole request, to be sent again after a backoff: every write here is idempotent, and a
 * conflict is not the record's fault. (ArangoDB waits for the lock only in single-document
 * operations since 3.11, arangodb/arangodb#17693; an array item still fails with 1200, which
 * consumers writing the same users at once meet.)
 */
function throwOnConflict(items: unknown, collection: string): void {
  if (!Array.isArray(items)) return
  const c = (items as ItemResult[]).find((r) => r?.error && isWriteRace(r))
  if (c) throw itemFailure(collection, c)
}

/**
 * The error a failed array item makes of its request, as an AQL statement would fail: another
 * writer's concurrent write (`isWriteRace`) as a write-write conflict, worth a retry; any other
 * as a refusal (400: the record's fault).
 */
export function itemFailure(collection: string, item: ItemResult): Error {
  const race = isWriteRace(item)
  const message = item.errorMessage ?? (race ? 'write-write conflict' : 'error')
  return Object.assign(new Error(`${collection}: ${message}`), {
    errorNum: race ? ARANGO_CONFLICT : item.errorNum,
    code: race ? 409 : 400,
  })
}

export function describe(err: unknown): string {
  const e = err as {
    message?: string
    code?: unknown
    errorNum?: number
    cause?: { code?: string; message?: string }
  }
  const sys = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined)
  const base = String(e?.message ?? err).split('\n')[0]
  if (typeof e?.errorNum === 'number') return `ArangoDB error ${e.errorNum}: ${base}`
  return sys && !base.includes(sys) ? `${base} (${sys})` : base
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done(): void {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })

export class GraphWriter {
  protected readonly known = new Map<string, 'document' | 'edge'>()
  protected readonly timeoutMs: number
  private readonly initialMs: number
  private readonly maxMs: number
  protected graph?: GraphSpec

  constructor(
    protected readonly db: Database,
    protected readonly options: WriterOptions,
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? parseDuration(DEFAULTS.consume.requestTimeout)
    this.initialMs = options.retryInitialMs ?? DEFAULTS.consume.retryInitialMs
    this.maxMs = options.retryMaxMs ?? DEFAULTS.consume.retryMaxMs
  }

  /** Creates the mapping's collections, the dead-letter collection and the graph when missing. */
  async prepare(mapper: Mapper): Promise<void> {
    this.graph = mapper.graph
    await this.retry('create collections', async () => {
      for (const c of mapper.vertexCollections) await this.ensureCollection(c, 'document')
      for (const c of mapper.edgeCollections) await this.ensureCollection(c, 'edge')
      for (const d of mapper.graph?.edgeDefinitions ?? []) {
        await this.ensureCollection(d.collection, 'edge')
        for (const c of [...d.from, ...d.to]) await this.ensureCollection(c, 'document')
      }
      await this.ensureCollection(this.options.deadLetterCollection, 'document')
      if (this.options.versionsCollection)
        await this.ensureCollection(this.options.versionsCollection, 'document')
      if (mapper.graph) await this.ensureGraph(mapper.graph)
    })
  }

  protected async ensureCollection(name: string, type: 'document' | 'edge', force = false): Promise<void> {
    if (this.known.has(name) && !force) return
    const col = this.db.collection(name)
    if (!(await col.exists())) {
      try {
        if (type === 'edge') await this.db.createEdgeCollection(name)
        else await this.db.createCollection(name)
      } catch (err) {
        // another consumer created it first
        if ((err as { errorNum?: number }).errorNum !== ARANGO_DUPLICATE_NAME) throw err
      }
    }
    this.known.set(name, type)
  }

  protected async ensureGraph(spec: GraphSpec): Promise<void> {
    const g = this.db.graph(spec.name)
    if (await g.exists()) return
    try {
      await g.create(spec.edgeDefinitions)
    } catch (err) {
      if ((err as { errorNum?: number }).errorNum !== ARANGO_GRAPH_DUPLICATE) throw err
    }
  }

  /** Runs `fn` until it succeeds; transient failures wait 200 ms, 400 ms, ... up to 10 s, with jitter. */
  protected async retry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let attempt = 0
    let failed = false
    for (;;) {
      if (this.options.signal?.aborted)
        throw new GraphpipeError('CONSUME_ABORTED', `${what}: aborted`, EXIT.INTERRUPTED)
      try {
        const result = await fn()
        if (failed) this.options.onRecovered?.()
        return result
      } catch (err) {
        if (isPermanent(err)) {
          throw new GraphpipeError('CONSUME_WRITE_FAILED', `${what}: ${describe(err)}`, EXIT.FAILED)
        }
        if ((err as { errorNum?: number }).errorNum === ARANGO_COLLECTION_NOT_FOUND) {
          // dropped while we ran: create it again on the next attempt
          this.known.clear()
        }
        attempt += 1
        failed = true
        const cap = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(attempt - 1, 20))
        const delayMs = Math.round(cap / 2 + Math.random() * (cap / 2))
        this.options.onRetry?.({ attempt, delayMs, error: describe(err), what })
        await sleep(delayMs, this.options.signal)
      }
    }
  }

  /**
   * One array insert through the same REST call as arangojs `collection.saveAll`, issued with
   * `db.request` because only there can a request carry a timeout (a stopped server would
   * otherwise hold the write forever). Sent `silent` (the answer holds only the items that
   * failed, without their positions); when any failed, the same request again without it, for
   * the result of each item: every write here is idempotent (update, ignore, replace).
   */
  private async saveAll(
    collection: string,
    type: 'document' | 'edge',
    docs: unknown[],
    mode: OverwriteMode,
  ): Promise<ItemResult[]> {
    // [] when every item was written
    return this.retry(`write ${collection}`, async () => {
      if (!this.known.has(collection)) {
        await this.ensureCollection(collection, type, true)
        if (this.graph) await this.ensureGraph(this.graph)
      }
      const send = (silent: boolean) =>
        this.db.request(
          {
            method: 'POST',
            pathname: `/_api/document/${encodeURIComponent(collection)}`,
            body: docs,
            search: { overwriteMode: mode, silent },
            timeout: this.timeoutMs,
          },
          (r) => r.parsedBody,
        ) as Promise<ItemResult[] | Record<string, never>>
      const quiet = await send(true)
      if (!Array.isArray(quiet) || !quiet.some((r) => r?.error)) return []
      throwOnConflict(quiet, collection)
      const res = await send(false)
      if (!Array.isArray(res) || res.length !== docs.length) {
        throw new Error(`unexpected answer to an array insert into ${collection}`)
      }
      throwOnConflict(res, collection)
      return res
    })
  }

  private async writeStage(
    byColl: Map<string, PlanItem[]>,
    type: 'document' | 'edge',
    mode: OverwriteMode,
  ): Promise<number> {
    let written = 0
    for (const [collection, all] of byColl) {
      // parts of a record that failed in an earlier stage stay unwritten
      const items = all.filter((i) => i.sources.some((s) => !s.failed))
      if (items.length === 0) continue
      const results = await this.saveAll(
        collection,
        type,
        items.map((i) => i.doc),
        mode,
      )
      // no results: every item was written
      written += items.length
      results.forEach((r, i) => {
        if (r?.error) {
          const reason = `ArangoDB rejected ${collection}/${String(items[i].doc._key)}: ${r.errorMessage ?? 'error'} (errorNum ${r.errorNum})`
          for (const s of items[i].sources) s.failed ??= reason
          written -= 1
        }
      })
    }
    return written
  }

  /** The edge collections the mapping writes (where a deleted vertex's edges may be). */
  private planEdgeCollections(plan: WritePlan): string[] {
    const set = new Set(plan.unlinks.keys())
    for (const c of plan.edges.keys()) set.add(c)
    for (const [c, t] of this.known) if (t === 'edge') set.add(c)
    for (const d of this.graph?.edgeDefinitions ?? []) set.add(d.collection)
    return [...set]
  }

  /**
   * Arrival order's deletes, before the window's writes (the plan already dropped what came
   * before a delete): the deleted vertices with every edge from or to them, and unlinked edges.
   */
  private async writeDeletes(plan: WritePlan): Promise<number> {
    let removed = 0
    const ids = [...plan.deletes].flatMap(([c, keys]) => [...keys].map((k) => `${c}/${k}`))
    if (ids.length > 0)
      for (const ec of this.planEdgeCollections(plan))
        // _from and _to apart: each is an edge-index lookup, where an OR of the two may scan
        for (const end of ['_from', '_to']) {
          const n = await this.retry(`remove edges of deleted vertices from ${ec}`, () =>
            this.db
              .query(
                `FOR e IN @@c FILTER e.${end} IN @ids REMOVE e IN @@c OPTIONS {ignoreErrors: true} COLLECT WITH COUNT INTO n RETURN n`,
                { '@c': ec, ids },
                { timeout: this.timeoutMs },
              )
              .then((c) => c.all() as Promise<number[]>),
          )
          removed += n[0] ?? 0
        }
    for (const [c, keys] of [...plan.deletes, ...plan.unlinks]) {
      const res = await this.retry(`remove from ${c}`, async () => {
        if (!this.known.has(c)) return [] // nothing was ever written there by us
        const items = (await this.db.request(
          {
            method: 'DELETE',
            pathname: `/_api/document/${encodeURIComponent(c)}`,
            body: [...keys],
            timeout: this.timeoutMs,
          },
          (r) => r.parsedBody,
        )) as ItemResult[]
        throwOnConflict(items, c)
        return items
      })
      // a key that is not there answers 1202 (document not found) for that item: nothing to do
      removed += res.filter((r) => !r?.error).length
    }
    return removed
  }

  /** Writes a plan; resolves once everything in it is committed (or dead-lettered). */
  async write(plan: WritePlan): Promise<WriteResult> {
    const started = performance.now()
    const deletes = await this.writeDeletes(plan)
    const vertices =
      (await this.writeStage(plan.vertices, 'document', 'update')) +
      (await this.writeStage(plan.ensure, 'document', 'ignore'))
    const edges = await this.writeStage(plan.edges, 'edge', 'update')
    const dead = [...plan.deadLetters]
    for (const s of plan.sources as Source[])
      if (s.failed) dead.push(deadLetter(s.message, s.failed, s.recordIndex, s.record))
    await this.writeDeadLetters(dead)
    return {
      vertices,
      edges,
      deletes,
      deadLetters: dead.length,
      writeMs: Math.round(performance.now() - started),
    }
  }

  /** The dead letters with the consumer's topic and subscription on them. */
  protected stamped(docs: DeadLetterDoc[]): DeadLetterDoc[] {
    const o = this.options.origin
    if (!o?.topic && !o?.subscription) return docs
    return docs.map((d) => ({
      ...d,
      ...(o.topic ? { topic: o.topic } : {}),
      ...(o.subscription ? { subscription: o.subscription } : {}),
    }))
  }

  private async writeDeadLetters(all: DeadLetterDoc[]): Promise<void> {
    if (all.length === 0) return
    const docs = this.stamped(all)
    const coll = this.options.deadLetterCollection
    const results = await this.saveAll(coll, 'document', docs, 'replace')
    const refused = docs.filter((_, i) => results[i]?.error)
    if (refused.length > 0) {
      // e.g. a raw payload too big for a document: keep the facts, drop the payload
      const slim = refused.map((d) => ({ ...d, data: '', record: undefined, dataDropped: true }))
      const again = await this.saveAll(coll, 'document', slim, 'replace')
      const bad = again.find((r) => r?.error)
      if (bad) {
        throw new GraphpipeError(
          'CONSUME_DEADLETTER_FAILED',
          `cannot write to the dead-letter collection ${coll}: ${bad.errorMessage} (errorNum ${bad.errorNum})`,
        )
      }
    }
    if (this.options.publishDeadLetter) {
      const publish = this.options.publishDeadLetter
      await this.retry('publish dead letters', () =>
        Promise.all(docs.map((d) => publish(d))).then(() => undefined),
      )
    }
  }
}
