/**
 * The ordered, atomic window write: one stream transaction per window holding the reads of the
 * bookkeeping, the vertex patches, the edges, the deletes, the new bookkeeping and the dead
 * letters; it commits whole or not at all (a crash or an outage leaves nothing of it, and the
 * redelivered messages write it whole). Every step is an AQL cursor request carrying the
 * transaction id, as ArangoDB's stream transactions take them (arangojs `trx.step`).
 *
 * A window the server refuses for good (not an outage) is split in halves and written part by
 * part — splitting cannot change the result, writes are order-independent — until the one
 * message at fault is dead-lettered with the server's reason.
 */
import type { EnsurePersistentIndexOptions } from 'arangojs/indexes'

import { DEFAULTS } from '../config/defaults.js'
import { GraphpipeError } from '../errors.js'
import { buildPlan, deadLetter, type DeadLetterDoc } from './batch.js'
import { buildEvents, WindowResolver, type EventBatch } from './ordered.js'
import { convertV1 } from './vertexstate.js'
import { TxSteps } from './txsteps.js'
import { StaleVersions, VersionCache, type Held } from './versioncache.js'
import { FORMAT, FORMAT_KEY, isVersionDoc, versionKey, type VersionDoc } from './versions.js'
import { GraphWriter, type WriteResult } from './writer.js'
import type { Inbound } from './batch.js'
import type { Mapper } from '../mapping/mapping.js'

export interface OrderedResult extends WriteResult {
  deletes: number
  superseded: number
  /** Documents read and written for the bookkeeping (the cost of ordering). */
  versionReads: number
  /** Bookkeeping documents not read because this writer held them (each checked by its `_rev`). */
  versionCached?: number
  versionWrites: number
  /** Where the write's time went (ms), for the benchmark and --json. */
  phases?: WritePhases
}

/** A window's write by step: wall ms (summed over retries and splits). */
export interface WritePhases {
  /** Begin the transaction. */
  begin: number
  /** Read the bookkeeping (and a delete's edges). */
  read: number
  /** Resolve in the consumer (no request). */
  resolve: number
  /** Vertex, edge, remove and dead-letter requests. */
  data: number
  /** Bookkeeping writes (and the purge). */
  versions: number
  commit: number
}

export interface OrderedOptions {
  edgeKey?: string[]
  tombstoneTtlMs: number
  /** How often tombstones older than the TTL are purged (inside a window's transaction). */
  purgeEveryMs?: number
  /**
   * Documents written (replaced) in the window's transaction after its data, e.g. a resumable
   * import's checkpoint: committed with the window or not at all, made from what the window
   * writes. A window split to find a refused record writes them with its last part only (given
   * the counts of all its parts).
   */
  alsoWrite?: { collection: string; docs(window: WindowCounts): Record<string, unknown>[] }
}

/** What a window writes, as alsoWrite sees it before the commit. */
export interface WindowCounts {
  vertices: number
  edges: number
  deadLetters: number
  deletes: number
}

/**
 * Windows that read every bookkeeping document after held ones went stale, the first time, and at
 * most (doubling each time it happens again).
 */
const FIRST_CACHE_PAUSE = 8
const MAX_CACHE_PAUSE = 256

/** Bookkeeping documents with old tombstones handled per window's purge. */
const PURGE_BATCH = 5000

/**
 * The purge's index: without it, each purge read every bookkeeping document (1.5 s at 200,000
 * vertices on the embedded engine, inside a window's transaction); with it, 17 ms. Sparse: only
 * the few documents holding a tombstone are in it. ArangoDB uses a sparse index only where the
 * filter excludes null, hence the purge's `d.tomb != null`
 * (https://docs.arangodb.com/3.12/index-and-search/indexing/index-utilization).
 */
export const TOMB_INDEX: EnsurePersistentIndexOptions = {
  type: 'persistent',
  name: 'graphpipe_tomb',
  fields: ['tomb'],
  sparse: true,
}

const noPhases = (): WritePhases => ({ begin: 0, read: 0, resolve: 0, data: 0, versions: 0, commit: 0 })

