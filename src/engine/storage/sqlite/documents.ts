/** Documents of the SQLite store: key generation, reads, and the writes with ArangoDB's checks. */
import crypto from 'node:crypto'
import { arangoError } from '../../errors.js'
import { isObject as isPlainObject } from '../../../objects.js'
import { mergePatch, setAttr } from '../../documents/merge.js'
import { checkKey, isValidDocumentId } from '../keys.js'
import { DocumentScanner, SCAN_PLAIN } from '../json-scan.js'
import type { Doc, WriteOptions, WriteResult } from '../types.js'
import { CatalogStore } from './catalog.js'
import { arrayEntries, checkArrayUnique, writeEntries } from './array-index.js'
import {
  COLS,
  SYSTEM_ATTRS,
  conflictRev,
  deepEqual,
  getPath,
  rowJson,
  toSqlValue,
  uniqueViolation,
  type CollMeta,
  type CollStmts,
  type Row,
  type ScanRow,
} from './rows.js'

export abstract class DocumentStore extends CatalogStore {
  /** Document handles found valid (see validHandle). */
  private readonly validHandles = new Set<string>()
  private readonly scanner = new DocumentScanner()

  // ---------------------------------------------------------------- keys

  protected keyCounter(c: CollMeta): { value: number; dirty: boolean } {
    const id = Number(c.info.id)
    let st = this.keyState.get(id)
    if (!st) {
      st = { value: Number(this.s.getLastKey.get(id) ?? 0), dirty: false }
      this.keyState.set(id, st)
    }
    return st
  }

