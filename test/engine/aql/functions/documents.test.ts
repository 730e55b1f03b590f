import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type SqliteStore } from '../../../../src/engine/storage/sqlite-store.js'
import { callWith, v, warned } from './call.js'

describe('document and object functions', () => {
  it('MERGE is shallow, MERGE_RECURSIVE deep; both accept one array of objects', () => {
    expect(v('MERGE', { a: { x: 1 }, b: 1 }, { a: { y: 2 } })).toEqual({ a: { y: 2 }, b: 1 })
    expect(v('MERGE_RECURSIVE', { a: { x: 1 } }, { a: { y: 2 } })).toEqual({ a: { x: 1, y: 2 } })
    expect(v('MERGE', [{ a: 1 }, { a: 2, b: null }])).toEqual({ a: 2, b: null })
    expect(v('MERGE', { a: 1 })).toEqual({ a: 1 })
    expect(warned('MERGE', { a: 1 }, null)).toEqual([1542])
    expect(warned('MERGE', [{ a: 1 }, 2])).toEqual([1542])
  })

  it('UNSET/KEEP take names, numbers and arrays of names; array members must be strings', () => {
    expect(v('UNSET', { a: 1, 1: 2, c: 3 }, 1, ['a'])).toEqual({ c: 3 })
    expect(v('KEEP', { a: 1, b: 2 }, null, 'b')).toEqual({ b: 2 })
    // keys come out in byte order, as arangod builds them (visible in JSON output)
    expect(Object.keys(v('KEEP', { foo: 1, baz: 2, Bar: 3 }, ['foo', 'baz', 'Bar']) as object)).toEqual([
      'Bar',
      'baz',
      'foo',
    ])
    expect(v('UNSET_RECURSIVE', { a: { a: 1, b: [{ a: 1 }] } }, 'a')).toEqual({})
    expect(v('UNSET_RECURSIVE', { x: { a: 1, b: [{ a: 1 }] } }, 'a')).toEqual({ x: { b: [{ a: 1 }] } })
    const r = callWith({}, 'KEEP', { a: 1 }, ['a', 2])
    expect(r.value).toEqual({ a: 1 })
    expect(r.warnings.map((w) => w.code)).toEqual([1542])
  })

  it('ATTRIBUTES sorts by byte order and can drop system attributes; VALUES keeps document order', () => {
    expect(v('ATTRIBUTES', { b: 1, _k: 2, a: 3 })).toEqual(['_k', 'a', 'b'])
    expect(v('KEYS', { b: 1, _k: 2, a: 3 }, true)).toEqual(['a', 'b'])
    expect(v('VALUES', { b: 1, _k: 2, a: 3 }, true)).toEqual([1, 3])
    expect(warned('ATTRIBUTES', [])).toEqual([1542])
    expect(v('ENTRIES', { a: [1] })).toEqual([['a', [1]]])
  })

  it('HAS stringifies the name; VALUE walks a path of names and positions', () => {
    expect(v('HAS', { 1: null }, 1)).toBe(true)
    expect(v('HAS', 'x', 'length')).toBe(false)
    expect(v('VALUE', { a: [{ b: 1 }] }, ['a', 0, 'b'])).toBe(1)
    expect(v('VALUE', { a: [1] }, ['a', -1])).toBe(null)
    expect(v('VALUE', { a: 1 }, [])).toBe(null)
    expect(warned('VALUE', [], ['a'])).toEqual([1542])
  })

  it('MATCHES: a null example value matches a missing attribute; bad examples warn and are skipped', () => {
    expect(v('MATCHES', { a: 1 }, { a: 1, b: null })).toBe(true)
    expect(v('MATCHES', { a: 1 }, { a: [1] })).toBe(false)
    expect(v('MATCHES', 'doc', { a: 1 })).toBe(false)
    const r = callWith({}, 'MATCHES', { a: 1 }, [1, { a: 1 }], true)
    expect(r.value).toBe(1)
    expect(r.warnings.map((w) => w.code)).toEqual([1542])
  })

  it('TRANSLATE, ZIP, JSON_PARSE and JSON_STRINGIFY', () => {
    expect(v('TRANSLATE', true, { true: 'yes' })).toBe('yes')
    expect(v('TRANSLATE', 'x', { a: 1 }, null)).toBe(null)
    expect(v('ZIP', ['a', 'a', 1], [1, 2, 3])).toEqual({ a: 1, 1: 3 })
    expect(warned('ZIP', ['a'], [])).toEqual([1542])
    expect(warned('JSON_PARSE', '{')).toEqual([1542])
    expect(v('JSON_STRINGIFY', { a: [null, 'é'] })).toBe('{"a":[null,"é"]}')
  })

  it('PARSE_IDENTIFIER and friends accept ids and documents; IS_SAME_COLLECTION compares names', () => {
    expect(v('PARSE_IDENTIFIER', '/k')).toEqual({ collection: '', key: 'k' })
    expect(warned('PARSE_IDENTIFIER', 'c/k/x')).toEqual([1542])
    expect(warned('PARSE_KEY', 'nokey')).toEqual([1542])
    expect(v('PARSE_COLLECTION', { _id: 'c/k' })).toBe('c')
    expect(v('IS_SAME_COLLECTION', 'c', { _id: 'c/k' })).toBe(true)
    expect(v('IS_SAME_COLLECTION', 'c/x', 'c')).toBe(true)
    expect(warned('IS_SAME_COLLECTION', 'c', 1)).toEqual([1542])
  })

  describe('DOCUMENT reads through the store', () => {
    let dir: string
    let store: SqliteStore
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'aqlfn-'))
      store = openStore(dir)
      store.createCollection('_system', 'persons')
      store.insert('_system', 'persons', { _key: 'alice', name: 'Alice' })
      store.insert('_system', 'persons', { _key: 'bob', name: 'Bob' })
    })
    afterAll(() => {
      store.close()
      rmSync(dir, { recursive: true, force: true })
    })
    const doc = (...args: Parameters<typeof v> extends [string, ...infer R] ? R : never) =>
      callWith({ store }, 'DOCUMENT', ...args).value

    it('by id, ids, collection and key(s); misses are null or dropped', () => {
      expect(doc('persons/alice')).toMatchObject({ _key: 'alice', _id: 'persons/alice', name: 'Alice' })
      expect(doc('persons/nobody')).toBe(null)
      expect(doc('nocoll/alice')).toBe(null)
      expect(doc('garbage')).toBe(null)
      expect(
        (doc(['persons/bob', 'persons/x', 'persons/alice']) as { _key: string }[]).map((d) => d._key),
      ).toEqual(['bob', 'alice'])
      expect(doc('persons', 'bob')).toMatchObject({ name: 'Bob' })
      expect(doc('persons', 'persons/bob')).toMatchObject({ name: 'Bob' })
      expect(doc('persons', 'other/bob')).toBe(null)
      expect((doc('persons', ['alice', 'nobody']) as unknown[]).length).toBe(1)
    })

    it('COLLECTION_COUNT, COLLECTIONS and CURRENT_DATABASE use the store and context', () => {
      expect(callWith({ store }, 'COLLECTION_COUNT', 'persons').value).toBe(2)
      expect(() => callWith({ store }, 'COLLECTION_COUNT', 'nope')).toThrow(/not found/)
      expect(() => callWith({ store }, 'COLLECTION_COUNT', 1)).toThrow(/COLLECTION_COUNT/)
      const colls = callWith({ store }, 'COLLECTIONS').value as { name: string; _id: string }[]
      expect(colls.map((c) => c.name)).toContain('persons')
      expect(callWith({ store }, 'CURRENT_DATABASE').value).toBe('_system')
    })
  })
})
