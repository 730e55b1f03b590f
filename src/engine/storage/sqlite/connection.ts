/**
 * The engine's storage over SQLite (better-sqlite3, WAL). One file `engine.sqlite` in the data dir
 * holds every database. Layout:
 * - `meta(k,v)`: `schema_version` (bumped by every DDL so other processes drop their cached
 *   metadata), `tick` (ids of collections and indexes), `jwt_secret`.
 * - `databases(name,id)`, `collections(...)` with the key generator's `last_key`, `indexes(...)`.
 * - one table `c<id>` per collection: `k` (the `_key`, UNIQUE), `rev`, `f`/`t` (`_from`/`_to` of
 *   edges, indexed: the edge index) and `doc`, the body as JSON text. The system attributes come
 *   from the columns: any `_key/_id/_rev/_from/_to` inside `doc` is ignored on read, so an import
 *   stores each JSON line as received (no re-serialization) and a rename rewrites nothing. Persistent indexes are SQLite expression indexes over
 *   `json_extract(doc, path)`, used as candidate generators; uniqueness is checked here in JS
 *   because SQLite's typing (true = 1, NULL distinct) differs from ArangoDB's.
 * Every write runs inside BEGIN IMMEDIATE (busy timeout), so several processes on one data dir
 * serialize instead of failing; generated keys come from `last_key` read inside that lock.
 */
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import Database from 'better-sqlite3'
import type { Database as Db, Statement } from 'better-sqlite3'
import { DEFAULTS } from '../../../config/defaults.js'
import { ArangoError, arangoError } from '../../errors.js'
import { RevisionClock } from '../keys.js'
import { CHECKPOINT_BYTES } from './checkpointer.js'
import { isArrayIndex, parseField, sideTable } from './array-index.js'
import {
  COLS,
  DB_FILE,
  indexExpr,
  type CollMeta,
  type CollRow,
  type CollStmts,
  type IndexMeta,
} from './rows.js'
import type { CollectionInfo, CollectionType } from '../types.js'

export interface SqliteStoreOptions {
  /** How long a write waits for another process's write lock before failing (ms). */
  busyTimeoutMs?: number
  /** SQLite page cache, MiB (default DEFAULTS.engine.cacheMiB). */
  cacheMiB?: number
  /**
   * Open an already initialized data dir without writing to it (no schema setup): a stream
   * transaction's own connection, opened while another connection may hold the write lock.
   */
  attach?: boolean
  /** Share the revision clock of the engine's main store (revisions stay unique and ordered). */
  clock?: RevisionClock
  /**
   * True while a stream transaction of this process holds the SQLite write lock on another
   * connection: a write here would then wait synchronously (busy timeout) on the event loop that
   * has to finish that transaction, so it fails at once with `LocalLockBusy` and the server
   * retries the request when the lock is free.
   */
  lockHeldElsewhere?: () => boolean
}

/** Thrown by a write while a stream transaction of this process holds the write lock. */
export class LocalLockBusy extends Error {
  constructor() {
    super('the write lock is held by a stream transaction')
    this.name = 'LocalLockBusy'
  }
}

/** Checks a stream transaction's declared collections; throws 1652 for an unregistered one. */
export type CollectionGuard = (name: string, write: boolean) => void

/**
 * The connection and what every module of the store shares: the cached metadata (refreshed when
 * another process changed the schema), the write transaction with its savepoints, a stream
 * transaction held open across calls, and the per-collection prepared statements.
 */
