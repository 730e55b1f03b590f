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
import { DEFAULTS } from '../../config/defaults.js'
import { ArangoError, arangoError } from '../errors.js'
import type {
  CollectionInfo,
  CollectionType,
  Doc,
  IndexCondition,
  IndexInfo,
  Store,
  WriteOptions,
  WriteResult,
} from './types.js'
import { GRAPHS_COLLECTION } from './types.js'
import {
  checkKey,
  isValidCollectionName,
  isValidDatabaseName,
  isValidDocumentId,
  RevisionClock,
} from './keys.js'

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

interface IndexMeta {
  iid: number
  name: string
  type: 'persistent'
  fields: string[]
  unique: boolean
  sparse: boolean
  /** SQL expressions (json_extract over doc) for each field, as used in the SQLite index. */
  exprs: string[]
  uniqueStmt?: Statement
}

/** A stored row: k, rev, f, t, doc. */
type Row = [string, string, string | null, string | null, string]

interface CollStmts {
  insert: Statement
  getDoc: Statement
  update: Statement
  remove: Statement
  count: Statement
  scan: Statement
  scanFirst: Statement
  edgesOut: Statement
  edgesIn: Statement
}

interface CollMeta {
  info: CollectionInfo
  db: string
  table: string
  idPrefix: string
  isEdge: boolean
  indexes: IndexMeta[]
  stmts?: CollStmts
}

interface CollRow {
  db: string
  name: string
  id: number
  type: number
  is_system: number
  wait_for_sync: number
  key_options: string
  schema: string | null
}

const DB_FILE = 'engine.sqlite'
const SYSTEM_ATTRS = new Set(['_key', '_id', '_rev', '_from', '_to'])
const COLS = 'k, rev, f, t, doc'
/** System attributes live in columns; index expressions use them directly. */
const COLUMN_OF: Record<string, string> = { _key: 'k', _rev: 'rev', _from: 'f', _to: 't' }

function indexExpr(field: string): string {
  return COLUMN_OF[field] ?? `json_extract(doc, ${sqlString(jsonPath(field))})`
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `a.b` -> `$."a"."b"` (quoted so any attribute name works). */
function jsonPath(field: string): string {
  return (
    '$' +
    field
      .split('.')
      .map((p) => '."' + p.replace(/"/g, '""') + '"')
      .join('')
  )
}

function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'"
}

function getPath(doc: Record<string, unknown>, field: string): unknown {
  let cur: unknown = doc
  for (const part of field.split('.')) {
    if (!isPlainObject(cur)) return undefined
    cur = cur[part]
  }
  return cur
}

/** A JS value as SQLite's json_extract yields it, for binding against index expressions. */
function toSqlValue(v: unknown): unknown {
  if (v === undefined || v === null) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' || typeof v === 'string') return v
  return JSON.stringify(v)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]))
  }
  const ka = Object.keys(a as object)
  const kb = Object.keys(b as object)
  if (ka.length !== kb.length) return false
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** `__proto__` is an ordinary attribute name in ArangoDB; assignment would set the prototype. */
function setAttr(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  else o[k] = v
}

/** ArangoDB's update merge: objects deep-merged when `mergeObjects`, arrays replaced, nulls dropped unless `keepNull`. */
function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  keepNull: boolean,
  mergeObjects: boolean,
): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k]
    if (v === null && !keepNull) {
      delete target[k]
    } else if (mergeObjects && isPlainObject(v) && isPlainObject(target[k])) {
      const merged = { ...(target[k] as Record<string, unknown>) }
      mergePatch(merged, v, keepNull, mergeObjects)
      setAttr(target, k, merged)
    } else if (isPlainObject(v) && !keepNull) {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, v, keepNull, mergeObjects)
      setAttr(target, k, cleaned)
    } else {
      setAttr(target, k, v)
    }
  }
}

function conflictRev(c: CollMeta, key: string, rev: string, http: number): ArangoError {
  return arangoError('ARANGO_CONFLICT', 'conflict, _rev values do not match', {
    http,
    extra: { _id: c.idPrefix + key, _key: key, _rev: rev },
  })
}

function uniqueViolation(index: string, type: string, fields: string[], key: string): ArangoError {
  return arangoError(
    'ARANGO_UNIQUE_CONSTRAINT_VIOLATED',
    `unique constraint violated - in index ${index} of type ${type} over '${fields.join(', ')}'; conflicting key: ${key}`,
  )
}

