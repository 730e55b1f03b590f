/** Indexes of the SQLite store: the implicit primary/edge indexes and persistent ones. */
import { ArangoError, arangoError } from '../../errors.js'
import type { Doc, IndexCondition, IndexInfo, IndexSpec, Store } from '../types.js'
import { DocumentStore } from './documents.js'
import {
  arrayEntries,
  arrayLookup,
  checkArrayUnique,
  createSideTable,
  isArrayIndex,
  parseField,
  sideTable,
  writeEntries,
} from './array-index.js'
import {
  COLS,
  COLUMN_OF,
  getPath,
  indexExpr,
  jsonPath,
  sqlString,
  toSqlValue,
  uniqueViolation,
  type CollMeta,
  type IndexMeta,
  type Row,
} from './rows.js'

export class SqliteStore extends DocumentStore implements Store {
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
        deduplicate: i.deduplicate,
      })
    }
    return out
  }

  protected findIndex(c: CollMeta, indexId: string): IndexMeta | undefined {
    const slash = indexId.lastIndexOf('/')
    const idPart = slash >= 0 ? indexId.slice(slash + 1) : indexId
    return c.indexes.find((i) => String(i.iid) === idPart || i.name === idPart)
  }

  indexLookup(db: string, coll: string, indexId: string, cond: IndexCondition): Doc[] {
    this.guard?.(coll, false)
    const c = this.meta(db, coll)
    const idx = this.findIndex(c, indexId)
    if (!idx) throw arangoError('ARANGO_INDEX_NOT_FOUND')
    if (idx.side) return arrayLookup(this.db, c, idx, cond.eq ?? []).map((r) => this.toDoc(c, r))
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

  // ---------------------------------------------------------------- indexes

  ensureIndex(db: string, coll: string, spec: IndexSpec): IndexInfo & { isNewlyCreated: boolean } {
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
    const paths = fields.map(parseField)
    const array = isArrayIndex(fields)
    const unique = spec.unique === true
    const sparse = spec.sparse === true
    const deduplicate = spec.deduplicate !== false
    const same = c0.indexes.find(
      (i) =>
        i.unique === unique &&
        i.sparse === sparse &&
        i.deduplicate === deduplicate &&
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
      if (array) {
        const side = sideTable(c.table, iid)
        createSideTable(this.db, side, fields.length)
        const meta: IndexMeta = {
          iid,
          name,
          type: 'persistent',
          fields,
          unique,
          sparse,
          deduplicate,
          exprs: [],
          side,
          paths,
        }
        const rowid = this.db.prepare(`SELECT rowid FROM ${c.table} WHERE k = ?`).pluck()
        for (const d of this.scan(db, coll)) {
          const rid = rowid.get(d._key) as number
          const entries = arrayEntries(meta, d)
          if (unique) checkArrayUnique(this.db, c, meta, d._key, entries, rid)
          writeEntries(this.db, c, meta, rid, entries)
        }
      } else {
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
        this.db.exec(`CREATE INDEX ${c.table}_i${iid} ON ${c.table}(${fields.map(indexExpr).join(', ')})`)
      }
      this.db
        .prepare(
          'INSERT INTO indexes (coll_id, iid, name, type, fields, uniq, sparse, dedup) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          Number(c.info.id),
          iid,
          name,
          'persistent',
          JSON.stringify(fields),
          unique ? 1 : 0,
          sparse ? 1 : 0,
          deduplicate ? 1 : 0,
        )
      this.schemaChanged()
      const info: IndexInfo = {
        id: `${c.info.name}/${iid}`,
        name,
        type: 'persistent',
        fields,
        unique,
        sparse,
        deduplicate,
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
      if (idx.side) this.db.exec(`DROP TABLE IF EXISTS ${idx.side}`)
      else this.db.exec(`DROP INDEX IF EXISTS ${c.table}_i${idx.iid}`)
      this.db.prepare('DELETE FROM indexes WHERE coll_id = ? AND iid = ?').run(Number(c.info.id), idx.iid)
      this.schemaChanged()
    })
  }
}

function notImplementedIndex(type: string): ArangoError {
  return new ArangoError(9, 501, `index type '${type}' is not implemented in the graphpipe embedded engine`)
}
