/**
 * Stream transactions as ArangoDB 3.12 has them (docs.arangodb.com 3.12: develop/http-api/
 * transactions/stream-transactions; states and messages from arangod transaction/Manager.cpp).
 *
 * Each transaction owns a dedicated SQLite connection (an attached `SqliteStore`) with a
 * transaction open across requests: a transaction that writes (write or exclusive collections)
 * holds SQLite's single write lock from begin to commit/abort (BEGIN IMMEDIATE), a read-only one
 * a WAL snapshot. Readers on other connections keep seeing the last committed state, so a
 * transaction never blocks readers; other writers wait for the lock, in this process
 * asynchronously through `WriteGate` (the event loop must stay free to finish the transaction),
 * in other processes through SQLite's busy timeout. That serializes writers across transactions
 * where ArangoDB's RocksDB engine locks single documents (docs/server.md says so).
 */
import { DEFAULTS } from '../../config/defaults.js'
import { ArangoError, arangoError } from '../errors.js'
import type { RevisionClock } from './keys.js'
import { SqliteStore } from './sqlite-store.js'
import { nextId } from '../pool/ids.js'

export type TransactionStatus = 'running' | 'committed' | 'aborted'

function lockTimeout(): ArangoError {
  return arangoError('LOCK_TIMEOUT', 'lock timeout: the write lock is held by a stream transaction')
}

/** Node has had `Atomics.waitAsync` since 16; TypeScript types it only from lib es2024. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      i: number,
      v: number,
      t?: number,
    ): { async: boolean; value: Promise<string> | string }
  }
).waitAsync

/**
 * The one write lock of the engine's connections, held by the stream transaction that writes,
 * in whichever thread (HTTP thread or query worker) it lives: one Int32 cell in a
 * SharedArrayBuffer every thread maps, 0 when free, else the holding thread's `token`.
 * `acquire` lets transactions take turns (each with its lockTimeout); `waitFree` lets a request
 * outside any transaction wait until no transaction holds it. Waiting is `Atomics.waitAsync`,
 * so a waiting thread's event loop stays free (it may have to finish the holder itself). A
 * transaction woken by a release yields 1 ms first, so single writes waiting for the same
 * release get their turn before the next transaction takes the lock again.
 */
export class WriteGate {
  private readonly cell: Int32Array
  /** The transaction of this thread that holds the lock, if any. */
  private mine: string | null = null

  constructor(
    buffer: SharedArrayBuffer = new SharedArrayBuffer(4),
    /** This thread's non-zero mark in the cell (lets the pool free a dead worker's lock). */
    private readonly token = 1,
  ) {
    this.cell = new Int32Array(buffer, 0, 1)
  }

  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer
  }

  get held(): boolean {
    return Atomics.load(this.cell, 0) !== 0
  }

  /** Whether `owner` of this thread holds it. */
  holds(owner: string): boolean {
    return this.mine === owner && this.held
  }

  /** `timeoutMs` 0 waits forever (ArangoDB's lockTimeout 0). Rejects with error 18 on expiry. */
  async acquire(owner: string, timeoutMs: number): Promise<void> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity
    for (;;) {
      if (Atomics.compareExchange(this.cell, 0, 0, this.token) === 0) {
        this.mine = owner
        return
      }
      await this.untilFree(deadline)
      await new Promise((r) => setTimeout(r, 1))
    }
  }

  release(owner: string): void {
    if (this.mine !== owner) return
    this.mine = null
    Atomics.store(this.cell, 0, 0)
    Atomics.notify(this.cell, 0)
  }

  /** A thread that died holding the lock (its SQLite connection is gone with it): free it. */
  releaseDead(token: number): void {
    if (Atomics.compareExchange(this.cell, 0, token, 0) === token) Atomics.notify(this.cell, 0)
  }

  /** Resolves when no transaction holds the lock (at once when none does); 0 waits forever. */
  waitFree(timeoutMs: number): Promise<void> {
    return this.untilFree(timeoutMs > 0 ? Date.now() + timeoutMs : Infinity)
  }

  private async untilFree(deadline: number): Promise<void> {
    for (;;) {
      const v = Atomics.load(this.cell, 0)
      if (v === 0) return
      const left = deadline - Date.now()
      if (left <= 0) throw lockTimeout()
      const w = waitAsync(this.cell, 0, v, Number.isFinite(left) ? left : undefined)
      if (w.async) await w.value
    }
  }
}