  protected generateKey(c: CollMeta): string {
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
  protected trackKey(c: CollMeta, key: string): void {
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

  /** The collection's revision: its newest document revision ('0' when empty). */
  revision(db: string, coll: string): string {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    const r = this.db.prepare(`SELECT max(rev) FROM ${c.table}`).pluck().get() as string | null
    return r ?? '0'
  }

  /** The stored JSON text of a document (no parse), for REST reads. */
  getRaw(db: string, coll: string, key: string): { rev: string; json: string } | undefined {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    if (typeof key !== 'string') return undefined
    const row = this.stmts(c).getDoc.get(key) as Row | undefined
    return row && { rev: row[1], json: rowJson(c, row) ?? JSON.stringify(this.toDoc(c, row)) }
  }

  /**
   * Full scan in insertion order, as ArangoDB's RocksDB engine iterates a collection (its
   * documents column family is keyed by LocalDocumentId, which grows with every insert), paged by
   * rowid. The scan ends at the last row present when it started: documents inserted meanwhile
   * (`FOR d IN c INSERT … INTO c`) are not visited, as under RocksDB's snapshot. An update keeps
   * a document's place here (RocksDB moves it to the end: docs/engine.md, "Scan order").
   */
  *scan(db: string, coll: string, chunkSize = 1000): Iterable<Doc> {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    const end = this.stmts(c).maxRowid.get() as number | null
    if (end === null) return
    let after = 0
    for (;;) {
      const rows = this.stmts(this.meta(db, coll)).scan.all(after, end, chunkSize) as ScanRow[]
      for (const r of rows) yield this.toDoc(c, r)
      if (rows.length < chunkSize) return
      after = rows[rows.length - 1][5]
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

  // ---------------------------------------------------------------- writes

  /**
   * Throw 1210 when `doc` would break a unique index; `ownKey`/`ownRid`: the document it replaces
   * (its own entries do not conflict).
   */
  protected checkUnique(
    c: CollMeta,
    doc: Record<string, unknown>,
    ownKey: string | null,
    ownRid: number | null,
  ): void {
    for (const idx of c.indexes) {
      if (!idx.unique) continue
      if (idx.side) {
        checkArrayUnique(this.db, c, idx, doc._key as string, arrayEntries(idx, doc), ownRid)
        continue
      }
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

  /** The rowid of a stored document, when the collection has array indexes to keep in step. */
  protected arrayRowid(c: CollMeta, key: string): number | null {
    if (!c.indexes.some((i) => i.side)) return null
    return (this.stmts(c).rowidOf.get(key) as number | undefined) ?? null
  }

  /** Rewrite the array index entries of row `rid` (`doc` null: the document was removed). */
  protected syncArrayIndexes(c: CollMeta, rid: number, doc: Record<string, unknown> | null): void {
    for (const idx of c.indexes) {
      if (idx.side) writeEntries(this.db, c, idx, rid, doc && arrayEntries(idx, doc))
    }
  }

  protected edgeEnds(c: CollMeta, doc: Record<string, unknown>): [string | null, string | null] {
    if (!c.isEdge) return [null, null]
    const f = doc._from
    const t = doc._to
    if (!this.validHandle(f) || !this.validHandle(t)) throw arangoError('ARANGO_INVALID_EDGE_ATTRIBUTE')
    return [f, t]
  }

  /** A stored row as the document ArangoDB returns: system attributes from the columns, first. */
  protected toDoc(c: CollMeta, row: Row): Doc {
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
  protected assemble(
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
        if (mode === 'ignore') {
          const r = new Written(c.idPrefix + key, key, old[1], undefined, null, () => this.toDoc(c, old))
          r.ignored = true
          return r
        }
        return mode === 'update'
          ? this.doUpdate(c, key, this.toDoc(c, old), doc, opts, false)
          : this.doReplace(c, key, old, doc, opts, false)
      }
    }
    const [from, to] = this.edgeEnds(c, doc)
    const rev = this.clock.next()
    if (opts.keepNull !== false && (c.indexes.length === 0 || (rawJson === undefined && sqliteKept(c)))) {
      // the received text (imports) or the input as JSON is stored: the system attributes come
      // from the columns on read, whatever the text holds; the new document is built if asked
      this.insertRow(st, key, rev, rawJson ?? JSON.stringify(doc), from, to)
      const k = key
      return new Written(
        c.idPrefix + key,
        key,
        rev,
        undefined,
        () => this.assemble(c, k, rev, from, to, doc),
        null,
      )
    }
    let newDoc = this.assemble(c, key, rev, from, to, doc)
    let text = rawJson
    if (opts.keepNull === false) {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, newDoc, false, true)
      newDoc = cleaned as Doc
      text = undefined
    }
    if (c.indexes.length > 0) this.checkUnique(c, newDoc, null, null)
    const rid = this.insertRow(st, key, rev, text ?? JSON.stringify(newDoc), from, to)
    if (c.indexes.length > 0) this.syncArrayIndexes(c, rid, newDoc)
    return { _id: newDoc._id, _key: key, _rev: rev, new: newDoc, old: null }
  }

  /**
   * The bulk import's fast path, for the documents of one request: a function that stores one
   * JSON text (UTF-8 bytes `start`..`end` of the request body) as received under a generated key,
   * without parsing it into objects — the bytes are checked in one pass (DocumentScanner: JSON as JSON.parse takes it, an object, no top-level
   * `_key`; for an edge, plain `_from`/`_to` strings that are valid document handles). It answers
   * false, having changed nothing, for any text it does not take: the caller then parses it and
   * calls `insert`, which stores it or reports what is wrong as ArangoDB does. Null when the
   * collection needs the parsed documents (persistent indexes, keepNull false). Call it inside
   * the request's write transaction; `prefixes`: the import's fromPrefix/toPrefix.
   */
  jsonInserter(
    db: string,
    coll: string,
    opts: WriteOptions = {},
    prefixes: { from?: string; to?: string } = {},
  ): ((body: Buffer, start: number, end: number) => boolean) | null {
    this.guard?.(coll, true)
    const c = this.meta(db, coll)
    if (c.indexes.length > 0 || opts.keepNull === false) return null
    const st = this.stmts(c)
    const counter = c.info.keyOptions.type === 'uuid' ? null : this.keyCounter(c)
    const scanner = this.scanner
    const isEdge = c.isEdge
    const { from: fromPrefix, to: toPrefix } = prefixes
    return (body: Buffer, start: number, end: number): boolean => {
      if (scanner.scan(body, start, end) !== SCAN_PLAIN) return false
      let from: string | null = null
      let to: string | null = null
      if (isEdge) {
        if (scanner.fromStart < 0 || scanner.toStart < 0) return false
        const f = body.toString('utf8', scanner.fromStart, scanner.fromEnd)
        const t = body.toString('utf8', scanner.toStart, scanner.toEnd)
        from = fromPrefix !== undefined && !f.includes('/') ? `${fromPrefix}/${f}` : f
        to = toPrefix !== undefined && !t.includes('/') ? `${toPrefix}/${t}` : t
        if (!this.validHandle(from) || !this.validHandle(to)) return false
      }
      const value = counter?.value ?? 0
      const dirty = counter?.dirty ?? false
      const key = this.generateKey(c)
      try {
        st.insert.run(key, this.clock.next(), body.toString('utf8', start, end), from, to)
      } catch (e) {
        // a generated key some user key took already: `insert` says what happens then
        if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e
        if (counter) {
          counter.value = value
          counter.dirty = dirty
        }
        return false
      }
      return true
    }
  }

  /** `isValidDocumentId`, remembered: imports and edge writes repeat the same few vertices. */
  protected validHandle(id: unknown): id is string {
    if (typeof id !== 'string') return false
    if (this.validHandles.has(id)) return true
    if (!isValidDocumentId(id)) return false
    if (this.validHandles.size >= 10_000) this.validHandles.clear()
    this.validHandles.add(id)
    return true
  }

  protected insertRow(
    st: CollStmts,
    key: string,
    rev: string,
    text: string,
    from: string | null,
    to: string | null,
  ): number {
    try {
      return Number(st.insert.run(key, rev, text, from, to).lastInsertRowid)
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw uniqueViolation('primary', 'primary', ['_key'], key)
      }
      throw e
    }
  }

  /** The stored row of a document about to change, its revision checked (the document is parsed by who needs it). */
  protected loadOld(
    c: CollMeta,
    key: string,
    opts: WriteOptions,
    input: Record<string, unknown> | null,
  ): Row {
    if (typeof key !== 'string') throw arangoError('ARANGO_DOCUMENT_HANDLE_BAD')
    const row = this.stmts(c).getDoc.get(key) as Row | undefined
    if (!row) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
    const rev = row[1]
    if (opts.ifMatch !== undefined && opts.ifMatch !== rev) throw conflictRev(c, key, rev, 412)
    if (opts.ignoreRevs === false && input && input._rev !== undefined && input._rev !== rev) {
      throw conflictRev(c, key, rev, 409)
    }
    return row
  }

  protected doUpdate(
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
    if (isNoOpUpdate(patch, opts)) {
      return { _id: old._id, _key: key, _rev: old._rev, _oldRev: old._rev, new: old, old }
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
    this.writeUpdate(c, key, rev, newDoc, from, to)
    return { _id: newDoc._id, _key: key, _rev: rev, _oldRev: old._rev, new: newDoc, old }
  }

  /** `oldRow`: the stored row (its document is parsed only if the result's `old` is read). */
  protected doReplace(
    c: CollMeta,
    key: string,
    oldRow: Row,
    doc: Record<string, unknown>,
    opts: WriteOptions,
    check = true,
  ): WriteResult {
    const oldRev = oldRow[1]
    if (check && opts.ignoreRevs === false && doc._rev !== undefined && doc._rev !== oldRev) {
      throw conflictRev(c, key, oldRev, 409)
    }
    const [from, to] = this.edgeEnds(c, doc)
    this.clock.witness(oldRev)
    const rev = this.clock.next()
    const old = () => this.toDoc(c, oldRow)
    if (sqliteKept(c) && !(opts.keepNull === false && opts.overwriteMode === 'replace')) {
      // as insert: the input stored as JSON, the new document built if asked
      this.stmts(c).update.run(rev, JSON.stringify(doc), from, to, key)
      return new Written(
        c.idPrefix + key,
        key,
        rev,
        oldRev,
        () => this.assemble(c, key, rev, from, to, doc),
        old,
      )
    }
    let newDoc = this.assemble(c, key, rev, from, to, doc)
    if (opts.keepNull === false && opts.overwriteMode === 'replace') {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, newDoc, false, true)
      newDoc = cleaned as Doc
    }
    this.writeUpdate(c, key, rev, newDoc, from, to)
    return new Written(newDoc._id, key, rev, oldRev, () => newDoc, old)
  }

  /** Store the new version of an existing document (unique indexes checked, array entries rewritten). */
  protected writeUpdate(
    c: CollMeta,
    key: string,
    rev: string,
    doc: Doc,
    from: string | null,
    to: string | null,
  ): void {
    const rid = this.arrayRowid(c, key)
    if (c.indexes.length > 0) this.checkUnique(c, doc, key, rid)
    this.stmts(c).update.run(rev, JSON.stringify(doc), from, to, key)
    if (rid !== null) this.syncArrayIndexes(c, rid, doc)
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
    return this.doUpdate(c, key, this.toDoc(c, old), patch, opts)
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
    const rid = this.arrayRowid(c, key)
    this.stmts(c).remove.run(key)
    if (rid !== null) this.syncArrayIndexes(c, rid, null)
    return new Written(c.idPrefix + key, key, old[1], undefined, null, () => this.toDoc(c, old))
  }
}

/**
 * Every index of `c` is kept by SQLite itself (non-unique, no array side table): a write needs
 * no check or side entries from us, so the input can be stored as JSON without assembling the
 * new document. Its text may hold system attributes; reads and index expressions take those
 * from the columns. (Not for received text: an index expression would read a duplicate
 * attribute's first value where JSON.parse keeps the last.)
 */
function sqliteKept(c: CollMeta): boolean {
  for (const i of c.indexes) if (i.unique || i.side) return false
  return true
}

/**
 * arangod's no-op update (transaction::Methods::modifyLocalHelper): when the update value holds
 * at most one attribute — the `_key` every caller adds (RestDocumentHandler for PATCH, the AQL
 * UPDATE/UPSERT for `WITH {}`) — nothing is written and the document keeps its `_rev`. Any other
 * attribute, even one with the stored value, makes a new revision; so does an `If-Match`
 * header, which arangod adds to the value as `_rev`.
 */
function isNoOpUpdate(patch: Record<string, unknown>, opts: WriteOptions): boolean {
  if (opts.ifMatch !== undefined) return false
  for (const k in patch) if (k !== '_key') return false
  return true
}

/**
 * A write's result whose documents are built when first read: the document routes read `new` and
 * `old` only for returnNew/returnOld, imports never, so most writes parse and assemble neither.
 */
class Written implements WriteResult {
  ignored?: boolean
  private newDoc?: Doc | null
  private oldDoc?: Doc | null

  constructor(
    readonly _id: string,
    readonly _key: string,
    readonly _rev: string,
    readonly _oldRev: string | undefined,
    private readonly makeNew: (() => Doc) | null,
    private readonly makeOld: (() => Doc) | null,
  ) {}

  get new(): Doc | null {
    if (this.newDoc === undefined) this.newDoc = this.makeNew ? this.makeNew() : null
    return this.newDoc
  }

  get old(): Doc | null {
    if (this.oldDoc === undefined) this.oldDoc = this.makeOld ? this.makeOld() : null
    return this.oldDoc
  }
}
