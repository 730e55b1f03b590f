import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteStore } from '../../../src/engine/storage/sqlite-store.js'
import { ArangoError } from '../../../src/engine/errors.js'
import { errNum } from '../../helpers/arango-error.js'
import { RevisionClock } from '../../../src/engine/storage/keys.js'

describe('SqliteStore', () => {
  let dir: string
  let store: SqliteStore

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-store-'))
    store = new SqliteStore(dir)
  })
  afterEach(() => {
    store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('sizes the SQLite page cache: 64 MiB by default, as asked otherwise (the import engine)', () => {
    expect(store.db.pragma('cache_size', { simple: true })).toBe(-64 * 1024)
    const other = new SqliteStore(dir, { cacheMiB: 16 })
    try {
      expect(other.db.pragma('cache_size', { simple: true })).toBe(-16 * 1024)
    } finally {
      other.close()
    }
  })

  it('creates _system with a _graphs system collection', () => {
    expect(store.listDatabases()).toEqual(['_system'])
    expect(store.getCollection('_system', '_graphs')?.isSystem).toBe(true)
  })

  it('rejects invalid and duplicate database names', () => {
    expect(errNum(() => store.createDatabase('1abc'))).toBe(1229)
    expect(errNum(() => store.createDatabase('a/b'))).toBe(1229)
    store.createDatabase('db1')
    expect(errNum(() => store.createDatabase('db1'))).toBe(1207)
    expect(errNum(() => store.dropDatabase('_system'))).toBe(1230)
    expect(errNum(() => store.dropDatabase('nope'))).toBe(1228)
  })

  it('generates increasing keys, _id and 11-character increasing revisions', () => {
    store.createCollection('_system', 'c')
    const a = store.insert('_system', 'c', { x: 1 })
    const b = store.insert('_system', 'c', { x: 2 })
    expect(Number(b._key)).toBeGreaterThan(Number(a._key))
    expect(a._id).toBe(`c/${a._key}`)
    expect(a._rev).toMatch(/^[-_A-Za-z0-9]{11}$/)
    expect(store.get('_system', 'c', a._key)).toEqual({ _key: a._key, _id: a._id, _rev: a._rev, x: 1 })
    expect(store.lastKeyValue('_system', 'c')).toBe(Number(b._key))
  })

  it('orders revisions like ArangoDB (- < _ < A < a < 0)', () => {
    const clock = new RevisionClock()
    const revs = Array.from({ length: 2000 }, () => clock.next())
    const order = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    const cmp = (x: string, y: string) => {
      for (let i = 0; i < 11; i++) {
        const d = order.indexOf(x[i]) - order.indexOf(y[i])
        if (d !== 0) return d
      }
      return 0
    }
    for (let i = 1; i < revs.length; i++) expect(cmp(revs[i - 1], revs[i])).toBeLessThan(0)
  })

  it('enforces key rules (1221) and the primary index (1210 with ArangoDB message)', () => {
    store.createCollection('_system', 'c')
    expect(errNum(() => store.insert('_system', 'c', { _key: 'a b' }))).toBe(1221)
    expect(errNum(() => store.insert('_system', 'c', { _key: 'x'.repeat(255) }))).toBe(1221)
    expect(errNum(() => store.insert('_system', 'c', { _key: 12 }))).toBe(1221)
    store.insert('_system', 'c', { _key: 'x'.repeat(254) })
    store.insert('_system', 'c', { _key: "a-_.@()+,=;$!*'%:" })
    store.insert('_system', 'c', { _key: 'abc' })
    try {
      store.insert('_system', 'c', { _key: 'abc' })
      expect.unreachable()
    } catch (e) {
      expect((e as ArangoError).errorNum).toBe(1210)
      expect((e as ArangoError).message).toBe(
        "unique constraint violated - in index primary of type primary over '_key'; conflicting key: abc",
      )
    }
  })

  it('validates edge _from/_to (1233) and orders edge attributes as ArangoDB does', () => {
    store.createCollection('_system', 'e', { type: 3 })
    expect(errNum(() => store.insert('_system', 'e', { _from: 'a/1' }))).toBe(1233)
    expect(errNum(() => store.insert('_system', 'e', { _from: 'a', _to: 'b/1' }))).toBe(1233)
    const r = store.insert('_system', 'e', { w: 1, _to: 'v/2', _from: 'v/1', _key: 'k' })
    expect(Object.keys(r.new!)).toEqual(['_key', '_id', '_from', '_to', '_rev', 'w'])
    expect(store.edges('_system', 'e', 'out', 'v/1').map((d) => d._key)).toEqual(['k'])
    expect(store.edges('_system', 'e', 'in', 'v/2').map((d) => d._key)).toEqual(['k'])
    expect(store.edges('_system', 'e', 'in', 'v/1')).toEqual([])
  })

  it('implements overwriteMode ignore/replace/update/conflict', () => {
    store.createCollection('_system', 'c')
    const first = store.insert('_system', 'c', { _key: 'k', a: 1, o: { x: 1 } })
    const ign = store.insert('_system', 'c', { _key: 'k', a: 2 }, { overwriteMode: 'ignore' })
    expect(ign.ignored).toBe(true)
    expect(ign._rev).toBe(first._rev)
    const upd = store.insert('_system', 'c', { _key: 'k', b: 2, o: { y: 2 } }, { overwriteMode: 'update' })
    expect(upd._oldRev).toBe(first._rev)
    expect(store.get('_system', 'c', 'k')).toMatchObject({ a: 1, b: 2, o: { x: 1, y: 2 } })
    store.insert('_system', 'c', { _key: 'k', z: 3 }, { overwriteMode: 'replace' })
    const d = store.get('_system', 'c', 'k')!
    expect(d.z).toBe(3)
    expect(d.a).toBeUndefined()
    expect(errNum(() => store.insert('_system', 'c', { _key: 'k' }, { overwriteMode: 'conflict' }))).toBe(
      1210,
    )
  })

  it('updates with keepNull and mergeObjects (arrays replaced)', () => {
    store.createCollection('_system', 'c')
    store.insert('_system', 'c', { _key: 'k', a: 1, o: { x: 1, arr: [1, 2] }, n: 5 })
    store.update('_system', 'c', 'k', { o: { y: 2, arr: [3] }, n: null }, { keepNull: false })
    expect(store.get('_system', 'c', 'k')).toMatchObject({ a: 1, o: { x: 1, y: 2, arr: [3] } })
    expect(store.get('_system', 'c', 'k')).not.toHaveProperty('n')
    store.update('_system', 'c', 'k', { o: { z: 1 }, m: null }, { mergeObjects: false })
    expect(store.get('_system', 'c', 'k')).toMatchObject({ o: { z: 1 }, m: null })
  })

  it('checks revisions: ignoreRevs false (1200/409) and ifMatch (1200/412)', () => {
    store.createCollection('_system', 'c')
    const r = store.insert('_system', 'c', { _key: 'k' })
    try {
      store.update('_system', 'c', 'k', { a: 1 }, { ifMatch: 'bogus' })
      expect.unreachable()
    } catch (e) {
      expect((e as ArangoError).errorNum).toBe(1200)
      expect((e as ArangoError).code).toBe(412)
      expect((e as ArangoError).extra).toEqual({ _id: 'c/k', _key: 'k', _rev: r._rev })
    }
    expect(errNum(() => store.replace('_system', 'c', 'k', { _rev: 'bogus' }, { ignoreRevs: false }))).toBe(
      1200,
    )
    expect(errNum(() => store.replace('_system', 'c', 'k', { _rev: 'bogus' }))).toBeUndefined()
    expect(errNum(() => store.remove('_system', 'c', 'nope'))).toBe(1202)
  })

  it('enforces unique persistent indexes including null for non-sparse, and skips nulls when sparse', () => {
    store.createCollection('_system', 'c')
    const idx = store.ensureIndex('_system', 'c', { type: 'persistent', fields: ['u'], unique: true })
    expect(idx.isNewlyCreated).toBe(true)
    expect(
      store.ensureIndex('_system', 'c', { type: 'persistent', fields: ['u'], unique: true }).isNewlyCreated,
    ).toBe(false)
    store.insert('_system', 'c', { u: 1 })
    store.insert('_system', 'c', { u: true }) // distinct from 1 although SQLite stores true as 1
    store.insert('_system', 'c', { u: '1' })
    store.insert('_system', 'c', {})
    expect(errNum(() => store.insert('_system', 'c', { u: null }))).toBe(1210)
    expect(errNum(() => store.insert('_system', 'c', { u: 1 }))).toBe(1210)
    store.ensureIndex('_system', 'c', { type: 'persistent', fields: ['s'], unique: true, sparse: true })
    store.insert('_system', 'c', { u: 2 })
    store.insert('_system', 'c', { u: 3 })
    store.insert('_system', 'c', { u: 4, s: 'a' })
    expect(errNum(() => store.insert('_system', 'c', { u: 5, s: 'a' }))).toBe(1210)
    const found = store.indexLookup('_system', 'c', idx.id, { eq: [1] })
    expect(found.filter((d) => d.u === 1)).toHaveLength(1)
    const range = store.indexLookup('_system', 'c', idx.id, { lower: { value: 2, inclusive: true } })
    expect(range.map((d) => d.u).sort()).toEqual([2, 3, 4])
    expect(errNum(() => store.ensureIndex('_system', 'c', { type: 'geo', fields: ['g'] }))).toBe(9)
    store.dropIndex('_system', 'c', idx.id)
    store.insert('_system', 'c', { u: 1 })
    expect(
      errNum(() => store.ensureIndex('_system', 'c', { type: 'persistent', fields: ['u'], unique: true })),
    ).toBe(1210)
  })

  it('keeps a non-unique persistent index right when writes store their input as is (insert, overwrite, replace, update; system attributes in the input)', () => {
    store.createCollection('_system', 'c')
    const idx = store.ensureIndex('_system', 'c', { type: 'persistent', fields: ['t'], sparse: true })
    const lookup = (t: number) =>
      store
        .indexLookup('_system', 'c', idx.id, { eq: [t] })
        .map((d) => d._key)
        .sort()
    store.insert('_system', 'c', { _key: 'a', t: 1, x: 'a' })
    store.insert('_system', 'c', { _key: 'b', _id: 'c/zzz', _rev: 'bogus', t: 1 })
    store.insert('_system', 'c', { _key: 'c' })
    expect(lookup(1)).toEqual(['a', 'b'])
    // insert over an existing document (as the consumer writes its bookkeeping)
    store.insert('_system', 'c', { _key: 'a', t: 2 }, { overwriteMode: 'replace' })
    store.replace('_system', 'c', 'b', { _key: 'b', _rev: 'bogus', t: 3 })
    store.update('_system', 'c', 'c', { t: 2 })
    expect(lookup(1)).toEqual([])
    expect(lookup(2)).toEqual(['a', 'c'])
    expect(lookup(3)).toEqual(['b'])
    // the system attributes come from the columns, whatever the stored text holds
    expect(store.get('_system', 'c', 'b')).toEqual({ _key: 'b', _id: 'c/b', _rev: expect.any(String), t: 3 })
    expect(store.get('_system', 'c', 'b')?._rev).not.toBe('bogus')
    store.replace('_system', 'c', 'a', { x: 1 })
    expect(lookup(2)).toEqual(['c'])
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok')
  })

  it('lists primary and edge indexes implicitly', () => {
    store.createCollection('_system', 'e', { type: 3 })
    expect(store.listIndexes('_system', 'e').map((i) => [i.id, i.type])).toEqual([
      ['e/0', 'primary'],
      ['e/2', 'edge'],
    ])
  })

  it('transaction is all-or-nothing, nested calls are savepoints', () => {
    store.createCollection('_system', 'c')
    expect(() =>
      store.transaction(() => {
        store.insert('_system', 'c', { _key: 'a' })
        store.insert('_system', 'c', { _key: 'a' })
      }),
    ).toThrow()
    expect(store.count('_system', 'c')).toBe(0)
    store.transaction(() => {
      store.insert('_system', 'c', { _key: 'b' })
      expect(() => store.transaction(() => store.insert('_system', 'c', { _key: 'b' }))).toThrow()
    })
    expect(store.count('_system', 'c')).toBe(1)
  })

  it('renames, truncates, drops collections and scans in key order across chunks', () => {
    store.createCollection('_system', 'c')
    for (let i = 0; i < 25; i++) store.insert('_system', 'c', { _key: `k${String(i).padStart(2, '0')}` })
    expect([...store.scan('_system', 'c', 10)].map((d) => d._key)).toHaveLength(25)
    const info = store.renameCollection('_system', 'c', 'd')
    expect(info.name).toBe('d')
    expect(store.get('_system', 'd', 'k01')?._id).toBe('d/k01')
    store.truncateCollection('_system', 'd')
    expect(store.count('_system', 'd')).toBe(0)
    store.dropCollection('_system', 'd')
    expect(errNum(() => store.requireCollection('_system', 'd'))).toBe(1203)
    expect(errNum(() => store.createCollection('_system', '9x'))).toBe(1208)
  })

  it('sees collections another connection created (metadata invalidation)', () => {
    const other = new SqliteStore(dir)
    try {
      other.createCollection('_system', 'fromOther')
      expect(store.getCollection('_system', 'fromOther')).toBeDefined()
      other.insert('_system', 'fromOther', { _key: 'x' })
      expect(store.get('_system', 'fromOther', 'x')?._key).toBe('x')
      // generated keys stay unique across connections
      const a = store.insert('_system', 'fromOther', {})
      const b = other.insert('_system', 'fromOther', {})
      expect(a._key).not.toBe(b._key)
      other.dropCollection('_system', 'fromOther')
      expect(store.getCollection('_system', 'fromOther')).toBeUndefined()
    } finally {
      other.close()
    }
  })
})

