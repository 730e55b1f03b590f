/** Databases and collections: the catalog tables and the DDL of the SQLite store. */
import { arangoError } from '../../errors.js'
import { isValidCollectionName, isValidDatabaseName } from '../keys.js'
import { GRAPHS_COLLECTION, type CollectionInfo, type CollectionType } from '../types.js'
import { StoreConnection } from './connection.js'
import type { CollMeta } from './rows.js'

export abstract class CatalogStore extends StoreConnection {
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
      // seq aliases the rowid (the scan's insertion order) so that a VACUUM cannot renumber it
      this.db.exec(
        `CREATE TABLE ${t} (seq INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, rev TEXT NOT NULL, doc TEXT NOT NULL, f TEXT, t TEXT)`,
      )
      if (type === 3) this.db.exec(`CREATE INDEX ${t}_f ON ${t}(f); CREATE INDEX ${t}_t ON ${t}(t);`)
      this.schemaChanged()
      return this.meta(db, name).info
    })
  }

  protected dropTable(c: CollMeta): void {
    for (const i of c.indexes) if (i.side) this.db.exec(`DROP TABLE IF EXISTS ${i.side}`)
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
      for (const i of c.indexes) if (i.side) this.db.exec(`DELETE FROM ${i.side}`)
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
}