export interface BeginOptions {
  read: string[]
  write: string[]
  exclusive: string[]
  allowImplicit: boolean
  /** ms; 0 = wait forever */
  lockTimeoutMs: number
  waitForSync: boolean
  maxTransactionSize?: number
}

export class StreamTransaction {
  status: TransactionStatus = 'running'
  /** Aborted by the idle timeout (a later commit says "expired", as arangod does). */
  expired = false
  /** Cursors created inside the transaction (their later batches come without the header). */
  readonly cursorIds = new Set<string>()
  timer?: NodeJS.Timeout
  finishedAt = 0

  constructor(
    readonly id: string,
    readonly db: string,
    readonly opts: BeginOptions,
    public store: SqliteStore | null,
  ) {}

  get writes(): boolean {
    return this.opts.write.length + this.opts.exclusive.length > 0
  }
}

export interface TransactionManagerOptions {
  dataDir: string
  clock: RevisionClock
  /** The write lock the main store checks (`lockHeldElsewhere`). */
  gate: WriteGate
  cacheMiB?: number
  /** `--transaction.streaming-idle-timeout`, seconds (default DEFAULTS.engine; 0: never). */
  idleTimeoutSeconds?: number
  /** Told about each transaction's life (a query worker reports them to the HTTP thread). */
  events?: TransactionEvents
}

export interface TransactionEvents {
  begun?(t: StreamTransaction): void
  /** Committed or aborted; its cursors must go (their reads ran on its connection). */
  finished?(t: StreamTransaction): void
  /** Its tombstone is dropped: its id is unknown from now on. */
  forgotten?(id: string): void
}

/** A transaction waits for another process's write lock in slices this long (ms). */
const BUSY_SLICE_MS = 50

/** Connections of finished transactions kept open for later ones, per manager. */
const IDLE_MAX = 2

/** Stores whose methods limitSize wrapped (never reused). */
const limited = new WeakSet<SqliteStore>()

/** How long finished transactions still answer their status (arangod keeps tombstones too). */
const TOMBSTONE_MS = 10 * 60_000
const MAX_TOMBSTONES = 10_000

function names(v: unknown, what: string): string[] {
  if (v === undefined || v === null) return []
  if (typeof v === 'string') return [v]
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[]
  throw arangoError(
    'HTTP_BAD_PARAMETER',
    `invalid value for 'collections.${what}': expecting string or array of strings`,
  )
}

/** Parse the body of POST /_api/transaction/begin. */
export function parseBeginBody(body: unknown): BeginOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting a JSON object in the request body')
  const b = body as Record<string, unknown>
  const c = b.collections
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw arangoError('HTTP_BAD_PARAMETER', "missing or invalid 'collections' attribute")
  const coll = c as Record<string, unknown>
  const num = (k: string): number | undefined => {
    const v = b[k]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !(v >= 0))
      throw arangoError('HTTP_BAD_PARAMETER', `invalid value for '${k}'`)
    return v
  }
  const lock = num('lockTimeout')
  return {
    read: names(coll.read, 'read'),
    write: names(coll.write, 'write'),
    exclusive: names(coll.exclusive, 'exclusive'),
    allowImplicit: (b.allowImplicit ?? coll.allowImplicit) !== false,
    lockTimeoutMs: (lock ?? DEFAULTS.engine.lockTimeoutSeconds) * 1000,
    waitForSync: b.waitForSync === true,
    maxTransactionSize: num('maxTransactionSize'),
  }
}

/**
 * maxTransactionSize: the bytes one transaction may write (each written document as JSON plus
 * its key; a remove its key), the engine's stand-in for RocksDB's write batch that
 * RocksDBTrxBaseMethods::addOperation measures. The write that would pass the limit fails with
 * 32 "Maximal transaction size limit of N bytes is reached" (HTTP 500) and is not applied.
 */
