/**
 * REST reads of documents by key (GET /_api/document/{c}/{k}, PUT ...?onlyget=true) answer the
 * stored text spliced behind the system attributes (rows.ts `rowJson`) instead of parsing and
 * printing each document. The answer must be the document `get` parses, attribute for attribute
 * and in the same order, however it was stored.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { SqliteStore } from '../../../src/engine/storage/sqlite-store.js'
import { rowJson, type CollMeta, type Row } from '../../../src/engine/storage/sqlite/rows.js'

/** Parsed, with the attribute order made visible (deep equality ignores it). */
const ordered = (json: string): unknown =>
  JSON.parse(json, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as object) : v,
  )

describe('raw document reads', () => {
  let dir: string
  let store: SqliteStore

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-raw-'))
    store = new SqliteStore(dir)
    store.createCollection('_system', 'c')
    store.createCollection('_system', 'e', { type: 3 })
  })
  afterEach(() => {
    store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const expectSame = (coll: string, key: string): string => {
    const raw = store.getRaw('_system', coll, key)!
    const doc = store.get('_system', coll, key)!
    expect(ordered(raw.json)).toEqual(ordered(JSON.stringify(doc)))
    expect(raw.rev).toBe(doc._rev)
    return raw.json
  }

  it('answers the same document however it was written: insert, update, replace, keepNull false, edges', () => {
    store.insert('_system', 'c', { _key: 'a', x: 1, nested: { y: [1, 'two'] } })
    store.insert('_system', 'c', { x: 1, _key: 'b' }) // _key not first
    store.insert('_system', 'c', { _key: 'c' }) // nothing but the key
    store.insert('_system', 'c', { _key: 'd', x: 1 })
    store.update('_system', 'c', 'd', { y: 2, x: null }) // stored whole by the engine, with its rev
    store.insert('_system', 'c', { _key: 'f', x: 1 })
    store.replace('_system', 'c', 'f', { _key: 'f', z: 3, _rev: 'stale', _id: 'c/other' })
    store.insert('_system', 'c', { _key: 'g', x: 1, drop: null }, { keepNull: false })
    store.insert('_system', 'e', { _key: 'k', _from: 'c/a', _to: 'c/b', w: 1 })
    store.update('_system', 'e', 'k', { w: 2 })
    store.insert('_system', 'e', { _from: 'c/a', _to: 'c/c', _key: 'l' })
    for (const k of ['a', 'b', 'c', 'd', 'f', 'g']) expectSame('c', k)
    for (const k of ['k', 'l']) expectSame('e', k)
    // system attributes come from the columns, whatever the text held
    expect(JSON.parse(expectSame('c', 'f'))).toMatchObject({ _id: 'c/f', z: 3 })
  })

  it('parses where the text names a system attribute past its head: nested, as a value, raw import text', () => {
    store.insert('_system', 'c', { _key: 'n', inner: { _key: 'x', _id: 'y', _rev: 'z' } })
    store.insert('_system', 'c', { _key: 'v', field: '_key' })
    store.insert('_system', 'c', { _key: 'p', ['__proto__']: { polluted: true } })
    store.insert('_system', 'c', { _key: 'u', s: 'é "quoted" \u2028 \\ /' })
    // the import path stores the received text as is: spaces, and _key anywhere
    const rawText = '{ "a" : 1.5 , "_key" : "r" , "b" : [ ] }'
    store.insert('_system', 'c', JSON.parse(rawText) as Record<string, unknown>, {}, rawText)
    const spaced = '{ "a" : 1 }'
    store.insert('_system', 'c', { ...(JSON.parse(spaced) as object), _key: 's' }, {}, spaced)
    const empty = '{ }'
    store.insert('_system', 'c', { _key: 't' }, {}, empty)
    for (const k of ['n', 'v', 'p', 'u', 'r', 's', 't']) expectSame('c', k)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('answers the document get parses, for any document stored by insert, update or replace (property)', () => {
    const name = fc.oneof(
      fc.constantFrom('_key', '_id', '_rev', '_from', '_to', '__proto__', 'a', 'b'),
      fc.string({ maxLength: 6 }),
    )
    const value = fc.jsonValue({ maxDepth: 2 })
    const doc = fc.dictionary(name, value, { maxKeys: 5 })
    let n = 0
    fc.assert(
      fc.property(doc, doc, fc.constantFrom('update', 'replace', 'none'), (first, second, how) => {
        const key = `k${n++}`
        const clean = (d: Record<string, unknown>) => {
          const out = { ...d }
          for (const s of ['_key', '_id', '_rev', '_from', '_to']) delete out[s]
          return out
        }
        store.insert('_system', 'c', { _key: key, ...clean(first) })
        if (how === 'update') store.update('_system', 'c', key, clean(second))
        if (how === 'replace') store.replace('_system', 'c', key, clean(second))
        expectSame('c', key)
      }),
      { numRuns: 300 },
    )
  })

  it('splices without parsing the shapes the engine and graphpipe store, and declines the rest', () => {
    const c = { idPrefix: 'c/', isEdge: false } as CollMeta
    const e = { idPrefix: 'e/', isEdge: true } as CollMeta
    const row = (text: string, f: string | null = null, t: string | null = null): Row => [
      'k',
      '_r1',
      f,
      t,
      text,
    ]
    const head = '{"_key":"k","_id":"c/k","_rev":"_r1"'
    // the input as sent, _key first (graphpipe's writes), spelled as stored
    expect(rowJson(c, row('{"_key":"k","a":1.50}'))).toBe(`${head},"a":1.50}`)
    expect(rowJson(c, row('{"_key":"k"}'))).toBe(`${head}}`)
    // written whole by the engine with this revision
    expect(rowJson(c, row(`${head},"a":1}`))).toBe(`${head},"a":1}`)
    expect(
      rowJson(e, row('{"_key":"k","_id":"e/k","_from":"c/a","_to":"c/b","_rev":"_r1","w":1}', 'c/a', 'c/b')),
    ).toBe('{"_key":"k","_id":"e/k","_from":"c/a","_to":"c/b","_rev":"_r1","w":1}')
    // no system attribute in the text
    expect(rowJson(c, row('{"a":1}'))).toBe(`${head},"a":1}`)
    expect(rowJson(c, row('{ }'))).toBe(`${head}}`)
    // declined: another revision in the text, a system name past the head, _key not first
    expect(rowJson(c, row('{"_key":"k","_id":"c/k","_rev":"_r0","a":1}'))).toBeUndefined()
    expect(rowJson(c, row('{"_key":"k","x":{"_id":1}}'))).toBeUndefined()
    expect(rowJson(c, row('{"a":1,"_key":"k"}'))).toBeUndefined()
    expect(rowJson(c, row('{"_key":"kk","a":1}'))).toBeUndefined()
  })
})
