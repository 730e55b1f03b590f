/**
 * The requests of an ordered window, each one step of a stream transaction as ArangoDB takes them
 * (arangojs `trx.step`): reads by key, AQL, array writes, and the bookkeeping written on the
 * bases it was resolved from (`_rev` preconditions, see versioncache.ts). Errors carry ArangoDB's
 * `errorNum` and a `code`: 409 for a write-write conflict (worth a retry), 400 for a refusal.
 */
import type { Database } from 'arangojs'
import type { Transaction } from 'arangojs/transactions'

import { StaleVersions, type Held } from './versioncache.js'
import type { VersionDoc } from './versions.js'
import type { Doc } from '../mapping/mapping.js'

/** ArangoDB's write-write conflict: another transaction holds the document; a retry may pass. */
export const ARANGO_CONFLICT = 1200

/**
 * A precondition of a bookkeeping write another writer broke: a changed `_rev` (1200), a document
 * removed (1202) or made (1210) meanwhile.
 */
const PRECONDITION_FAILED = new Set([ARANGO_CONFLICT, 1202, 1210])

export class TxSteps {
  constructor(
    private readonly db: Database,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Documents by key in one request (`PUT /_api/document/{c}?onlyget=true`, arangojs
   * `collection.documents`), inside the transaction when given; missing ones are left out.
   */
  async getMany<T = Doc>(trx: Transaction | undefined, collection: string, keys: string[]): Promise<T[]> {
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
      if (d.errorNum !== 1202)
        throw Object.assign(new Error(`${collection}: ${String(d.errorMessage ?? 'error')}`), {
          errorNum: d.errorNum,
          code: d.errorNum === ARANGO_CONFLICT ? 409 : 400,
        })
    }
    return out
  }

  /** Runs `fn` in a stream transaction writing `collections`; commits, or aborts when it throws. */
  async inTransaction<T>(collections: string[], fn: (trx: Transaction) => Promise<T>): Promise<T> {
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
  async query<T = unknown>(trx: Transaction, query: string, bindVars: Record<string, unknown>): Promise<T[]> {
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
   * (1200, worth a retry) or as a refusal (split and dead-letter).
   */
  async saveAllIn(
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
    )) as { error?: boolean; errorNum?: number; errorMessage?: string }[] | Record<string, never>
    const bad = Array.isArray(res) ? res.find((r) => r?.error) : undefined
    if (bad) {
      const conflict = bad.errorNum === ARANGO_CONFLICT
      throw Object.assign(new Error(`${collection}: ${bad.errorMessage ?? 'error'}`), {
        errorNum: bad.errorNum,
        code: conflict ? 409 : 400,
      })
    }
  }

  /**
   * Held documents the window decided on without writing them (or removes, which carry no
   * precondition): read inside the transaction and compared by `_rev`. Resolves with the number
   * read; throws when one changed.
   */
  async checkHeld(
    trx: Transaction,
    vc: string,
    held: Map<string, Held>,
    writing: Set<string>,
  ): Promise<number> {
    const check: string[] = []
    for (const k of held.keys()) if (!writing.has(k)) check.push(k)
    if (check.length === 0) return 0
    const now = new Map<string, VersionDoc>()
    for (const d of await this.getMany<VersionDoc>(trx, vc, check)) now.set(d._key, d)
    const stale = check.filter((k) => {
      const h = held.get(k)!
      const cur = now.get(k)
      return h === null ? cur !== undefined : cur?._rev !== h._rev
    })
    if (stale.length > 0) throw new StaleVersions(stale)
    return now.size
  }

  /**
   * The window's bookkeeping documents, each on the base its vertex was resolved from: replaced
   * with that base's `_rev` as a precondition (ArangoDB's `ignoreRevs=false`), or inserted where
   * there was none (a document made meanwhile fails it, 1210). Each document gets its new `_rev`.
   */
  async writeVersions(
    trx: Transaction,
    vc: string,
    baseRev: (key: string) => string | undefined,
    docs: VersionDoc[],
  ): Promise<void> {
    const replace: VersionDoc[] = []
    const insert: VersionDoc[] = []
    for (const d of docs) {
      const rev = baseRev(d._key)
      if (rev !== undefined) {
        d._rev = rev
        replace.push(d)
      } else insert.push(d)
    }
    const stale: string[] = []
    const send = async (method: 'PUT' | 'POST', list: VersionDoc[], search: Record<string, boolean>) => {
      if (list.length === 0) return
      const res = (await trx.step(() =>
        this.db.request(
          {
            method,
            pathname: `/_api/document/${encodeURIComponent(vc)}`,
            body: list,
            search,
            timeout: this.timeoutMs,
          },
          (r) => r.parsedBody,
        ),
      )) as { _rev?: string; error?: boolean; errorNum?: number; errorMessage?: string }[]
      if (!Array.isArray(res) || res.length !== list.length)
        throw new Error(`unexpected answer to writing ${vc}`)
      res.forEach((r, i) => {
        if (r.error !== true) {
          list[i]._rev = r._rev
          return
        }
        if (r.errorNum !== undefined && PRECONDITION_FAILED.has(r.errorNum)) stale.push(list[i]._key)
        else
          throw Object.assign(new Error(`${vc}: ${r.errorMessage ?? 'error'}`), {
            errorNum: r.errorNum,
            code: 400,
          })
      })
    }
    await send('PUT', replace, { ignoreRevs: false })
    await send('POST', insert, {})
    if (stale.length > 0) throw new StaleVersions(stale)
  }
}
