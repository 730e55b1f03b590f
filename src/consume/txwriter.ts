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
import type { Transaction } from 'arangojs/transactions'

import { GraphpipeError } from '../errors.js'
import { buildPlan, deadLetter, type DeadLetterDoc } from './batch.js'
import {
  buildEvents,
  edgeVersionKey,
  WindowResolver,
  type EState,
  type EventBatch,
  type VersionDoc,
} from './ordered.js'
import { GraphWriter, type WriteResult } from './writer.js'
import type { Inbound } from './batch.js'
import type { Mapper } from '../mapping/mapping.js'

export interface OrderedResult extends WriteResult {
  deletes: number
  superseded: number
  /** Documents read and written for the bookkeeping (the cost of ordering). */
  versionReads: number
  versionWrites: number
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

/** ArangoDB's write-write conflict: another transaction holds the document; a retry may pass. */
const ARANGO_CONFLICT = 1200

export class OrderedWriter extends GraphWriter {
  private lastPurge = 0
  private mapper?: Mapper

  get versionsCollection(): string {
    return this.options.versionsCollection ?? 'graphpipe_versions'
  }

  override async prepare(mapper: Mapper): Promise<void> {
    this.mapper = mapper
    this.options.versionsCollection ??= 'graphpipe_versions'
    await super.prepare(mapper)
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
   * One array insert (`POST /_api/document/{collection}`) inside the transaction. Its items fail
   * one by one without failing the request: the first failure fails the step as an AQL INSERT
   * would, as a write-write conflict (1200, worth a retry) or as a refusal (split and dead-letter).
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
          search: { ...search, silent: false },
          timeout: this.timeoutMs,
        },
        (r) => r.parsedBody,
      ),
    )) as { error?: boolean; errorNum?: number; errorMessage?: string }[]
    const bad = Array.isArray(res) ? res.find((r) => r?.error) : undefined
    if (!Array.isArray(res) || res.length !== docs.length)
      throw new Error(`unexpected answer to an array insert into ${collection}`)
    if (bad) {
      const conflict = bad.errorNum === ARANGO_CONFLICT
      throw Object.assign(new Error(`${collection}: ${bad.errorMessage ?? 'error'}`), {
        errorNum: bad.errorNum,
        code: conflict ? 409 : 400,
      })
    }
  }

  /** Writes one window's messages in event-time order semantics; resolves once committed. */
  async writeOrdered(messages: Inbound[], options: OrderedOptions): Promise<OrderedResult> {
    const started = performance.now()
    const batch = await buildEvents(messages, this.mapper!)
    const result = await this.writeBatch(batch, options)
    return { ...result, writeMs: Math.round(performance.now() - started) }
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
    try {
      const resolver = new WindowResolver(batch.events, options.edgeKey)
      const keys = resolver.wanted()
      const stored =
        keys.length === 0
          ? []
          : await this.q<VersionDoc>(trx, 'FOR d IN @@vc FILTER d._key IN @keys RETURN d', {
              '@vc': vc,
              keys,
            })
      let reads = stored.length
      resolver.load(stored)
      const deleted = resolver.deletedIds()
      if (deleted.length > 0) {
        for (const ec of edgeColls) {
          // _from and _to apart: each is an edge-index lookup, where an OR of the two may scan
          const edges: { _key: string; _from: string; _to: string }[] = []
          const seen = new Set<string>()
          for (const end of ['_from', '_to'])
            for (const e of await this.q<{ _key: string; _from: string; _to: string }>(
              trx,
              `FOR e IN @@ec FILTER e.${end} IN @ids RETURN {_key: e._key, _from: e._from, _to: e._to}`,
              { '@ec': ec, ids: deleted },
            ))
              if (!seen.has(e._key)) {
                seen.add(e._key)
                edges.push(e)
              }
          if (edges.length === 0) continue
          const vers = await this.q<EState>(trx, 'FOR d IN @@vc FILTER d._key IN @keys RETURN d', {
            '@vc': vc,
            keys: edges.map((e) => edgeVersionKey(ec, e._key)),
          })
          reads += edges.length + vers.length
          resolver.addEdges(
            edges.map((doc) => ({ collection: ec, doc })),
            vers,
          )
        }
      }
      const w = resolver.writes()
      // array requests of the document API inside the transaction, not AQL INSERT loops: the
      // same effect, and cheaper on the server (no bind-parameter array walked by a query)
      for (const [c, docs] of w.upserts)
        await this.saveAllIn(trx, c, docs, { overwriteMode: 'update', keepNull: false, mergeObjects: false })
      for (const [c, docs] of w.edges) await this.saveAllIn(trx, c, docs, { overwriteMode: 'replace' })
      for (const [c, keys] of w.removes)
        await this.q(trx, 'FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', { '@c': c, keys })
      if (w.versions.length > 0) await this.saveAllIn(trx, vc, w.versions, { overwriteMode: 'replace' })
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
      const now = Date.now()
      if (now - this.lastPurge >= (options.purgeEveryMs ?? 60_000)) {
        // tombstones older than the TTL: an event older than that may bring back what was deleted
        await this.q(trx, 'FOR d IN @@c FILTER d.tomb != null AND d.tomb < @cutoff REMOVE d IN @@c', {
          '@c': vc,
          cutoff: now - options.tombstoneTtlMs,
        })
      }
      await end('PUT')
      if (now - this.lastPurge >= (options.purgeEveryMs ?? 60_000)) this.lastPurge = now
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
        versionWrites: w.versions.length,
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
): Promise<WriteResult & { deletes: number; superseded: number }> {
  if (writer instanceof OrderedWriter) return writer.writeOrdered(messages, options)
  return { deletes: 0, superseded: 0, ...(await writer.write(await buildPlan(messages, mapper, options))) }
}
