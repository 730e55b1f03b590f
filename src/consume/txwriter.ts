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
import type { Transaction } from 'arangojs/transactions'

import { GraphpipeError } from '../errors.js'
import { buildPlan, deadLetter, type DeadLetterDoc } from './batch.js'
import { buildEvents, WindowResolver, type EventBatch } from './ordered.js'
import { convertV1 } from './vertexstate.js'
import { FORMAT, FORMAT_KEY, isVersionDoc, versionKey, type VersionDoc } from './versions.js'
import { GraphWriter, itemFailure, type ItemResult, type WriteResult } from './writer.js'
import type { Inbound } from './batch.js'
import type { Doc, Mapper } from '../mapping/mapping.js'

export interface OrderedResult extends WriteResult {
  deletes: number
  superseded: number
  /** Documents read and written for the bookkeeping (the cost of ordering). */
  versionReads: number
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
    const [marker] = await this.getMany(undefined, vc, [FORMAT_KEY])
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
        await this.inTransaction([vc], async (trx) => {
          // another consumer may have converted some meanwhile: only those still there
          const legacy = (await this.getMany(trx, vc, part)).filter(
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
          const into = await this.getMany<VersionDoc>(trx, vc, [...targets])
          const docs = convertV1(legacy, into)
          if (docs.length > 0) await this.saveAllIn(trx, vc, docs, { overwriteMode: 'replace' })
          await this.q(trx, 'FOR k IN @keys REMOVE k IN @@vc OPTIONS {ignoreErrors: true}', {
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

  /**
   * Documents by key in one request (`PUT /_api/document/{c}?onlyget=true`, arangojs
   * `collection.documents`), inside the transaction when given; missing ones are left out.
   */
  private async getMany<T = Doc>(
    trx: Transaction | undefined,
    collection: string,
    keys: string[],
  ): Promise<T[]> {
    if (keys.length === 0) return []
    const req = () =>
      this.db.request(
        {
          method: 'PUT',
          pathname: `/_api/document/${encodeURIComponent(collection)}`,
          body: keys,
          search: { onlyget: true },
          timeout: this.timeoutMs,
        },
        (r) => r.parsedBody,
      )
    const res = (await (trx ? trx.step(req) : req())) as (Doc & { error?: boolean; errorNum?: number })[]
    if (!Array.isArray(res)) throw new Error(`unexpected answer to reading documents of ${collection}`)
    const out: T[] = []
    for (const d of res) {
      if (!d || d.error !== true) {
        if (d) out.push(d as T)
        continue
      }
      // 1202: not there (a key never written); anything else fails the step
      if (d.errorNum !== 1202) throw itemFailure(collection, d as ItemResult)
    }
    return out
  }

  /** Runs `fn` in a stream transaction writing `collections`; commits, or aborts when it throws. */
  private async inTransaction<T>(collections: string[], fn: (trx: Transaction) => Promise<T>): Promise<T> {
    const trx = this.db.transaction(
      (
        await this.db.request(
          {
            method: 'POST',
            pathname: '/_api/transaction/begin',
            body: { collections: { write: collections } },
            timeout: this.timeoutMs,
          },
          (r) => r.parsedBody as { result: { id: string } },
        )
      ).result.id,
    )
    try {
      const r = await fn(trx)
      await this.db.request({
        method: 'PUT',
        pathname: `/_api/transaction/${encodeURIComponent(trx.id)}`,
        timeout: this.timeoutMs,
      })
      return r
    } catch (err) {
      await this.db
        .request({ method: 'DELETE', pathname: `/_api/transaction/${encodeURIComponent(trx.id)}` })
        .catch(() => undefined)
      throw err
    }
  }

  /** One cursor request inside the transaction; the whole result in the first batch. */
  private async q<T = unknown>(
    trx: Transaction,
    query: string,
    bindVars: Record<string, unknown>,
  ): Promise<T[]> {
    const res = (await trx.step(() =>
      this.db.request(
        {
          method: 'POST',
          pathname: '/_api/cursor',
          body: { query, bindVars, batchSize: 1_000_000 },
          timeout: this.timeoutMs,
        },
        (r) => r.parsedBody,
      ),
    )) as { result: T[]; hasMore?: boolean }
    return res.result
  }

  /**
   * One array insert (`POST /_api/document/{collection}`) inside the transaction, `silent`: the
   * answer holds only the items that failed. Its items fail one by one without failing the
   * request: the first failure fails the step as an AQL INSERT would, as a write-write conflict
   * (1200, or 1210 on the primary index: `isWriteRace`; worth a retry) or as a refusal (split and
   * dead-letter).
   */
  private async saveAllIn(
    trx: Transaction,
    collection: string,
    docs: unknown[],
    search: Record<string, string | boolean>,
  ): Promise<void> {
    const res = (await trx.step(() =>
      this.db.request(
        {
          method: 'POST',
          pathname: `/_api/document/${encodeURIComponent(collection)}`,
          body: docs,
          search: { ...search, silent: true },
          timeout: this.timeoutMs,
        },
        (r) => r.parsedBody,
      ),
    )) as ItemResult[] | Record<string, never>
    const bad = Array.isArray(res) ? res.find((r) => r?.error) : undefined
    if (bad) throw itemFailure(collection, bad)
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
    // (no spread of the lists into a new array per record: a window has many)
    for (const { group } of batch.events) {
      for (const o of group.edges) set.add(o.collection)
      if (group.unlinks) for (const o of group.unlinks) set.add(o.collection)
    }
    return [...set]
  }

  private async attempt(batch: EventBatch, options: OrderedOptions): Promise<OrderedResult> {
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
    for (const { group } of batch.events) {
      for (const o of group.vertices) colls.add(o.collection)
      for (const o of group.ensure) colls.add(o.collection)
      if (group.deletes) for (const o of group.deletes) colls.add(o.collection)
    }
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
      const keys = resolver.wanted()
      const stored = await this.getMany<VersionDoc>(trx, vc, keys)
      let reads = stored.length
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
            for (const e of await this.q<{ _key: string; _from: string; _to: string }>(
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
          const more = await this.getMany<VersionDoc>(trx, vc, resolver.owners(found.map((f) => f.doc)))
          reads += found.length + more.length
          resolver.add(more)
          resolver.addEdges(found)
        }
        lap('read')
      }
      const w = resolver.writes()
      lap('resolve')
      // array requests of the document API inside the transaction, not AQL INSERT loops: the
      // same effect, and cheaper on the server (no bind-parameter array walked by a query)
      for (const [c, docs] of w.upserts)
        await this.saveAllIn(trx, c, docs, { overwriteMode: 'update', keepNull: false, mergeObjects: false })
      for (const [c, docs] of w.edges) await this.saveAllIn(trx, c, docs, { overwriteMode: 'replace' })
      for (const [c, keys] of w.removes)
        await this.q(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', { '@c': c, keys })
      const dead = this.stamped(batch.deadLetters)
      if (dead.length > 0) await this.saveAllIn(trx, dl, dead, { overwriteMode: 'replace' })
      const also = options.alsoWrite?.docs({
        vertices: w.vertices,
        edges: w.edgeCount,
        deadLetters: batch.deadLetters.length,
        deletes: w.deletes,
      })
      if (also && also.length > 0)
        await this.saveAllIn(trx, options.alsoWrite!.collection, also, { overwriteMode: 'replace' })
      lap('data')
      if (w.versions.length > 0) await this.saveAllIn(trx, vc, w.versions, { overwriteMode: 'replace' })
      if (w.versionRemoves.length > 0)
        await this.q(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', {
          '@c': vc,
          keys: w.versionRemoves,
        })
      const now = Date.now()
      const purging = now - this.lastPurge >= (options.purgeEveryMs ?? 60_000)
      let purgedAll = true
      if (purging) {
        // tombstones older than the TTL: an event older than that may bring back what was deleted
        const cutoff = now - options.tombstoneTtlMs
        const old = await this.q<VersionDoc>(
          trx,
          'FOR d IN @@c FILTER d.tomb != null AND d.tomb < @cutoff LIMIT @n RETURN d',
          { '@c': vc, cutoff, n: PURGE_BATCH },
        )
        purgedAll = old.length < PURGE_BATCH
        const p = WindowResolver.purge(old, cutoff)
        if (p.versions.length > 0) await this.saveAllIn(trx, vc, p.versions, { overwriteMode: 'replace' })
        // format 1 documents left by an older consumer (and newer ones left empty) go whole
        const gone = [...p.removes, ...old.filter((d) => !isVersionDoc(d)).map((d) => d._key)]
        if (gone.length > 0)
          await this.q(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', {
            '@c': vc,
            keys: gone,
          })
      }
      lap('versions')
      await end('PUT')
      lap('commit')
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