export class OrderedWriter extends GraphWriter {
  private lastPurge = 0
  private readonly steps = new TxSteps(this.db, this.timeoutMs)
  /** Windows still to write without the cache, and how many the next stale one pauses it for. */
  private cacheRest = 0
  private cachePause = FIRST_CACHE_PAUSE
  private readonly cache = new VersionCache(
    this.options.versionCacheDocs ?? DEFAULTS.consume.versionCacheDocs,
  )
  private mapper?: Mapper
  /** The current window's steps (reset by writeOrdered). */
  private phases: WritePhases = noPhases()

  get versionsCollection(): string {
    return this.options.versionsCollection ?? 'graphpipe_versions'
  }

  override async prepare(mapper: Mapper): Promise<void> {
    this.mapper = mapper
    this.options.versionsCollection ??= 'graphpipe_versions'
    await super.prepare(mapper)
    await this.retry('convert the bookkeeping', () => this.migrate())
  }

  /** The bookkeeping collection gets its purge index whenever it is (re)created or first seen. */
  protected override async ensureCollection(
    name: string,
    type: 'document' | 'edge',
    force = false,
  ): Promise<void> {
    const seen = this.known.has(name) && !force
    await super.ensureCollection(name, type, force)
    if (!seen && name === this.versionsCollection) await this.db.collection(name).ensureIndex(TOMB_INDEX)
  }

  /**
   * Bookkeeping of format 1 (one document per vertex and per edge, written before this version)
   * is converted to format 3 (one document per vertex, its edges inside; format 2 documents are
   * read as they are) before the first window: batches of documents, each converted in one
   * transaction (merged by max into what is there, so consumers converting at the same time
   * change nothing twice), then the marker `{v: 3}`.
   * Resolves with the number of format 1 documents converted.
   */
  async migrate(batch = 2000): Promise<number> {
    const vc = this.versionsCollection
    const [marker] = await this.steps.getMany(undefined, vc, [FORMAT_KEY])
    if (marker && (marker as { v?: number }).v === FORMAT) return 0
    let converted = 0
    for (;;) {
      const keys = (await (
        await this.db.query('FOR d IN @@vc FILTER d.kind != null LIMIT @n RETURN d._key', {
          '@vc': vc,
          n: batch * 10,
        })
      ).all()) as string[]
      if (keys.length === 0) break
      for (let i = 0; i < keys.length; i += batch) {
        const part = keys.slice(i, i + batch)
        await this.steps.inTransaction([vc], async (trx) => {
          // another consumer may have converted some meanwhile: only those still there
          const legacy = (await this.steps.getMany(trx, vc, part)).filter(
            (d) => (d as { kind?: string }).kind !== undefined,
          ) as Record<string, unknown>[]
          if (legacy.length === 0) return
          const targets = new Set<string>()
          for (const d of legacy) {
            if (d.kind === 'v') targets.add(versionKey(d.c as string, d.k as string))
            else {
              const from = d.from as string
              const j = from.indexOf('/')
              targets.add(versionKey(from.slice(0, j), from.slice(j + 1)))
            }
          }
          const into = await this.steps.getMany<VersionDoc>(trx, vc, [...targets])
          const docs = convertV1(legacy, into)
          if (docs.length > 0) await this.steps.saveAllIn(trx, vc, docs, { overwriteMode: 'replace' })
          await this.steps.query(trx, 'FOR k IN @keys REMOVE k IN @@vc OPTIONS {ignoreErrors: true}', {
            '@vc': vc,
            keys: legacy.map((d) => d._key),
          })
          converted += legacy.length
        })
      }
    }
    await this.db.request({
      method: 'POST',
      pathname: `/_api/document/${encodeURIComponent(vc)}`,
      body: { _key: FORMAT_KEY, v: FORMAT },
      search: { overwriteMode: 'replace', silent: true },
      timeout: this.timeoutMs,
    })
    return converted
  }

  /** Writes one window's messages in event-time order semantics; resolves once committed. */
  async writeOrdered(messages: Inbound[], options: OrderedOptions): Promise<OrderedResult> {
    const started = performance.now()
    this.phases = noPhases()
    const batch = await buildEvents(messages, this.mapper!)
    this.phases.resolve += performance.now() - started
    const result = await this.writeBatch(batch, options)
    const phases = Object.fromEntries(
      Object.entries(this.phases).map(([k, v]) => [k, Math.round(v)]),
    ) as unknown as WritePhases
    return { ...result, phases, writeMs: Math.round(performance.now() - started) }
  }

