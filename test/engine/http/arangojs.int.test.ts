/**
 * arangojs 10, unmodified, against the target (the embedded engine unless TEST_ARANGODB_URL is set):
 * every operation graphpipe relies on, with ArangoDB's response shapes and error numbers.
 */
import { isArangoError } from 'arangojs/errors'
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

async function errorNum(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return e.errorNum
    throw e
  }
  return undefined
}

describe('arangojs against the target', () => {
  const target = useTestTarget()

  it('reports a 3.12 version and the current database', async () => {
    const v = await target.db.version()
    expect(v.server).toBe('arango')
    expect(v.version).toMatch(/^3\.12\./)
    expect(await target.db.exists()).toBe(true)
    const info = await target.db.get()
    expect(info.name).toBe(target.dbName)
  })

  it('creates, lists and drops databases; unknown database does not exist (1228)', async () => {
    const name = `${target.dbName}_extra`
    const extra = await target.system.createDatabase(name)
    expect(await target.system.databases().then((l) => l.map((d) => d.name))).toContain(name)
    expect(await extra.exists()).toBe(true)
    expect(await errorNum(target.system.createDatabase(name))).toBe(1207)
    await target.system.dropDatabase(name)
    expect(await extra.exists()).toBe(false)
    expect(await errorNum(target.db.listDatabases())).toBe(1230)
  })

  it('creates document and edge collections, reads properties, counts, truncates, renames, drops', async () => {
    const users = await target.db.createCollection('users')
    const follows = await target.db.createEdgeCollection('follows')
    const props = await users.properties()
    expect(props.name).toBe('users')
    expect(props.type).toBe(2)
    expect(props.keyOptions).toMatchObject({ type: 'traditional', allowUserKeys: true })
    expect((await follows.properties()).type).toBe(3)
    const names = (await target.db.collections()).map((c) => c.name).sort()
    expect(names).toEqual(['follows', 'users'])
    await users.saveAll([{ a: 1 }, { a: 2 }])
    expect((await users.count()).count).toBe(2)
    await users.truncate()
    expect((await users.count()).count).toBe(0)
    await users.rename('people')
    expect(await target.db.collection('people').exists()).toBe(true)
    expect(await target.db.collection('users').exists()).toBe(false)
    await target.db.collection('people').drop()
    await follows.drop()
    expect(await errorNum(target.db.collection('nope').properties())).toBe(1203)
    expect(await errorNum(target.db.createCollection('1bad'))).toBe(1208)
  })

  it('saves, reads, updates, replaces and removes documents with ArangoDB metadata', async () => {
    const c = await target.db.createCollection('docs')
    const meta = await c.save({ _key: 'johnny1', name: 'Johnny', tags: ['a'] }, { returnNew: true })
    expect(meta).toMatchObject({ _id: 'docs/johnny1', _key: 'johnny1' })
    expect(meta._rev).toMatch(/^.{11}$/)
    expect(meta.new).toEqual({
      _key: 'johnny1',
      _id: 'docs/johnny1',
      _rev: meta._rev,
      name: 'Johnny',
      tags: ['a'],
    })
    expect(await c.document('johnny1')).toEqual(meta.new)
    expect(await c.documentExists('johnny1')).toBe(true)
    expect(await c.documentExists('nobody')).toBe(false)
    expect(await c.document('nobody', { graceful: true })).toBeNull()
    expect(await errorNum(c.document('nobody'))).toBe(1202)

    const upd = await c.update('johnny1', { age: 30, name: null }, { keepNull: false, returnOld: true })
    expect(upd._oldRev).toBe(meta._rev)
    expect(upd.old?.name).toBe('Johnny')
    const doc = await c.document('johnny1')
    expect(doc).not.toHaveProperty('name')
    expect(doc.age).toBe(30)

    const rep = await c.replace('johnny1', { only: true })
    expect(await c.document('johnny1')).toEqual({
      _key: 'johnny1',
      _id: 'docs/johnny1',
      _rev: rep._rev,
      only: true,
    })
    expect(await errorNum(c.replace('johnny1', { x: 1 }, { ifMatch: meta._rev }))).toBe(1200)

    const saved = await c.saveAll([{ _key: 'a' }, { _key: 'a' }, { _key: 'bad key' }])
    expect(saved[0]).toMatchObject({ _key: 'a' })
    expect(saved[1]).toMatchObject({ error: true, errorNum: 1210 })
    expect(saved[2]).toMatchObject({ error: true, errorNum: 1221 })

    const overwritten = await c.save({ _key: 'a', v: 2 }, { overwriteMode: 'update', returnOld: true })
    expect(overwritten._oldRev).toBeDefined()
    expect((await c.documents(['a', 'johnny1'])).map((d) => d._key)).toEqual(['a', 'johnny1'])

    const removed = await c.remove('a', { returnOld: true })
    expect(removed.old?.v).toBe(2)
    expect(await errorNum(c.remove('a'))).toBe(1202)
    expect(await errorNum(c.save({ _key: 'x'.repeat(255) }))).toBe(1221)
  })

  it('reads several documents by key (onlyget): missing ones answered in place as 1202, counted in x-arango-error-codes', async () => {
    const c = await target.db.createCollection('lookup')
    await c.saveAll([{ _key: 'a', n: 1 }, { _key: 'c' }])
    const res = await target.db.request(
      {
        method: 'PUT',
        pathname: '/_api/document/lookup',
        search: { onlyget: true },
        body: ['x', 'a', { _key: 'y' }, 'c', 'z'],
      },
      (r) => r,
    )
    expect(res.status).toBe(200)
    const missing = { error: true, errorNum: 1202, errorMessage: 'document not found' }
    expect(res.parsedBody).toEqual([
      missing,
      { _key: 'a', _id: 'lookup/a', _rev: expect.any(String), n: 1 },
      missing,
      { _key: 'c', _id: 'lookup/c', _rev: expect.any(String) },
      missing,
    ])
    expect(JSON.parse(res.headers.get('x-arango-error-codes') ?? 'null')).toEqual({ 1202: 3 })
  })

  it('updates, replaces and removes arrays of documents with per-document errors', async () => {
    const c = await target.db.createCollection('bulk')
    await c.saveAll([
      { _key: 'a', n: 1 },
      { _key: 'b', n: 2 },
    ])
    const upd = await c.updateAll(
      [
        { _key: 'a', m: 1 },
        { _key: 'zz', m: 2 },
      ],
      { returnNew: true },
    )
    expect(upd[0]).toMatchObject({ _key: 'a', new: { n: 1, m: 1 } })
    expect(upd[1]).toMatchObject({ error: true, errorNum: 1202 })
    const rep = await c.replaceAll([{ _key: 'b', r: true }])
    expect(rep[0]).toHaveProperty('_oldRev')
    expect(await c.document('b')).not.toHaveProperty('n')
    const rem = await c.removeAll(['a', 'b', 'nope'])
    expect(rem.map((r) => ('error' in r ? r.errorNum : r._key))).toEqual(['a', 'b', 1202])
    expect((await c.count()).count).toBe(0)
    const rev = await c.revision()
    expect(typeof rev.revision).toBe('string')
    const figures = await c.figures()
    expect(figures.figures).toBeDefined()
    expect(typeof (await c.checksum()).checksum).toBe('string')
  })

  it('validates edges (1233) and lists edges of a vertex', async () => {
    const e = await target.db.createEdgeCollection('knows')
    expect(await errorNum(e.save({ _from: 'users/a' }))).toBe(1233)
    expect(await errorNum(e.save({ _from: 'users/a', _to: 'nokey' }))).toBe(1233)
    await e.save({ _from: 'users/a', _to: 'users/b' })
    await e.save({ _from: 'users/b', _to: 'users/a' })
    expect((await e.outEdges('users/a')).edges.map((x) => x._to)).toEqual(['users/b'])
    expect((await e.edges('users/a')).edges).toHaveLength(2)
  })

  it('imports documents and reports ArangoDB counts and details', async () => {
    const c = await target.db.createCollection('imported')
    const r = await c.import([{ _key: 'x', a: 1 }, { _key: 'x', a: 2 }, { a: 3 }], { details: true })
    expect(r).toMatchObject({ error: false, created: 2, errors: 1, empty: 0, updated: 0, ignored: 0 })
    expect(r.details?.[0]).toMatch(
      /^at position \d+: creating document failed with error 'unique constraint violated'/,
    )
    const r2 = await c.import([{ _key: 'x', b: 1 }], { onDuplicate: 'update' })
    expect(r2.updated).toBe(1)
    expect(await c.document('x')).toMatchObject({ a: 1, b: 1 })
    const tab = await c.import([
      ['_key', 'v'],
      ['t1', 1],
      ['t2', 2],
    ])
    expect(tab.created).toBe(2)
    expect(await errorNum(c.import([{ _key: 'x' }], { complete: true }))).toBe(1210)
  })

  it('creates, lists and drops persistent indexes; unique is enforced (1210)', async () => {
    const c = await target.db.createCollection('indexed')
    const idx = await c.ensureIndex({ type: 'persistent', fields: ['email'], unique: true, name: 'by_email' })
    expect(idx.isNewlyCreated).toBe(true)
    expect(idx.name).toBe('by_email')
    const again = await c.ensureIndex({ type: 'persistent', fields: ['email'], unique: true })
    expect(again.isNewlyCreated).toBe(false)
    const list = await c.indexes()
    expect(list.map((i) => i.type)).toEqual(['primary', 'persistent'])
    await c.save({ email: 'a@x' })
    expect(await errorNum(c.save({ email: 'a@x' }))).toBe(1210)
    await c.dropIndex(idx.id)
    await c.save({ email: 'a@x' })
    expect(await errorNum(c.index('by_email'))).toBe(1212)
  })
})