export abstract class StoreConnection {
  readonly db: Db
  readonly dataDir: string
  protected readonly clock: RevisionClock
  protected readonly lockHeldElsewhere?: () => boolean
  /** Set on a stream transaction's store: which collections it may read and write. */
  guard?: CollectionGuard
  protected colls = new Map<string, CollMeta>()
  protected dbNames = new Set<string>()
  protected dbIds = new Map<string, string>()
  protected loaded = false
  protected schemaVersion = -1
  protected dataVersion = -1
  protected depth = 0
  /** The busy timeout last set by beginStream (ms). */
  private busyMs?: number
  /** Inside readSnapshot: the metadata was checked against its snapshot. */
  private inSnapshot = false
  /** Whether beginStream last set synchronous=FULL (waitForSync). */
  private streamSync = false
  protected txStmts!: { begin: Statement; commit: Statement; rollback: Statement }
  /** Key generator state of the running transaction: collection id -> last value. */
  protected keyState = new Map<number, { value: number; dirty: boolean }>()
  protected readonly s: {
    dataVersion: Statement
    schemaVersion: Statement
    bumpSchema: Statement
    tick: Statement
    getLastKey: Statement
    setLastKey: Statement
  }

  constructor(dataDir: string, opts: SqliteStoreOptions = {}) {
    this.dataDir = dataDir
    this.clock = opts.clock ?? new RevisionClock()
    this.lockHeldElsewhere = opts.lockHeldElsewhere
    fs.mkdirSync(dataDir, { recursive: true })
    this.db = new Database(path.join(dataDir, DB_FILE), {
      timeout: opts.busyTimeoutMs ?? DEFAULTS.engine.writeWaitMs,
    })
    // 16 KiB pages for a new file (ignored for an existing one): a 1,000-document import commit
    // writes a quarter of the pages (measured ~15% faster bulk inserts than 4 KiB)
    this.db.pragma('page_size = 16384')
    this.db.pragma('journal_mode = WAL')
    // NORMAL in WAL mode: a committed transaction survives the process being killed (the WAL is
    // written before COMMIT returns); only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = OFF')
    // negative: KiB rather than pages (https://sqlite.org/pragma.html#pragma_cache_size)
    this.db.pragma(`cache_size = -${Math.round((opts.cacheMiB ?? DEFAULTS.engine.cacheMiB) * 1024)}`)
    this.txStmts = {
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
    }
    // Checkpoints are mostly the engine's checkpointer thread's (checkpointer.ts), once the WAL
    // passes DEFAULTS.engine.checkpointMiB. Its checkpoints never block a writer, so under
    // continuous writes they never catch up with the last commit, and only a complete checkpoint
    // lets the next transaction start the WAL again from its beginning: a commit still
    // checkpoints itself at twice that size, when the thread has already copied most of it. This
    // also bounds the WAL should the thread be absent (a process without an engine server).
    const pageSize = this.db.pragma('page_size', { simple: true }) as number
    this.db.pragma(`wal_autocheckpoint = ${Math.ceil((2 * CHECKPOINT_BYTES) / pageSize)}`)
    // a WAL started again is cut back to this size, so the file's size tells the checkpointer
    // how much was written since
    this.db.pragma(`journal_size_limit = ${CHECKPOINT_BYTES}`)
    if (!opts.attach) this.initSchema()
    this.s = {
      dataVersion: this.db.prepare('PRAGMA data_version').pluck(),
      schemaVersion: this.db.prepare(`SELECT v FROM meta WHERE k = 'schema_version'`).pluck(),
      bumpSchema: this.db.prepare(`UPDATE meta SET v = CAST(v AS INTEGER) + 1 WHERE k = 'schema_version'`),
      tick: this.db
        .prepare(`UPDATE meta SET v = CAST(v AS INTEGER) + 1 WHERE k = 'tick' RETURNING v`)
        .pluck(),
      getLastKey: this.db.prepare('SELECT last_key FROM collections WHERE id = ?').pluck(),
      setLastKey: this.db.prepare('UPDATE collections SET last_key = ? WHERE id = ?'),
    }
    if (!opts.attach) this.ensureSystemDatabase()
  }