function limitSize(store: SqliteStore, max: number): void {
  let used = 0
  let inside = false
  const counted = <A extends unknown[], R>(op: (...a: A) => R, bytes: (...a: A) => number) => {
    return (...a: A): R => {
      if (inside) return op(...a)
      const n = bytes(...a)
      if (used + n > max)
        throw new ArangoError(32, 500, `Maximal transaction size limit of ${max} bytes is reached`)
      inside = true
      try {
        const r = op(...a)
        used += n
        return r
      } finally {
        inside = false
      }
    }
  }
  const json = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '')
  const insert = store.insert.bind(store)
  const update = store.update.bind(store)
  const replace = store.replace.bind(store)
  const remove = store.remove.bind(store)
  store.insert = counted(insert, (_db, _c, doc, _o, raw) => (raw ? Buffer.byteLength(raw) : json(doc)))
  store.update = counted(update, (_db, _c, key, patch) => Buffer.byteLength(key) + json(patch))
  store.replace = counted(replace, (_db, _c, key, doc) => Buffer.byteLength(key) + json(doc))
  store.remove = counted(remove, (_db, _c, key) => Buffer.byteLength(key))
}

export class TransactionManager {
  readonly gate: WriteGate
  /** Totals since start (arangodb_transactions_*_total). */
  readonly counts = { started: 0, committed: 0, aborted: 0, expired: 0 }
  private readonly trx = new Map<string, StreamTransaction>()
  private readonly idleMs: number
  /** Connections of finished transactions, kept for the next ones (see recycle). */
  private readonly idle: SqliteStore[] = []
  private closed = false

  constructor(
    private readonly main: SqliteStore,
    private readonly opts: TransactionManagerOptions,
  ) {
    this.gate = opts.gate
    this.idleMs = (opts.idleTimeoutSeconds ?? DEFAULTS.engine.streamingIdleTimeoutSeconds) * 1000
  }

  /** Open transactions (for metrics). */
  get running(): number {
    let n = 0
    for (const t of this.trx.values()) if (t.status === 'running') n++
    return n
  }