export class SqliteStore implements Store {
  readonly db: Db
  readonly dataDir: string
  private readonly clock: RevisionClock
  private readonly lockHeldElsewhere?: () => boolean
  /** Set on a stream transaction's store: which collections it may read and write. */
  guard?: CollectionGuard
  private colls = new Map<string, CollMeta>()
  private dbNames = new Set<string>()
  private dbIds = new Map<string, string>()
  private loaded = false
  private schemaVersion = -1
  private dataVersion = -1
  private depth = 0
  private txStmts!: { begin: Statement; commit: Statement; rollback: Statement }
  /** Key generator state of the running transaction: collection id -> last value. */
  private keyState = new Map<number, { value: number; dirty: boolean }>()
  private readonly s: {
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
    this.db = new Database(path.join(dataDir, DB_FILE), { timeout: opts.busyTimeoutMs ?? 30_000 })
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
    // checkpoint every ~40 MB of WAL instead of 4 MB: a bulk import commits every 1,000 documents
    // and each checkpoint syncs the database file (measured: ~20% of import time at the default)
    this.db.pragma('wal_autocheckpoint = 10000')
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

  private initSchema(): void {
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
          fields TEXT NOT NULL, uniq INTEGER NOT NULL, sparse INTEGER NOT NULL, PRIMARY KEY (coll_id, iid));
        INSERT OR IGNORE INTO meta VALUES ('schema_version', '0'), ('tick', '100000');
      `)
      this.db
        .prepare(`INSERT OR IGNORE INTO meta VALUES ('jwt_secret', ?)`)
        .run(crypto.randomBytes(32).toString('hex'))
      this.db
        .prepare(`INSERT OR IGNORE INTO meta VALUES ('server_id', ?)`)
        .run(crypto.randomBytes(6).toString('hex').toUpperCase())
    })
  }

  private ensureSystemDatabase(): void {
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

  private writeTxn<T>(fn: () => T): T {
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

  private flushKeys(): void {
    for (const [id, st] of this.keyState) if (st.dirty) this.s.setLastKey.run(st.value, id)
  }

  /**
   * Start a stream transaction on this (dedicated) connection and keep it open across calls:
   * `write` takes SQLite's write lock now (BEGIN IMMEDIATE, waiting up to `lockTimeoutMs`, then
   * SQLITE_BUSY); a read-only one pins a snapshot with its first read. Every later write of this
   * store runs as a savepoint inside it, so a failing operation undoes only itself.
   */
  beginStream(write: boolean, lockTimeoutMs?: number): void {
    if (this.depth > 0) throw new Error('a transaction is already open on this connection')
    if (lockTimeoutMs !== undefined)
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.round(lockTimeoutMs))}`)
    this.db.exec(write ? 'BEGIN IMMEDIATE' : 'BEGIN')
    this.depth = 1
    try {
      this.loaded = false
      this.refresh() // the first read: fixes the snapshot of a read-only transaction
    } catch (e) {
      this.db.exec('ROLLBACK')
      this.depth = 0
      throw e
    }
  }

  /** Commit the stream transaction (`sync`: fsynced before this returns, ArangoDB's waitForSync). */
  commitStream(sync = false): void {
    if (this.depth === 0) return
    if (sync) this.db.pragma('synchronous = FULL')
    try {
      this.flushKeys()
      this.db.exec('COMMIT')
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw e
    } finally {
      this.depth = 0
      this.keyState.clear()
      this.loaded = false
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

  private fresh(): void {
    if (this.depth === 0) this.refresh()
    else if (!this.loaded) this.load(Number(this.s.schemaVersion.get()))
  }

  private load(sv: number): void {
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
    }[]) {
      const fields = JSON.parse(r.fields) as string[]
      const list = idx.get(r.coll_id) ?? []
      list.push({
        iid: r.iid,
        name: r.name,
        type: 'persistent',
        fields,
        unique: !!r.uniq,
        sparse: !!r.sparse,
        exprs: fields.map(indexExpr),
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
  private schemaChanged(): void {
    this.s.bumpSchema.run()
    this.loaded = false
  }

  private nextTick(): number {
    return Number(this.s.tick.get())
  }

  private meta(db: string, name: string): CollMeta {
    this.fresh()
    const c = this.colls.get(db + '\u0000' + name)
    if (!c) throw arangoError('ARANGO_DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`)
    return c
  }

  private stmts(c: CollMeta): CollStmts {
    if (c.stmts) return c.stmts
    const t = c.table
    const p = (sql: string) => this.db.prepare(sql)
    c.stmts = {
      insert: p(`INSERT INTO ${t} (k, rev, doc, f, t) VALUES (?, ?, ?, ?, ?)`),
      getDoc: p(`SELECT ${COLS} FROM ${t} WHERE k = ?`).raw(),
      update: p(`UPDATE ${t} SET rev = ?, doc = ?, f = ?, t = ? WHERE k = ?`),
      remove: p(`DELETE FROM ${t} WHERE k = ?`),
      count: p(`SELECT count(*) FROM ${t}`).pluck(),
      scan: p(`SELECT ${COLS} FROM ${t} WHERE k > ? ORDER BY k LIMIT ?`).raw(),
      scanFirst: p(`SELECT ${COLS} FROM ${t} ORDER BY k LIMIT ?`).raw(),
      edgesOut: p(`SELECT ${COLS} FROM ${t} WHERE f = ? ORDER BY rowid`).raw(),
      edgesIn: p(`SELECT ${COLS} FROM ${t} WHERE t = ? ORDER BY rowid`).raw(),
    }
    return c.stmts
  }

  // ---------------------------------------------------------------- databases

  listDatabases(): string[] {
    this.fresh()
    return [...this.dbNames].sort()
  }

  hasDatabase(name: string): boolean {
    this.fresh()
    return this.dbNames.has(name)
  }

  /** Numeric id of a database (for `/_api/database/current`). */
  databaseId(name: string): string | undefined {
    this.fresh()
    return this.dbIds.get(name)
  }

  createDatabase(name: string): void {
    if (!isValidDatabaseName(name)) throw arangoError('ARANGO_DATABASE_NAME_INVALID')
    this.writeTxn(() => {
      this.fresh()
      if (this.dbNames.has(name))
        throw arangoError('ARANGO_DUPLICATE_NAME', `duplicate database name '${name}'`)
      const id = name === '_system' ? '1' : String(this.nextTick())
      this.db.prepare('INSERT INTO databases VALUES (?, ?)').run(name, id)
      this.schemaChanged()
      this.createCollection(name, GRAPHS_COLLECTION, { isSystem: true } as never)
    })
  }

  dropDatabase(name: string): void {
    this.writeTxn(() => {
      this.fresh()
      if (name === '_system') throw arangoError('ARANGO_USE_SYSTEM_DATABASE')
      if (!this.dbNames.has(name)) throw arangoError('ARANGO_DATABASE_NOT_FOUND')
      for (const c of [...this.colls.values()]) if (c.db === name) this.dropTable(c)
      this.db.prepare('DELETE FROM databases WHERE name = ?').run(name)
      this.schemaChanged()
    })
  }

  // ---------------------------------------------------------------- collections

  getCollection(db: string, name: string): CollectionInfo | undefined {
    this.fresh()
    return this.colls.get(db + '\u0000' + name)?.info
  }

  /** Resolve a collection by name or by its numeric id (the REST API accepts both). */
  getCollectionByNameOrId(db: string, nameOrId: string): CollectionInfo | undefined {
    const byName = this.getCollection(db, nameOrId)
    if (byName || !/^\d+$/.test(nameOrId)) return byName
    for (const c of this.colls.values()) if (c.db === db && c.info.id === nameOrId) return c.info
    return undefined
  }

  requireCollection(db: string, name: string): CollectionInfo {
    return this.meta(db, name).info
  }

  listCollections(db: string): CollectionInfo[] {
    this.fresh()
    const out: CollectionInfo[] = []
    for (const c of this.colls.values()) if (c.db === db) out.push(c.info)
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  createCollection(
    db: string,
    name: string,
    opts: {
      type?: CollectionType
      waitForSync?: boolean
      keyOptions?: Partial<CollectionInfo['keyOptions']>
      schema?: unknown
      isSystem?: boolean
    } = {},
  ): CollectionInfo {
    const isSystem = opts.isSystem === true || (typeof name === 'string' && name.startsWith('_'))
    if (!isValidCollectionName(name, isSystem)) throw arangoError('ARANGO_ILLEGAL_NAME')
    const type = opts.type ?? 2
    if (type !== 2 && type !== 3) throw arangoError('ARANGO_COLLECTION_TYPE_INVALID')
    const ko = opts.keyOptions ?? {}
    const kt = ko.type ?? 'traditional'
    if (!['traditional', 'autoincrement', 'uuid', 'padded'].includes(kt)) {
      throw arangoError('ARANGO_INVALID_KEY_GENERATOR')
    }
    const keyOptions: CollectionInfo['keyOptions'] = { type: kt, allowUserKeys: ko.allowUserKeys !== false }
    if (kt === 'autoincrement') {
      keyOptions.increment = ko.increment ?? 1
      keyOptions.offset = ko.offset ?? 0
      if (!(keyOptions.increment >= 1) || !(keyOptions.offset >= 0))
        throw arangoError('ARANGO_INVALID_KEY_GENERATOR')
    }
    return this.writeTxn(() => {
      this.fresh()
      if (!this.dbNames.has(db)) throw arangoError('ARANGO_DATABASE_NOT_FOUND')
      if (this.colls.has(db + '\u0000' + name)) throw arangoError('ARANGO_DUPLICATE_NAME', `duplicate name`)
      const id = this.nextTick()
      this.db
        .prepare('INSERT INTO collections VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)')
        .run(
          db,
          name,
          id,
          type,
          isSystem ? 1 : 0,
          opts.waitForSync ? 1 : 0,
          JSON.stringify(keyOptions),
          opts.schema == null ? null : JSON.stringify(opts.schema),
        )
      const t = `c${id}`
      this.db.exec(
        `CREATE TABLE ${t} (k TEXT NOT NULL UNIQUE, rev TEXT NOT NULL, doc TEXT NOT NULL, f TEXT, t TEXT)`,
      )
      if (type === 3) this.db.exec(`CREATE INDEX ${t}_f ON ${t}(f); CREATE INDEX ${t}_t ON ${t}(t);`)
      this.schemaChanged()
      return this.meta(db, name).info
    })
  }

  private dropTable(c: CollMeta): void {
    this.db.exec(`DROP TABLE IF EXISTS ${c.table}`)
    this.db.prepare('DELETE FROM indexes WHERE coll_id = ?').run(Number(c.info.id))
    this.db.prepare('DELETE FROM collections WHERE id = ?').run(Number(c.info.id))
  }

  dropCollection(db: string, name: string): void {
    this.writeTxn(() => {
      const c = this.meta(db, name)
      this.dropTable(c)
      this.schemaChanged()
    })
  }

  truncateCollection(db: string, name: string): void {
    this.guard?.(name, true)
    this.writeTxn(() => {
      const c = this.meta(db, name)
      this.db.exec(`DELETE FROM ${c.table}`)
    })
  }

  renameCollection(db: string, name: string, newName: string): CollectionInfo {
    return this.writeTxn(() => {
      const c = this.meta(db, name)
      if (!isValidCollectionName(newName, c.info.isSystem)) {
        throw arangoError('ARANGO_ILLEGAL_NAME')
      }
      if (this.colls.has(db + '\u0000' + newName)) throw arangoError('ARANGO_DUPLICATE_NAME')
      this.db.prepare('UPDATE collections SET name = ? WHERE id = ?').run(newName, Number(c.info.id))
      this.schemaChanged()
      return this.meta(db, newName).info
    })
  }

  /** Change waitForSync / schema (PUT /_api/collection/{c}/properties). */
  setCollectionProperties(
    db: string,
    name: string,
    props: { waitForSync?: boolean; schema?: unknown },
  ): CollectionInfo {
    return this.writeTxn(() => {
      const c = this.meta(db, name)
      if (props.waitForSync !== undefined) {
        this.db
          .prepare('UPDATE collections SET wait_for_sync = ? WHERE id = ?')
          .run(props.waitForSync ? 1 : 0, Number(c.info.id))
      }
      if (props.schema !== undefined) {
        const s = props.schema === null ? null : JSON.stringify(props.schema)
        this.db.prepare('UPDATE collections SET schema = ? WHERE id = ?').run(s, Number(c.info.id))
      }
      this.schemaChanged()
      return this.meta(db, name).info
    })
  }

  count(db: string, coll: string): number {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    return this.stmts(c).count.get() as number
  }

  lastKeyValue(db: string, coll: string): number {
    const c = this.meta(db, coll)
    const st = this.keyState.get(Number(c.info.id))
    if (st) return st.value
    return Number(this.s.getLastKey.get(Number(c.info.id)) ?? 0)
  }

  // ---------------------------------------------------------------- keys

  private keyCounter(c: CollMeta): { value: number; dirty: boolean } {
    const id = Number(c.info.id)
    let st = this.keyState.get(id)
    if (!st) {
      st = { value: Number(this.s.getLastKey.get(id) ?? 0), dirty: false }
      this.keyState.set(id, st)
    }
    return st
  }

  private generateKey(c: CollMeta): string {
    const ko = c.info.keyOptions
    if (ko.type === 'uuid') return crypto.randomUUID()
    const st = this.keyCounter(c)
    if (ko.type === 'autoincrement') {
      const inc = ko.increment ?? 1
      const off = ko.offset ?? 0
      st.value = st.value < off ? off : off + (Math.floor((st.value - off) / inc) + 1) * inc
    } else {
      st.value++
    }
    st.dirty = true
    if (ko.type === 'padded') return st.value.toString(16).padStart(16, '0')
    return String(st.value)
  }

  /** Like ArangoDB's traditional generator: a numeric user key above the counter moves it. */
  private trackKey(c: CollMeta, key: string): void {
    const ko = c.info.keyOptions.type
    if (ko === 'uuid') return
    const c0 = key.charCodeAt(0)
    if (c0 < 48 || c0 > 57 || key.length > 15) return
    let n: number
    if (ko === 'padded') {
      if (!/^[0-9a-f]{16}$/.test(key)) return
      n = parseInt(key, 16)
    } else {
      if (!/^\d+$/.test(key)) return
      n = Number(key)
    }
    const st = this.keyCounter(c)
    if (n > st.value) {
      st.value = n
      st.dirty = true
    }
  }

  // ---------------------------------------------------------------- reads

  get(db: string, coll: string, key: string): Doc | undefined {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    if (typeof key !== 'string') return undefined
    const row = this.stmts(c).getDoc.get(key) as Row | undefined
    return row === undefined ? undefined : this.toDoc(c, row)
  }

  /** The stored JSON text of a document (no parse), for REST reads. */
  getRaw(db: string, coll: string, key: string): { rev: string; json: string } | undefined {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    if (typeof key !== 'string') return undefined
    const row = this.stmts(c).getDoc.get(key) as Row | undefined
    return row && { rev: row[1], json: JSON.stringify(this.toDoc(c, row)) }
  }

  *scan(db: string, coll: string, chunkSize = 1000): Iterable<Doc> {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    const st = this.stmts(c)
    let rows = st.scanFirst.all(chunkSize) as Row[]
    while (rows.length > 0) {
      const last = rows[rows.length - 1][0]
      for (const r of rows) yield this.toDoc(c, r)
      if (rows.length < chunkSize) return
      rows = this.stmts(this.meta(db, coll)).scan.all(last, chunkSize) as Row[]
    }
  }

  edges(db: string, edgeColl: string, direction: 'out' | 'in', vertexId: string): Doc[] {
    this.guard?.(edgeColl, false)
    const c = this.meta(db, edgeColl)
    if (!c.isEdge) return []
    const st = this.stmts(c)
    const rows = (direction === 'out' ? st.edgesOut : st.edgesIn).all(vertexId) as Row[]
    return rows.map((r) => this.toDoc(c, r))
  }

  listIndexes(db: string, coll: string): IndexInfo[] {
    const c = this.meta(db, coll)
    const n = c.info.name
    const out: IndexInfo[] = [
      { id: `${n}/0`, name: 'primary', type: 'primary', fields: ['_key'], unique: true, sparse: false },
    ]
    if (c.isEdge) {
      out.push({
        id: `${n}/2`,
        name: 'edge',
        type: 'edge',
        fields: ['_from', '_to'],
        unique: false,
        sparse: false,
      })
    }
    for (const i of c.indexes) {
      out.push({
        id: `${n}/${i.iid}`,
        name: i.name,
        type: 'persistent',
        fields: i.fields,
        unique: i.unique,
        sparse: i.sparse,
      })
    }
    return out
  }

  private findIndex(c: CollMeta, indexId: string): IndexMeta | undefined {
    const slash = indexId.lastIndexOf('/')
    const idPart = slash >= 0 ? indexId.slice(slash + 1) : indexId
    return c.indexes.find((i) => String(i.iid) === idPart || i.name === idPart)
  }

  indexLookup(db: string, coll: string, indexId: string, cond: IndexCondition): Doc[] {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    const idx = this.findIndex(c, indexId)
    if (!idx) throw arangoError('ARANGO_INDEX_NOT_FOUND')
    const where: string[] = []
    const params: unknown[] = []
    const eq = cond.eq ?? []
    eq.forEach((v, i) => {
      if (i >= idx.exprs.length) return
      // objects/arrays are compared by the caller's re-check; SQLite's JSON text may differ
      if (typeof v === 'object' && v !== null) return
      where.push(`${idx.exprs[i]} IS ?`)
      params.push(toSqlValue(v))
    })
    const rf = idx.exprs[eq.length]
    if (rf !== undefined) {
      for (const [b, op] of [
        [cond.lower, '>'],
        [cond.upper, '<'],
      ] as const) {
        if (!b || (typeof b.value !== 'number' && typeof b.value !== 'string')) continue
        // SQLite orders numbers before text like AQL does; restrict to the bound's type
        where.push(`${rf} ${op}${b.inclusive ? '=' : ''} ?`)
        const field = idx.fields[eq.length]
        if (!(field in COLUMN_OF)) {
          where.push(
            `json_type(doc, ${sqlString(jsonPath(field))}) IN ${typeof b.value === 'number' ? "('integer','real')" : "('text')"}`,
          )
        }
        params.push(b.value)
      }
    }
    const sql = `SELECT ${COLS} FROM ${c.table}${where.length ? ' WHERE ' + where.join(' AND ') : ''}`
    return (
      this.db
        .prepare(sql)
        .raw()
        .all(...params) as Row[]
    ).map((r) => this.toDoc(c, r))
  }

  // ---------------------------------------------------------------- writes

  private checkUnique(c: CollMeta, doc: Record<string, unknown>, ownKey: string | null): void {
    for (const idx of c.indexes) {
      if (!idx.unique) continue
      const values = idx.fields.map((f) => getPath(doc, f))
      if (idx.sparse && values.some((v) => v === undefined || v === null)) continue
      idx.uniqueStmt ??= this.db
        .prepare(`SELECT ${COLS} FROM ${c.table} WHERE ${idx.exprs.map((e) => `${e} IS ?`).join(' AND ')}`)
        .raw()
      for (const row of idx.uniqueStmt.all(...values.map(toSqlValue)) as Row[]) {
        const k = row[0]
        if (k === ownKey) continue
        const other = this.toDoc(c, row)
        if (idx.fields.every((f, i) => deepEqual(getPath(other, f) ?? null, values[i] ?? null))) {
          throw uniqueViolation(idx.name, 'persistent', idx.fields, k)
        }
      }
    }
  }

  private edgeEnds(c: CollMeta, doc: Record<string, unknown>): [string | null, string | null] {
    if (!c.isEdge) return [null, null]
    const f = doc._from
    const t = doc._to
    if (!isValidDocumentId(f) || !isValidDocumentId(t)) throw arangoError('ARANGO_INVALID_EDGE_ATTRIBUTE')
    return [f, t]
  }

  /** A stored row as the document ArangoDB returns: system attributes from the columns, first. */
  private toDoc(c: CollMeta, row: Row): Doc {
    const body = JSON.parse(row[4]) as Record<string, unknown>
    const out: Record<string, unknown> = { _key: row[0], _id: c.idPrefix + row[0] }
    if (c.isEdge) {
      out._from = row[2]
      out._to = row[3]
    }
    out._rev = row[1]
    for (const k in body) if (!SYSTEM_ATTRS.has(k)) setAttr(out, k, body[k])
    return out as Doc
  }

  /** Assemble a stored document: system attributes first, in ArangoDB's order. */
  private assemble(
    c: CollMeta,
    key: string,
    rev: string,
    from: string | null,
    to: string | null,
    body: Record<string, unknown>,
  ): Doc {
    const out: Record<string, unknown> = { _key: key, _id: c.idPrefix + key }
    if (c.isEdge) {
      out._from = from
      out._to = to
    }
    out._rev = rev
    for (const k in body) if (!SYSTEM_ATTRS.has(k)) setAttr(out, k, body[k])
    return out as Doc
  }

  /**
   * `rawJson`, when given, is the JSON text `doc` was parsed from: it is stored as is (imports
   * skip re-serializing every document).
   */
  insert(
    db: string,
    coll: string,
    doc: Record<string, unknown>,
    opts: WriteOptions = {},
    rawJson?: string,
  ): WriteResult {
    if (this.depth === 0) return this.writeTxn(() => this.insert(db, coll, doc, opts, rawJson))
    this.guard?.(coll, true)
    const c = this.meta(db, coll)
    if (!isPlainObject(doc)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    let key = doc._key as string | undefined
    if (key === undefined) {
      key = this.generateKey(c)
    } else {
      checkKey(key)
      if (!c.info.keyOptions.allowUserKeys) throw arangoError('ARANGO_DOCUMENT_KEY_UNEXPECTED')
      this.trackKey(c, key)
    }
    const mode = opts.overwriteMode ?? 'conflict'
    const st = this.stmts(c)
    if (mode !== 'conflict') {
      const old = st.getDoc.get(key) as Row | undefined
      if (old) {
        const oldDoc = this.toDoc(c, old)
        if (mode === 'ignore') {
          return { _id: c.idPrefix + key, _key: key, _rev: old[1], new: null, old: oldDoc, ignored: true }
        }
        return mode === 'update'
          ? this.doUpdate(c, key, oldDoc, doc, opts, false)
          : this.doReplace(c, key, oldDoc, doc, opts, false)
      }
    }
    const [from, to] = this.edgeEnds(c, doc)
    const rev = this.clock.next()
    if (rawJson !== undefined && opts.keepNull !== false && c.indexes.length === 0) {
      // bulk import: store the received text; build the new document only if someone asks
      this.insertRow(st, key, rev, rawJson, from, to)
      const assemble = () => this.assemble(c, key, rev, from, to, doc)
      return {
        _id: c.idPrefix + key,
        _key: key,
        _rev: rev,
        get new() {
          return assemble()
        },
        old: null,
      }
    }
    let newDoc = this.assemble(c, key, rev, from, to, doc)
    let text = rawJson
    if (opts.keepNull === false) {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, newDoc, false, true)
      newDoc = cleaned as Doc
      text = undefined
    }
    if (c.indexes.length > 0) this.checkUnique(c, newDoc, null)
    this.insertRow(st, key, rev, text ?? JSON.stringify(newDoc), from, to)
    return { _id: newDoc._id, _key: key, _rev: rev, new: newDoc, old: null }
  }

  private insertRow(
    st: CollStmts,
    key: string,
    rev: string,
    text: string,
    from: string | null,
    to: string | null,
  ): void {
    try {
      st.insert.run(key, rev, text, from, to)
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw uniqueViolation('primary', 'primary', ['_key'], key)
      }
      throw e
    }
  }

  private loadOld(c: CollMeta, key: string, opts: WriteOptions, input: Record<string, unknown> | null): Doc {
    if (typeof key !== 'string') throw arangoError('ARANGO_DOCUMENT_HANDLE_BAD')
    const row = this.stmts(c).getDoc.get(key) as Row | undefined
    if (!row) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
    const rev = row[1]
    if (opts.ifMatch !== undefined && opts.ifMatch !== rev) throw conflictRev(c, key, rev, 412)
    if (opts.ignoreRevs === false && input && input._rev !== undefined && input._rev !== rev) {
      throw conflictRev(c, key, rev, 409)
    }
    return this.toDoc(c, row)
  }

  private doUpdate(
    c: CollMeta,
    key: string,
    old: Doc,
    patch: Record<string, unknown>,
    opts: WriteOptions,
    check = true,
  ): WriteResult {
    if (check && opts.ignoreRevs === false && patch._rev !== undefined && patch._rev !== old._rev) {
      throw conflictRev(c, key, old._rev, 409)
    }
    const merged: Record<string, unknown> = { ...old }
    const body: Record<string, unknown> = {}
    for (const k in patch) if (!SYSTEM_ATTRS.has(k)) setAttr(body, k, patch[k])
    mergePatch(merged, body, opts.keepNull !== false, opts.mergeObjects !== false)
    if (c.isEdge) {
      if (patch._from !== undefined) merged._from = patch._from
      if (patch._to !== undefined) merged._to = patch._to
    }
    const [from, to] = this.edgeEnds(c, merged)
    this.clock.witness(old._rev)
    const rev = this.clock.next()
    const newDoc = this.assemble(c, key, rev, from, to, merged)
    if (c.indexes.length > 0) this.checkUnique(c, newDoc, key)
    this.stmts(c).update.run(rev, JSON.stringify(newDoc), from, to, key)
    return { _id: newDoc._id, _key: key, _rev: rev, _oldRev: old._rev, new: newDoc, old }
  }

  private doReplace(
    c: CollMeta,
    key: string,
    old: Doc,
    doc: Record<string, unknown>,
    opts: WriteOptions,
    check = true,
  ): WriteResult {
    if (check && opts.ignoreRevs === false && doc._rev !== undefined && doc._rev !== old._rev) {
      throw conflictRev(c, key, old._rev, 409)
    }
    const [from, to] = this.edgeEnds(c, doc)
    this.clock.witness(old._rev)
    const rev = this.clock.next()
    let newDoc = this.assemble(c, key, rev, from, to, doc)
    if (opts.keepNull === false && opts.overwriteMode === 'replace') {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, newDoc, false, true)
      newDoc = cleaned as Doc
    }
    if (c.indexes.length > 0) this.checkUnique(c, newDoc, key)
    this.stmts(c).update.run(rev, JSON.stringify(newDoc), from, to, key)
    return { _id: newDoc._id, _key: key, _rev: rev, _oldRev: old._rev, new: newDoc, old }
  }

  update(
    db: string,
    coll: string,
    key: string,
    patch: Record<string, unknown>,
    opts: WriteOptions = {},
  ): WriteResult {
    if (this.depth === 0) return this.writeTxn(() => this.update(db, coll, key, patch, opts))
    this.guard?.(coll, true)
    const c = this.meta(db, coll)
    if (!isPlainObject(patch)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const old = this.loadOld(c, key, opts, null)
    return this.doUpdate(c, key, old, patch, opts)
  }

  replace(
    db: string,
    coll: string,
    key: string,
    doc: Record<string, unknown>,
    opts: WriteOptions = {},
  ): WriteResult {
    if (this.depth === 0) return this.writeTxn(() => this.replace(db, coll, key, doc, opts))
    this.guard?.(coll, true)
    const c = this.meta(db, coll)
    if (!isPlainObject(doc)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const old = this.loadOld(c, key, opts, null)
    return this.doReplace(c, key, old, doc, opts)
  }

  remove(db: string, coll: string, key: string, opts: WriteOptions & { rev?: string } = {}): WriteResult {
    if (this.depth === 0) return this.writeTxn(() => this.remove(db, coll, key, opts))
    this.guard?.(coll, true)
    const c = this.meta(db, coll)
    const old = this.loadOld(c, key, opts, opts.rev !== undefined ? { _rev: opts.rev } : null)
    this.stmts(c).remove.run(key)
    return { _id: old._id, _key: key, _rev: old._rev, new: null, old }
  }

  // ---------------------------------------------------------------- indexes

  ensureIndex(
    db: string,
    coll: string,
    spec: { type: string; fields: string[]; unique?: boolean; sparse?: boolean; name?: string },
  ): IndexInfo & { isNewlyCreated: boolean } {
    let type = spec.type
    if (type === 'hash' || type === 'skiplist') type = 'persistent'
    const c0 = this.meta(db, coll)
    if (type === 'primary' || type === 'edge') {
      const existing = this.listIndexes(db, coll).find((i) => i.type === type)
      if (existing) return { ...existing, isNewlyCreated: false }
      throw arangoError('ARANGO_INDEX_CREATION_FAILED', 'cannot create index of type ' + type)
    }
    if (type !== 'persistent') throw notImplementedIndex(type)
    const fields = spec.fields
    if (
      !Array.isArray(fields) ||
      fields.length === 0 ||
      fields.some((f) => typeof f !== 'string' || f === '' || f.split('.').some((p) => p === ''))
    ) {
      throw arangoError(
        'HTTP_BAD_PARAMETER',
        "invalid index description: 'fields' must be a non-empty array of attribute names",
      )
    }
    if (fields.some((f) => f.includes('[*]'))) throw notImplementedIndex('persistent array ([*])')
    const unique = spec.unique === true
    const sparse = spec.sparse === true
    const same = c0.indexes.find(
      (i) =>
        i.unique === unique &&
        i.sparse === sparse &&
        i.fields.length === fields.length &&
        i.fields.every((f, n) => f === fields[n]),
    )
    if (same) {
      return {
        ...this.listIndexes(db, coll).find((i) => i.id === `${c0.info.name}/${same.iid}`)!,
        isNewlyCreated: false,
      }
    }
    if (spec.name !== undefined && c0.indexes.some((i) => i.name === spec.name)) {
      throw arangoError('ARANGO_DUPLICATE_NAME', 'duplicate value for `id` or `name`')
    }
    return this.writeTxn(() => {
      const c = this.meta(db, coll)
      const iid = this.nextTick()
      const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : `idx_${iid}`
      const exprs = fields.map(indexExpr)
      if (unique) {
        const seen = new Map<string, string>()
        for (const d of this.scan(db, coll)) {
          const vals = fields.map((f) => getPath(d, f) ?? null)
          if (sparse && vals.some((v) => v === null)) continue
          const sig = JSON.stringify(vals)
          const prev = seen.get(sig)
          if (prev !== undefined) throw uniqueViolation(name, 'persistent', fields, d._key)
          seen.set(sig, d._key)
        }
      }
      this.db.exec(`CREATE INDEX ${c.table}_i${iid} ON ${c.table}(${exprs.join(', ')})`)
      this.db
        .prepare('INSERT INTO indexes VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          Number(c.info.id),
          iid,
          name,
          'persistent',
          JSON.stringify(fields),
          unique ? 1 : 0,
          sparse ? 1 : 0,
        )
      this.schemaChanged()
      const info: IndexInfo = {
        id: `${c.info.name}/${iid}`,
        name,
        type: 'persistent',
        fields,
        unique,
        sparse,
      }
      return { ...info, isNewlyCreated: true }
    })
  }

  dropIndex(db: string, coll: string, indexId: string): void {
    this.writeTxn(() => {
      const c = this.meta(db, coll)
      const idx = this.findIndex(c, indexId)
      if (!idx) {
        const tail = indexId.slice(indexId.lastIndexOf('/') + 1)
        if (
          tail === '0' ||
          tail === 'primary' ||
          (c.isEdge && (tail === '1' || tail === '2' || tail === 'edge'))
        ) {
          throw arangoError('ARANGO_INDEX_NOT_FOUND', 'cannot drop this index')
        }
        throw arangoError('ARANGO_INDEX_NOT_FOUND')
      }
      this.db.exec(`DROP INDEX IF EXISTS ${c.table}_i${idx.iid}`)
      this.db.prepare('DELETE FROM indexes WHERE coll_id = ? AND iid = ?').run(Number(c.info.id), idx.iid)
      this.schemaChanged()
    })
  }
}

function notImplementedIndex(type: string): ArangoError {
  return new ArangoError(9, 501, `index type '${type}' is not implemented in the graphpipe embedded engine`)
}

/** Open (creating when missing) the store of a data dir. */
export function openStore(dataDir: string, opts?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(dataDir, opts)
}