  protected initSchema(): void {
    this.writeTxn(() => {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT);
        CREATE TABLE IF NOT EXISTS databases (name TEXT PRIMARY KEY, id TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS collections (
          db TEXT NOT NULL, name TEXT NOT NULL, id INTEGER NOT NULL UNIQUE, type INTEGER NOT NULL,
          is_system INTEGER NOT NULL, wait_for_sync INTEGER NOT NULL, key_options TEXT NOT NULL,
          schema TEXT, last_key INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (db, name));
        CREATE TABLE IF NOT EXISTS indexes (
          coll_id INTEGER NOT NULL, iid INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
          fields TEXT NOT NULL, uniq INTEGER NOT NULL, sparse INTEGER NOT NULL,
          dedup INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (coll_id, iid));
        INSERT OR IGNORE INTO meta VALUES ('schema_version', '0'), ('tick', '100000');
      `)
      // data dirs from before array indexes: their indexes all deduplicate (ArangoDB's default)
      const cols = this.db.prepare('PRAGMA table_info(indexes)').all() as { name: string }[]
      if (!cols.some((col) => col.name === 'dedup'))
        this.db.exec('ALTER TABLE indexes ADD COLUMN dedup INTEGER NOT NULL DEFAULT 1')
      this.db
        .prepare(`INSERT OR IGNORE INTO meta VALUES ('jwt_secret', ?)`)
        .run(crypto.randomBytes(32).toString('hex'))
      this.db
        .prepare(`INSERT OR IGNORE INTO meta VALUES ('server_id', ?)`)
        .run(crypto.randomBytes(6).toString('hex').toUpperCase())
    })
  }

  protected ensureSystemDatabase(): void {
    if (!this.hasDatabase('_system')) {
      try {
        this.createDatabase('_system')
      } catch (e) {
        // another process opening the same fresh data dir created it first
        if (!(e instanceof ArangoError && e.errorNum === 1207)) throw e
      }
    }
  }

  close(): void {
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)')
    } catch {
      // another process may hold the WAL; the checkpoint is only an optimization
    }
    this.db.close()
  }

  /** Secret for signing JWTs, shared by every server on this data dir. */
  jwtSecret(): string {
    return this.db.prepare(`SELECT v FROM meta WHERE k = 'jwt_secret'`).pluck().get() as string
  }

  // ---------------------------------------------------------------- transactions and metadata

  /**
   * Run reads in one read transaction (BEGIN DEFERRED): in WAL mode it takes no write lock, gives
   * the reads one consistent snapshot and makes each lookup cheaper than an implicit transaction
   * per statement. Inside a transaction (a stream transaction's store) it just runs `fn`.
   */
  readSnapshot<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn()
    this.db.exec('BEGIN')
    try {
      // the first read pins the snapshot, and the metadata is checked against it once: inside,
      // nothing can change, so each lookup skips that check (a statement per call)
      const sv = Number(this.s.schemaVersion.get())
      if (!this.loaded || sv !== this.schemaVersion) this.load(sv)
      this.inSnapshot = true
      return fn()
    } finally {
      this.inSnapshot = false
      if (this.db.inTransaction) this.db.exec('COMMIT')
    }
  }

  protected writeTxn<T>(fn: () => T): T {
    if (this.depth > 0) {
      const sp = `sp${this.depth}`
      this.db.exec(`SAVEPOINT ${sp}`)
      this.depth++
      const saved = new Map([...this.keyState].map(([k, v]) => [k, { ...v }]))
      try {
        const r = fn()
        this.db.exec(`RELEASE ${sp}`)
        return r
      } catch (e) {
        this.db.exec(`ROLLBACK TO ${sp}`)
        this.db.exec(`RELEASE ${sp}`)
        this.keyState = saved
        this.loaded = false
        throw e
      } finally {
        this.depth--
      }
    }
    if (this.lockHeldElsewhere?.()) throw new LocalLockBusy()
    this.txStmts.begin.run()
    this.depth = 1
    try {
      if (this.s) this.refresh()
      const r = fn()
      this.flushKeys()
      this.txStmts.commit.run()
      return r
    } catch (e) {
      if (this.db.inTransaction) this.txStmts.rollback.run()
      // metadata read inside the aborted transaction may include its uncommitted DDL
      this.loaded = false
      throw e
    } finally {
      this.depth = 0
      this.keyState.clear()
    }
  }

  protected flushKeys(): void {
    for (const [id, st] of this.keyState) if (st.dirty) this.s.setLastKey.run(st.value, id)
  }

  /**
   * Start a stream transaction on this (dedicated) connection and keep it open across calls:
   * `write` takes SQLite's write lock now (BEGIN IMMEDIATE, waiting up to `lockTimeoutMs`, then
   * SQLITE_BUSY); a read-only one pins a snapshot with its first read. Every later write of this
   * store runs as a savepoint inside it, so a failing operation undoes only itself. `sync`
   * (ArangoDB's waitForSync): the commit is fsynced before it returns; SQLite takes that setting
   * only outside a transaction, so it is made here.
   */
  beginStream(write: boolean, lockTimeoutMs?: number, sync = false): void {
    if (this.depth > 0) throw new Error('a transaction is already open on this connection')
    const busy = lockTimeoutMs === undefined ? undefined : Math.max(0, Math.round(lockTimeoutMs))
    if (busy !== undefined && busy !== this.busyMs) {
      this.db.pragma(`busy_timeout = ${busy}`)
      this.busyMs = busy
    }
    if (sync !== this.streamSync) {
      this.db.pragma(`synchronous = ${sync ? 'FULL' : 'NORMAL'}`)
      this.streamSync = sync
    }
    this.db.exec(write ? 'BEGIN IMMEDIATE' : 'BEGIN')
    this.depth = 1
    try {
      // the first read, which fixes the snapshot of a read-only transaction; the metadata of a
      // reused connection is loaded again only when the schema changed since
      const sv = Number(this.s.schemaVersion.get())
      if (!this.loaded || sv !== this.schemaVersion) this.load(sv)
    } catch (e) {
      this.db.exec('ROLLBACK')
      this.depth = 0
      throw e
    }
  }

  /** Commit the stream transaction (fsynced when it began with `sync`). */
  commitStream(): void {
    if (this.depth === 0) return
    try {
      this.flushKeys()
      this.db.exec('COMMIT')
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      this.loaded = false
      throw e
    } finally {
      this.depth = 0
      this.keyState.clear()
    }
  }

  /** Roll the stream transaction back: nothing of it remains. */
  abortStream(): void {
    if (this.depth === 0) return
    if (this.db.inTransaction) this.db.exec('ROLLBACK')
    this.depth = 0
    this.keyState.clear()
    this.loaded = false
  }

  /**
   * `sync`: the commit is fsynced before this returns (ArangoDB's waitForSync), so it survives an
   * operating-system crash too; otherwise it survives the process dying (WAL, synchronous=NORMAL).
   */
  transaction<T>(fn: () => T, opts: { sync?: boolean } = {}): T {
    if (!opts.sync || this.depth > 0) return this.writeTxn(fn)
    this.db.pragma('synchronous = FULL')
    try {
      return this.writeTxn(fn)
    } finally {
      this.db.pragma('synchronous = NORMAL')
    }
  }

  /** Drop cached metadata when another process changed the schema since we last looked. */
  refresh(): void {
    const dv = this.s.dataVersion.get() as number
    if (dv === this.dataVersion && this.loaded) return
    this.dataVersion = dv
    const sv = Number(this.s.schemaVersion.get())
    if (sv !== this.schemaVersion || !this.loaded) this.load(sv)
  }

  protected fresh(): void {
    if (this.depth === 0) {
      if (!this.inSnapshot || !this.loaded) this.refresh()
    } else if (!this.loaded) this.load(Number(this.s.schemaVersion.get()))
  }

  protected load(sv: number): void {
    this.schemaVersion = sv
    this.colls.clear()
    this.dbNames.clear()
    this.dbIds.clear()
    const serverId = this.db.prepare(`SELECT v FROM meta WHERE k = 'server_id'`).pluck().get() as string
    for (const r of this.db.prepare('SELECT name, id FROM databases').all() as {
      name: string
      id: string
    }[]) {
      this.dbNames.add(r.name)
      this.dbIds.set(r.name, r.id)
    }
    const idx = new Map<number, IndexMeta[]>()
    for (const r of this.db.prepare('SELECT * FROM indexes ORDER BY coll_id, iid').all() as {
      coll_id: number
      iid: number
      name: string
      type: string
      fields: string
      uniq: number
      sparse: number
      dedup: number
    }[]) {
      const fields = JSON.parse(r.fields) as string[]
      const list = idx.get(r.coll_id) ?? []
      const array = isArrayIndex(fields)
      list.push({
        iid: r.iid,
        name: r.name,
        type: 'persistent',
        fields,
        unique: !!r.uniq,
        sparse: !!r.sparse,
        deduplicate: !!r.dedup,
        exprs: array ? [] : fields.map(indexExpr),
        ...(array && { side: sideTable(`c${r.coll_id}`, r.iid), paths: fields.map(parseField) }),
      })
      idx.set(r.coll_id, list)
    }
    for (const r of this.db.prepare('SELECT * FROM collections').all() as CollRow[]) {
      const info: CollectionInfo = {
        id: String(r.id),
        name: r.name,
        type: r.type as CollectionType,
        isSystem: !!r.is_system,
        globallyUniqueId: r.is_system ? r.name : `h${serverId}/${r.id}`,
        waitForSync: !!r.wait_for_sync,
        keyOptions: JSON.parse(r.key_options) as CollectionInfo['keyOptions'],
        schema: r.schema === null ? null : JSON.parse(r.schema),
      }
      this.colls.set(r.db + '\u0000' + r.name, {
        info,
        db: r.db,
        table: `c${r.id}`,
        idPrefix: r.name + '/',
        isEdge: r.type === 3,
        indexes: idx.get(r.id) ?? [],
      })
    }
    this.loaded = true
  }

  /** After our own DDL: other processes see the bumped version; we reload lazily. */
  protected schemaChanged(): void {
    this.s.bumpSchema.run()
    this.loaded = false
  }

  protected nextTick(): number {
    return Number(this.s.tick.get())
  }

  protected meta(db: string, name: string): CollMeta {
    this.fresh()
    const c = this.colls.get(db + '\u0000' + name)
    if (!c) throw arangoError('ARANGO_DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`)
    return c
  }

  protected stmts(c: CollMeta): CollStmts {
    if (c.stmts) return c.stmts
    const t = c.table
    const p = (sql: string) => this.db.prepare(sql)
    c.stmts = {
      insert: p(`INSERT INTO ${t} (k, rev, doc, f, t) VALUES (?, ?, ?, ?, ?)`),
      getDoc: p(`SELECT ${COLS} FROM ${t} WHERE k = ?`).raw(),
      update: p(`UPDATE ${t} SET rev = ?, doc = ?, f = ?, t = ? WHERE k = ?`),
      remove: p(`DELETE FROM ${t} WHERE k = ?`),
      count: p(`SELECT count(*) FROM ${t}`).pluck(),
      // rowid order is insertion order (see scan() in documents.ts); the rowid rides along as a
      // sixth column so the next chunk starts after it
      scan: p(`SELECT ${COLS}, rowid FROM ${t} WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`).raw(),
      maxRowid: p(`SELECT max(rowid) FROM ${t}`).pluck(),
      rowidOf: p(`SELECT rowid FROM ${t} WHERE k = ?`).pluck(),
      edgesOut: p(`SELECT ${COLS} FROM ${t} WHERE f = ? ORDER BY rowid`).raw(),
      edgesIn: p(`SELECT ${COLS} FROM ${t} WHERE t = ? ORDER BY rowid`).raw(),
    }
    return c.stmts
  }

  abstract hasDatabase(name: string): boolean
  abstract createDatabase(name: string): void
}
