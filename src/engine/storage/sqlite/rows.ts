/**
 * The SQLite layout's building blocks shared by the store's modules: per-collection metadata and
 * prepared statements, the row shape, and the SQL expressions of attribute paths.
 */
import type { Statement } from 'better-sqlite3'
import { arangoError, type ArangoError } from '../../errors.js'
import { isObject as isPlainObject } from '../../../objects.js'
import type { CollectionInfo } from '../types.js'

export interface IndexMeta {
  iid: number
  name: string
  type: 'persistent'
  fields: string[]
  unique: boolean
  sparse: boolean
  /** Array indexes: each document's entries are deduplicated (ArangoDB's default true). */
  deduplicate: boolean
  /** SQL expressions (json_extract over doc) for each field, as used in the SQLite index. */
  exprs: string[]
  uniqueStmt?: Statement
  /** Array indexes (a field with `[*]`): the side table holding the entries (array-index.ts). */
  side?: string
  /** Array indexes: each field parsed (attribute path, member path of the `[*]` field). */
  paths?: { path: string[]; member?: string[] }[]
  /** Array indexes: prepared statements of the side table. */
  sideStmts?: unknown
}

/** A stored row: k, rev, f, t, doc (a scan's rows carry their rowid after these). */
export type Row = [string, string, string | null, string | null, string, ...unknown[]]
/** A row of a scan: the row and its rowid (the insertion sequence). */
export type ScanRow = [string, string, string | null, string | null, string, number]

export interface CollStmts {
  insert: Statement
  getDoc: Statement
  update: Statement
  remove: Statement
  count: Statement
  scan: Statement
  maxRowid: Statement
  rowidOf: Statement
  edgesOut: Statement
  edgesIn: Statement
}

export interface CollMeta {
  info: CollectionInfo
  db: string
  table: string
  idPrefix: string
  isEdge: boolean
  indexes: IndexMeta[]
  stmts?: CollStmts
}

export interface CollRow {
  db: string
  name: string
  id: number
  type: number
  is_system: number
  wait_for_sync: number
  key_options: string
  schema: string | null
}

export const DB_FILE = 'engine.sqlite'
export const SYSTEM_ATTRS = new Set(['_key', '_id', '_rev', '_from', '_to'])
export const COLS = 'k, rev, f, t, doc'
/** System attributes live in columns; index expressions use them directly. */
export const COLUMN_OF: Record<string, string> = { _key: 'k', _rev: 'rev', _from: 'f', _to: 't' }

export function indexExpr(field: string): string {
  return COLUMN_OF[field] ?? `json_extract(doc, ${sqlString(jsonPath(field))})`
}

/** `a.b` -> `$."a"."b"` (quoted so any attribute name works). */
export function jsonPath(field: string): string {
  return (
    '$' +
    field
      .split('.')
      .map((p) => '."' + p.replace(/"/g, '""') + '"')
      .join('')
  )
}

export function sqlString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'"
}

export function getPath(doc: Record<string, unknown>, field: string): unknown {
  let cur: unknown = doc
  for (const part of field.split('.')) {
    if (!isPlainObject(cur)) return undefined
    cur = cur[part]
  }
  return cur
}

/** A JS value as SQLite's json_extract yields it, for binding against index expressions. */
export function toSqlValue(v: unknown): unknown {
  if (v === undefined || v === null) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' || typeof v === 'string') return v
  return JSON.stringify(v)
}

export function deepEqual(a: unknown, b: unknown): boolean {
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

export function conflictRev(c: CollMeta, key: string, rev: string, http: number): ArangoError {
  return arangoError('ARANGO_CONFLICT', 'conflict, _rev values do not match', {
    http,
    extra: { _id: c.idPrefix + key, _key: key, _rev: rev },
  })
}

export function uniqueViolation(index: string, type: string, fields: string[], key: string): ArangoError {
  return arangoError(
    'ARANGO_UNIQUE_CONSTRAINT_VIOLATED',
    `unique constraint violated - in index ${index} of type ${type} over '${fields.join(', ')}'; conflicting key: ${key}`,
  )
}

/** Any system attribute's name as JSON text: where the stored text holds one, it is parsed. */
const SYSTEM_NAME = /"_(?:key|id|rev|from|to)"/

/**
 * A stored row as the JSON text of its document (system attributes from the columns, first,
 * then the stored attributes in their order) without parsing it, for REST reads: what
 * `JSON.stringify(toDoc(row))` gives, up to the spelling of numbers and escapes the text was
 * stored with. Undefined where that cannot be had by splicing: the text holds a system
 * attribute's name anywhere past what the engine itself stores first (`_key` as sent, or the
 * columns' own values, which `head` must then match exactly), and the caller parses.
 */
export function rowJson(c: CollMeta, row: Row): string | undefined {
  const [key, rev, from, to, text] = row
  const keyHead = `{"_key":${JSON.stringify(key)}`
  const head =
    `${keyHead},"_id":${JSON.stringify(c.idPrefix + key)}` +
    (c.isEdge ? `,"_from":${JSON.stringify(from)},"_to":${JSON.stringify(to)}` : '') +
    `,"_rev":${JSON.stringify(rev)}`
  // what follows the system attributes the text starts with, if any: `,...}` or `}`
  let rest: string
  if (text.startsWith(head) && (text[head.length] === ',' || text[head.length] === '}')) {
    rest = text.slice(head.length) // written whole by the engine (update, replace with keepNull false)
  } else if (text.startsWith(keyHead) && (text[keyHead.length] === ',' || text[keyHead.length] === '}')) {
    rest = text.slice(keyHead.length) // the input as sent, `_key` first (graphpipe's writes)
  } else if (text[0] === '{') {
    const body = text.slice(1)
    rest = body.trimStart().startsWith('}') ? '}' : `,${body}`
  } else return undefined
  return SYSTEM_NAME.test(rest) ? undefined : head + rest
}