  private async writeBatch(batch: EventBatch, options: OrderedOptions): Promise<OrderedResult> {
    try {
      return await this.retry('write window', () => this.attempt(batch, options))
    } catch (err) {
      if (!(err instanceof GraphpipeError) || err.code !== 'CONSUME_WRITE_FAILED') throw err
      // refused for good: find the record at fault by halves (a record is all or nothing)
      const units = [...new Set(batch.events.map((e) => e.source))]
      if (units.length <= 1) {
        const src = units[0]
        if (!src) throw err
        const reason = `ArangoDB rejected the record: ${err.message.replace(/^write window: /, '')}`
        const dead: DeadLetterDoc[] = [
          ...batch.deadLetters,
          deadLetter(src.message, reason, src.recordIndex, src.record),
        ]
        return this.retry('write dead letters', () =>
          this.attempt({ events: [], deadLetters: dead, sources: [] }, options),
        )
      }
      const half = new Set(units.slice(0, Math.ceil(units.length / 2)))
      const a = await this.writeBatch(
        {
          events: batch.events.filter((e) => half.has(e.source)),
          deadLetters: batch.deadLetters,
          sources: [],
        },
        { ...options, alsoWrite: undefined },
      )
      const also = options.alsoWrite
      const b = await this.writeBatch(
        { events: batch.events.filter((e) => !half.has(e.source)), deadLetters: [], sources: [] },
        also
          ? {
              ...options,
              alsoWrite: {
                collection: also.collection,
                docs: (c) =>
                  also.docs({
                    vertices: a.vertices + c.vertices,
                    edges: a.edges + c.edges,
                    deadLetters: a.deadLetters + c.deadLetters,
                    deletes: a.deletes + c.deletes,
                  }),
              },
            }
          : options,
      )
      return {
        vertices: a.vertices + b.vertices,
        edges: a.edges + b.edges,
        deadLetters: a.deadLetters + b.deadLetters,
        deletes: a.deletes + b.deletes,
        superseded: a.superseded + b.superseded,
        versionReads: a.versionReads + b.versionReads,
        versionWrites: a.versionWrites + b.versionWrites,
        writeMs: 0,
      }
    }
  }

  private edgeCollections(batch: EventBatch): string[] {
    const set = new Set(this.mapper?.edgeCollections ?? [])
    for (const d of this.mapper?.graph?.edgeDefinitions ?? []) set.add(d.collection)
    for (const { group } of batch.events)
      for (const o of [...group.edges, ...(group.unlinks ?? [])]) set.add(o.collection)
    return [...set]
  }

  private async attempt(batch: EventBatch, options: OrderedOptions): Promise<OrderedResult> {
    const withCache = this.cacheRest === 0
    if (!withCache) this.cacheRest -= 1
    try {
      const r = await this.attemptOnce(batch, options, withCache)
      if (withCache) this.cachePause = FIRST_CACHE_PAUSE
      return r
    } catch (err) {
      if (!(err instanceof StaleVersions)) throw err
      // another writer changed held documents (competing consumers on the same vertices): they
      // are forgotten, the window is written again at once reading everything (not a failure:
      // retry()'s backoff is for the server's troubles), and the next windows read everything
      // too, for longer each time it happens again: a cache that keeps going stale costs a
      // wasted try per window
      for (const k of err.keys) this.cache.delete(k)
      this.cacheRest = this.cachePause
      this.cachePause = Math.min(MAX_CACHE_PAUSE, this.cachePause * 2)
      return this.attemptOnce(batch, options, false)
    }
  }