describe('RevisionClock.witness', () => {
  it('makes the next revision greater than one another process wrote', () => {
    const a = new RevisionClock()
    const b = new RevisionClock()
    const order = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
    const key = (r: string) => [...r].map((ch) => String.fromCharCode(65 + order.indexOf(ch))).join('')
    let fromB = ''
    for (let i = 0; i < 50; i++) fromB = b.next()
    a.witness(fromB)
    const next = a.next()
    expect(key(next) > key(fromB)).toBe(true)
  })
})

describe('attribute names', () => {
  it('keeps __proto__ as an ordinary attribute (insert, update, read)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-proto-'))
    const store = new SqliteStore(dir)
    try {
      store.createCollection('_system', 'c')
      const doc = JSON.parse('{"_key":"p","__proto__":{"x":1},"a":1}') as Record<string, unknown>
      store.insert('_system', 'c', doc)
      const got = store.get('_system', 'c', 'p')!
      expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(true)
      expect(JSON.stringify(got)).toContain('"__proto__":{"x":1}')
      store.update('_system', 'c', 'p', JSON.parse('{"__proto__":{"y":2}}') as Record<string, unknown>)
      expect(JSON.stringify(store.get('_system', 'c', 'p'))).toContain('"__proto__":{"x":1,"y":2}')
    } finally {
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
