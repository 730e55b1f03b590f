/**
 * Persistent array indexes (`fields: ["tags[*]"]`, `["a.b[*].c"]`), as the ArangoDB 3.12 manual
 * describes them (Index basics, "Indexing array values"): each member of the array (or its
 * sub-attribute, null when missing) is an index entry of the document; a document whose attribute
 * is not an array, or an empty one, is not indexed; entries are deduplicated per document unless
 * `deduplicate: false`; `sparse` applies only to the fields without `[*]`.
 *
 * SQLite cannot index a JSON array's members, so each array index has a side table
 * `c<id>_a<iid>(rid, v0, v1, …)`: one row per entry, `rid` the document's rowid, `vN` the
 * canonical text of field N's value (AQL equality: equal values, equal text), indexed on
 * (v0, v1, …, rid). The store keeps it in step with every write.
 */
import type { Database as Db, Statement } from 'better-sqlite3'
import { ArangoError, arangoError } from '../../errors.js'
import { isObject as isPlainObject } from '../../../objects.js'
import { canonicalKey } from '../../aql/values.js'
import { COLS, uniqueViolation, type CollMeta, type IndexMeta, type Row } from './rows.js'

/** A field of an index: the attribute path, and for `a[*].b` the path inside each member. */
export interface FieldPath {
  path: string[]
  /** Set for an array field: the sub-attribute path of each member ([] for `a[*]` itself). */
  member?: string[]
}

/**
 * Parse an index field as arangod's TRI_ParseAttributeString does: `[` must start `[*]`, followed
 * by the end or `.` (else 1220 "can only use [*] for indexes"); one `[*]` per field (else 10).
 */
export function parseField(field: string): FieldPath {
  const star = field.indexOf('[')
  if (star < 0) return { path: field.split('.') }
  if (field.slice(star, star + 3) !== '[*]' || (field.length > star + 3 && field[star + 3] !== '.')) {
    throw arangoError('ARANGO_ATTRIBUTE_PARSER_FAILED', 'can only use [*] for indexes')
  }
  const rest = field.slice(star + 4)
  if (rest.includes('[')) {
    throw new ArangoError(10, 400, 'cannot use multiple [*] expansions for a single index field')
  }
  return { path: field.slice(0, star).split('.'), member: rest === '' ? [] : rest.split('.') }
}

export function isArrayIndex(fields: string[]): boolean {
  return fields.some((f) => f.includes('[*]'))
}

/** The side table of array index `iid` on the collection table `table`. */
export function sideTable(table: string, iid: number): string {
  return `${table}_a${iid}`
}

function follow(v: unknown, path: string[]): unknown {
  let cur = v
  for (const p of path) {
    if (!isPlainObject(cur)) return undefined
    cur = cur[p]
  }
  return cur
}

/**
 * The index entries of `doc` (each a tuple of canonical values, one per field), as the manual's
 * examples lay them out: `{tags: [1, 2], name: "alice"}` under `["tags[*]", "name"]` gives
 * [1, "alice"] and [2, "alice"]. Duplicates are dropped unless the index says deduplicate: false.
 */
export function arrayEntries(idx: IndexMeta, doc: Record<string, unknown>): string[][] {
  let tuples: string[][] = [[]]
  for (const f of idx.paths!) {
    const v = follow(doc, f.path)
    if (f.member === undefined) {
      if (idx.sparse && (v === undefined || v === null)) return []
      const text = canonicalKey(v ?? null)
      tuples = tuples.map((t) => [...t, text])
      continue
    }
    if (!Array.isArray(v) || v.length === 0) return []
    const member = f.member
    const values = v.map((m) => canonicalKey((member.length ? follow(m, member) : m) ?? null))
    tuples = tuples.flatMap((t) => values.map((x) => [...t, x]))
  }
  if (!idx.deduplicate) return tuples
  const seen = new Set<string>()
  return tuples.filter((t) => {
    const k = t.join('\u0000')
    if (seen.has(k)) return false
    seen.add(k)
    return true
  })
}

interface SideStmts {
  add: Statement
  clear: Statement
  conflict: Statement
}

function stmts(db: Db, c: CollMeta, idx: IndexMeta): SideStmts {
  if (idx.sideStmts) return idx.sideStmts as SideStmts
  const t = idx.side!
  const n = idx.fields.length
  const cols = idx.fields.map((_, i) => `v${i}`)
  const s: SideStmts = {
    add: db.prepare(`INSERT INTO ${t} (rid, ${cols.join(', ')}) VALUES (?${', ?'.repeat(n)})`),
    clear: db.prepare(`DELETE FROM ${t} WHERE rid = ?`),
    conflict: db
      .prepare(
        `SELECT d.k FROM ${t} a JOIN ${c.table} d ON d.rowid = a.rid WHERE ${cols.map((x) => `a.${x} = ?`).join(' AND ')} AND a.rid IS NOT ? LIMIT 1`,
      )
      .pluck(),
  }
  idx.sideStmts = s
  return s
}

/** Create the side table of a new array index (empty; `indexDocument` fills it). */
export function createSideTable(db: Db, table: string, nFields: number): void {
  const cols = Array.from({ length: nFields }, (_, i) => `v${i}`)
  db.exec(`CREATE TABLE ${table} (rid INTEGER NOT NULL, ${cols.join(', ')});
    CREATE INDEX ${table}_v ON ${table}(${cols.join(', ')}, rid);
    CREATE INDEX ${table}_r ON ${table}(rid);`)
}

/**
 * Throw 1210 when one of `entries` is already held by another document (`ownRid`: the document
 * being updated), or — with deduplicate: false — twice by this one (the manual: "will fail now").
 */
export function checkArrayUnique(
  db: Db,
  c: CollMeta,
  idx: IndexMeta,
  key: string,
  entries: string[][],
  ownRid: number | null,
): void {
  const s = stmts(db, c, idx)
  const seen = new Set<string>()
  for (const e of entries) {
    const sig = e.join('\u0000')
    if (seen.has(sig)) throw uniqueViolation(idx.name, 'persistent', idx.fields, key)
    seen.add(sig)
    const other = s.conflict.get(...e, ownRid) as string | undefined
    if (other !== undefined) throw uniqueViolation(idx.name, 'persistent', idx.fields, other)
  }
}

/** Replace the entries of document `rid` (none when `entries` is null: the document is gone). */
export function writeEntries(
  db: Db,
  c: CollMeta,
  idx: IndexMeta,
  rid: number,
  entries: string[][] | null,
): void {
  const s = stmts(db, c, idx)
  s.clear.run(rid)
  if (entries) for (const e of entries) s.add.run(rid, ...e)
}

/**
 * Candidates for `value IN doc.field[*]` (and equality on the fields after it): the documents
 * holding an entry equal to the values of a prefix of the fields, once each, in rowid order (the
 * LocalDocumentId order of ArangoDB's index for equal values). Object and array values narrow by
 * their canonical text too.
 */
export function arrayLookup(db: Db, c: CollMeta, idx: IndexMeta, eq: unknown[]): Row[] {
  const n = Math.min(eq.length, idx.fields.length)
  const where = Array.from({ length: n }, (_, i) => `v${i} = ?`)
  const sub = `SELECT rid FROM ${idx.side}${where.length ? ' WHERE ' + where.join(' AND ') : ''}`
  return db
    .prepare(`SELECT ${COLS} FROM ${c.table} WHERE rowid IN (${sub}) ORDER BY rowid`)
    .raw()
    .all(...eq.slice(0, n).map((v) => canonicalKey(v ?? null))) as Row[]
}