  private async attemptOnce(
    batch: EventBatch,
    options: OrderedOptions,
    useCache: boolean,
  ): Promise<OrderedResult> {
    const phases = this.phases
    let mark = performance.now()
    const lap = (k: keyof WritePhases) => {
      const t = performance.now()
      phases[k] += t - mark
      mark = t
    }
    const vc = this.versionsCollection
    const dl = this.options.deadLetterCollection
    const edgeColls = this.edgeCollections(batch)
    const colls = new Set([vc, dl, ...edgeColls, ...(this.mapper?.vertexCollections ?? [])])
    if (options.alsoWrite) colls.add(options.alsoWrite.collection)
    for (const { group } of batch.events)
      for (const o of [...group.vertices, ...group.ensure, ...(group.deletes ?? [])]) colls.add(o.collection)
    for (const c of colls)
      if (!this.known.has(c))
        await this.ensureCollection(c, edgeColls.includes(c) ? 'edge' : 'document', true)

    // begin, commit and abort as arangojs sends them, but bounded: a server that stops answering
    // must turn into a retry, not a hang. A begin given up on is aborted once it is answered,
    // or the orphan would hold its collections until the server's idle timeout.
    const beginning = this.db.request(
      { method: 'POST', pathname: '/_api/transaction/begin', body: { collections: { write: [...colls] } } },
      (r) => r.parsedBody as { result: { id: string } },
    )
    let timer: NodeJS.Timeout | undefined
    const begun = await Promise.race([
      beginning,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer to beginning a transaction in ${this.timeoutMs} ms`)),
          this.timeoutMs,
        )
      }),
    ])
      .catch((err: unknown) => {
        beginning
          .then((b) =>
            this.db.request({
              method: 'DELETE',
              pathname: `/_api/transaction/${encodeURIComponent(b.result.id)}`,
            }),
          )
          .catch(() => undefined)
        throw err
      })
      .finally(() => clearTimeout(timer))
    const trx = this.db.transaction(begun.result.id)
    const end = (method: 'PUT' | 'DELETE') =>
      this.db.request({
        method,
        pathname: `/_api/transaction/${encodeURIComponent(trx.id)}`,
        timeout: this.timeoutMs,
      })
    lap('begin')
    try {
      const resolver = new WindowResolver(batch.events, options.edgeKey)
      // the documents held from earlier windows are not read again (their _rev is checked below)
      const held = new Map<string, Held>()
      const miss: string[] = []
      for (const k of resolver.wanted()) {
        const h = useCache ? this.cache.get(k) : undefined
        if (h === undefined) miss.push(k)
        else held.set(k, h)
      }
      const fresh = await this.steps.getMany<VersionDoc>(trx, vc, miss)
      let reads = fresh.length
      const stored = fresh.slice()
      for (const h of held.values()) if (h) stored.push(h)
      lap('read')
      resolver.load(stored)
      const deleted = resolver.deletedIds()
      lap('resolve')
      if (deleted.length > 0) {
        const found: { collection: string; doc: { _key: string; _from: string; _to: string } }[] = []
        for (const ec of edgeColls) {
          // _from and _to apart: each is an edge-index lookup, where an OR of the two may scan
          const seen = new Set<string>()
          for (const end of ['_from', '_to'])
            for (const e of await this.steps.query<{ _key: string; _from: string; _to: string }>(
              trx,
              `FOR e IN @@ec FILTER e.${end} IN @ids RETURN {_key: e._key, _from: e._from, _to: e._to}`,
              { '@ec': ec, ids: deleted },
            ))
              if (!seen.has(e._key)) {
                seen.add(e._key)
                found.push({ collection: ec, doc: e })
              }
        }
        if (found.length > 0) {
          // an edge's bookkeeping is in its _from vertex's document
          const more = await this.steps.getMany<VersionDoc>(trx, vc, resolver.owners(found.map((f) => f.doc)))
          reads += found.length + more.length
          resolver.add(more)
          resolver.addEdges(found)
        }
        lap('read')
      }
      const w = resolver.writes()
      lap('resolve')
      // bookkeeping first, on the bases it was resolved from: a window resolved on documents
      // another writer has changed since stops here, before any of its data is written
      const writing = new Set(w.versions.map((d) => d._key))
      reads += await this.steps.checkHeld(trx, vc, held, writing)
      lap('read')
      if (useCache) await this.steps.writeVersions(trx, vc, (k) => resolver.base(k)?._rev, w.versions)
      // every base was read in this transaction: written as it is, answered only with failures
      else if (w.versions.length > 0)
        await this.steps.saveAllIn(trx, vc, w.versions, { overwriteMode: 'replace' })
      lap('versions')
      // array requests of the document API inside the transaction, not AQL INSERT loops: the
      // same effect, and cheaper on the server (no bind-parameter array walked by a query)
      for (const [c, docs] of w.upserts)
        await this.steps.saveAllIn(trx, c, docs, {
          overwriteMode: 'update',
          keepNull: false,
          mergeObjects: false,
        })
      for (const [c, docs] of w.edges) await this.steps.saveAllIn(trx, c, docs, { overwriteMode: 'replace' })
      for (const [c, keys] of w.removes)
        await this.steps.query(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', {
          '@c': c,
          keys,
        })
      const dead = this.stamped(batch.deadLetters)
      if (dead.length > 0) await this.steps.saveAllIn(trx, dl, dead, { overwriteMode: 'replace' })
      const also = options.alsoWrite?.docs({
        vertices: w.vertices,
        edges: w.edgeCount,
        deadLetters: batch.deadLetters.length,
        deletes: w.deletes,
      })
      if (also && also.length > 0)
        await this.steps.saveAllIn(trx, options.alsoWrite!.collection, also, { overwriteMode: 'replace' })
      lap('data')
      if (w.versionRemoves.length > 0)
        await this.steps.query(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', {
          '@c': vc,
          keys: w.versionRemoves,
        })
      const now = Date.now()
      const purging = now - this.lastPurge >= (options.purgeEveryMs ?? 60_000)
      let purgedAll = true
      const purged: string[] = []
      if (purging) {
        // tombstones older than the TTL: an event older than that may bring back what was deleted
        const cutoff = now - options.tombstoneTtlMs
        const old = await this.steps.query<VersionDoc>(
          trx,
          'FOR d IN @@c FILTER d.tomb != null AND d.tomb < @cutoff LIMIT @n RETURN d',
          { '@c': vc, cutoff, n: PURGE_BATCH },
        )
        purgedAll = old.length < PURGE_BATCH
        const p = WindowResolver.purge(old, cutoff)
        for (const d of old) purged.push(d._key)
        if (p.versions.length > 0)
          await this.steps.saveAllIn(trx, vc, p.versions, { overwriteMode: 'replace' })
        // format 1 documents left by an older consumer (and newer ones left empty) go whole
        const gone = [...p.removes, ...old.filter((d) => !isVersionDoc(d)).map((d) => d._key)]
        if (gone.length > 0)
          await this.steps.query(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', {
            '@c': vc,
            keys: gone,
          })
      }
      lap('versions')
      await end('PUT')
      lap('commit')
      // what the server now holds: the documents written (with their new _rev), removed, read
      const found = new Set<string>()
      for (const d of fresh) {
        found.add(d._key)
        if (!writing.has(d._key)) this.cache.set(d._key, d)
      }
      for (const k of miss) if (!found.has(k) && !writing.has(k)) this.cache.set(k, null)
      // (without the cache, the new _rev of what was written is not known)
      for (const d of w.versions)
        if (useCache) this.cache.set(d._key, d)
        else this.cache.delete(d._key)
      for (const k of w.versionRemoves) this.cache.set(k, null)
      for (const k of purged) this.cache.delete(k)
      // a purge that hit its limit goes on with the next window
      if (purging && purgedAll) this.lastPurge = now
      if (this.options.publishDeadLetter && dead.length > 0) {
        const publish = this.options.publishDeadLetter
        await this.retry('publish dead letters', () =>
          Promise.all(dead.map((d) => publish(d))).then(() => undefined),
        )
      }
      return {
        vertices: w.vertices,
        edges: w.edgeCount,
        deadLetters: batch.deadLetters.length,
        deletes: w.deletes,
        superseded: w.superseded,
        versionReads: reads,
        versionCached: held.size,
        versionWrites: w.versions.length + w.versionRemoves.length,
        writeMs: 0,
      }
    } catch (err) {
      // nothing of this window stays behind; retry() decides between again and give up
      await end('DELETE').catch(() => undefined)
      throw err
    }
  }
}

/** Writes one batch of messages as one of the consumer's windows; resolves once committed. */
export async function writeMessages(
  writer: GraphWriter,
  mapper: Mapper,
  messages: Inbound[],
  options: { edgeKey?: string[]; tombstoneTtlMs: number },
): Promise<WriteResult & { deletes: number; superseded: number; phases?: WritePhases }> {
  if (writer instanceof OrderedWriter) return writer.writeOrdered(messages, options)
  return { deletes: 0, superseded: 0, ...(await writer.write(await buildPlan(messages, mapper, options))) }
}