  async begin(db: string, opts: BeginOptions): Promise<StreamTransaction> {
    // unknown collections fail before any lock is taken (1203, as ArangoDB's lockCollections)
    for (const n of [...opts.read, ...opts.write, ...opts.exclusive]) this.main.requireCollection(db, n)
    const id = nextId()
    const t = new StreamTransaction(id, db, opts, null)
    if (t.writes) await this.gate.acquire(id, opts.lockTimeoutMs)
    let store: SqliteStore | undefined
    try {
      store =
        this.idle.pop() ??
        new SqliteStore(this.opts.dataDir, {
          attach: true,
          clock: this.opts.clock,
          cacheMiB: this.opts.cacheMiB,
        })
      // another process may hold SQLite's write lock: wait for it in short synchronous slices
      // (busy timeout) with the event loop free in between, up to lockTimeout
      const deadline = opts.lockTimeoutMs === 0 ? Infinity : Date.now() + opts.lockTimeoutMs
      for (;;) {
        try {
          store.beginStream(t.writes, BUSY_SLICE_MS, opts.waitForSync)
          break
        } catch (e) {
          if (!(e as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw e
          if (Date.now() >= deadline) throw lockTimeout()
          await new Promise((r) => setTimeout(r, BUSY_SLICE_MS))
        }
      }
    } catch (e) {
      store?.close()
      if (t.writes) this.gate.release(id)
      throw e
    }
    store.guard = (name, write) => this.check(t, name, write)
    if (opts.maxTransactionSize !== undefined) {
      limitSize(store, opts.maxTransactionSize)
      limited.add(store)
    }
    t.store = store
    this.trx.set(id, t)
    this.counts.started++
    this.opts.events?.begun?.(t)
    this.touch(t)
    this.sweep()
    return t
  }

  private check(t: StreamTransaction, name: string, write: boolean): void {
    const o = t.opts
    if (o.write.includes(name) || o.exclusive.includes(name)) return
    if (!write && (o.read.includes(name) || o.allowImplicit)) return
    // a query's user-defined functions: ArangoDB takes them from its V8 contexts' cache, not
    // through the transaction, so they are callable whatever the transaction declared
    if (!write && name === '_aqlfunctions') return
    throw arangoError(
      'TRANSACTION_UNREGISTERED_COLLECTION',
      `unregistered collection used in transaction: ${name} [${write ? 'write' : 'read'}]`,
    )
  }

  private touch(t: StreamTransaction): void {
    clearTimeout(t.timer)
    if (this.idleMs <= 0) return
    t.timer = setTimeout(() => {
      t.expired = true
      this.counts.expired++
      this.finish(t, 'aborted')
    }, this.idleMs)
    t.timer.unref()
  }

  private find(db: string, id: string): StreamTransaction | undefined {
    const t = this.trx.get(id)
    return t && t.db === db ? t : undefined
  }

  /** GET /_api/transaction/{id} */
  status(db: string, id: string): TransactionStatus {
    const t = this.find(db, id)
    if (!t) throw arangoError('TRANSACTION_NOT_FOUND')
    return t.status
  }

  /** The store of a running transaction for one request (x-arango-trx-id); resets its idle timer. */
  lease(db: string, id: string): SqliteStore {
    const t = this.find(db, id)
    if (!t) throw arangoError('TRANSACTION_NOT_FOUND', `transaction ${id} not found`)
    if (t.status === 'aborted')
      throw arangoError('TRANSACTION_ABORTED', `transaction ${id} has already been aborted`)
    if (t.status !== 'running' || !t.store)
      throw arangoError('TRANSACTION_NOT_FOUND', `transaction ${id} not found`)
    this.touch(t)
    return t.store
  }

  noteCursor(trxId: string, cursorId: string): void {
    this.trx.get(trxId)?.cursorIds.add(cursorId)
  }

  /** PUT (commit) / DELETE (abort) /_api/transaction/{id}: the final status. */
  end(db: string, id: string, want: 'committed' | 'aborted'): TransactionStatus {
    const t = this.find(db, id)
    const op = want === 'committed' ? 'commit' : 'abort'
    if (!t) throw arangoError('TRANSACTION_NOT_FOUND', `transaction ${id} not found on ${op} operation`)
    if (t.status !== 'running') {
      if (t.status === want) return want // committing a committed transaction is no error
      throw arangoError(
        'TRANSACTION_DISALLOWED_OPERATION',
        `transaction was already ${t.expired ? 'expired' : t.status}`,
      )
    }
    return this.finish(t, want)
  }

  private finish(t: StreamTransaction, want: 'committed' | 'aborted'): TransactionStatus {
    clearTimeout(t.timer)
    const store = t.store
    t.store = null
    t.finishedAt = Date.now()
    try {
      if (want === 'committed') {
        try {
          store?.commitStream()
          t.status = 'committed'
        } catch (e) {
          t.status = 'aborted'
          throw e
        }
      } else {
        store?.abortStream()
        t.status = 'aborted'
      }
    } finally {
      this.counts[t.status === 'committed' ? 'committed' : 'aborted']++
      if (store) this.recycle(store)
      if (t.writes) this.gate.release(t.id)
      this.opts.events?.finished?.(t)
    }
    return t.status
  }

  /** GET /_api/transaction: the running transactions of a database. */
  list(db: string): { id: string; state: TransactionStatus }[] {
    this.sweep()
    const out: { id: string; state: TransactionStatus }[] = []
    for (const t of this.trx.values())
      if (t.db === db && t.status === 'running') out.push({ id: t.id, state: t.status })
    return out
  }

  private sweep(): void {
    const now = Date.now()
    let tombstones = 0
    for (const t of this.trx.values()) if (t.status !== 'running') tombstones++
    for (const [id, t] of this.trx) {
      if (t.status === 'running') continue
      if (now - t.finishedAt > TOMBSTONE_MS || tombstones > MAX_TOMBSTONES) {
        this.trx.delete(id)
        this.opts.events?.forgotten?.(id)
        tombstones--
      }
    }
  }

  /**
   * Keep a finished transaction's connection for the next one: opening one (pragmas, metadata,
   * each collection's statements) and closing it (a WAL checkpoint) cost more than a small
   * transaction's writes. Not one whose methods maxTransactionSize wrapped, nor beyond IDLE_MAX;
   * a kept one frees its page cache.
   */
  private recycle(store: SqliteStore): void {
    store.guard = undefined
    if (limited.has(store) || store.db.inTransaction || this.idle.length >= IDLE_MAX || this.closed) {
      store.close()
      return
    }
    // a kept connection gives its page cache back (up to cacheMiB each): the pages stay in the
    // OS's file cache, and the engine's memory stays what it was when each closed
    store.db.pragma('shrink_memory')
    this.idle.push(store)
  }

  /** Abort every running transaction and close the kept connections (engine shutdown). */
  closeAll(): void {
    this.closed = true
    for (const t of this.trx.values()) if (t.status === 'running') this.finish(t, 'aborted')
    for (const s of this.idle.splice(0)) s.close()
  }
}
