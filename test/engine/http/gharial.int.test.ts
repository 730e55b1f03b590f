/**
 * Named graphs through arangojs 10's `db.graph(...)` against the target: definitions, vertex and
 * edge CRUD through the graph, and ArangoDB's error numbers for the cases the recordings lack.
 */
import { isArangoError } from 'arangojs/errors'
import { describe, expect, it } from 'vitest'

import { useTestTarget } from '../../helpers/target.js'

async function failure(p: Promise<unknown>): Promise<{ code: number; errorNum: number }> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return { code: e.code ?? 0, errorNum: e.errorNum }
    throw e
  }
  throw new Error('expected the call to fail')
}

describe('named graphs through arangojs', () => {
  const target = useTestTarget({ scope: 'test' })

  async function rawRequest(method: string, path: string, body?: unknown) {
    const res = await fetch(`${target.url}/_db/${target.dbName}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }

  it('creates a graph with its missing collections, of the right types, and reads it back', async () => {
    const g = target.db.graph('social')
    const info = await g.create([{ collection: 'relation', from: ['male', 'female'], to: ['female'] }], {
      orphanCollections: ['lonely'],
    })
    expect(info).toMatchObject({
      name: 'social',
      _id: '_graphs/social',
      edgeDefinitions: [{ collection: 'relation', from: ['female', 'male'], to: ['female'] }],
      orphanCollections: ['lonely'],
    })
    expect((await target.db.collection('relation').properties()).type).toBe(3)
    expect((await target.db.collection('male').properties()).type).toBe(2)
    expect((await target.db.collection('lonely').properties()).type).toBe(2)
    expect(await g.exists()).toBe(true)
    expect((await g.get()).name).toBe('social')
    expect((await target.db.graphs()).map((x) => x.name)).toEqual(['social'])
    expect(await g.listVertexCollections()).toEqual(['female', 'lonely', 'male'])
    expect(await g.listEdgeCollections()).toEqual(['relation'])
  })

  it('answers 201 with waitForSync and 202 without', async () => {
    const a = await rawRequest('POST', '/_api/gharial?waitForSync=true', {
      name: 'a',
      edgeDefinitions: [{ collection: 'ea', from: ['va'], to: ['va'] }],
    })
    expect(a.status).toBe(201)
    // waitForSync is about this request, not a property of the collections it creates
    expect((await target.db.collection('ea').properties()).waitForSync).toBe(false)
    const b = await rawRequest('POST', '/_api/gharial', { name: 'b', edgeDefinitions: [] })
    expect(b.status).toBe(202)
  })

  it('refuses a duplicate graph (409/1925) and reports an unknown one (404/1924)', async () => {
    await target.db.graph('g').create([])
    expect(await failure(target.db.graph('g').create([]))).toEqual({ code: 409, errorNum: 1925 })
    expect(await target.db.graph('nope').exists()).toBe(false)
    expect(await failure(target.db.graph('nope').get())).toEqual({ code: 404, errorNum: 1924 })
    const raw = await rawRequest('GET', '/_api/gharial/nope')
    expect(raw.body.errorMessage).toBe("graph 'nope' not found")
  })

  it('refuses an edge collection defined differently in another graph (1921) and malformed definitions (1923)', async () => {
    await target.db.graph('one').create([{ collection: 'e', from: ['v'], to: ['v'] }])
    expect(
      await failure(target.db.graph('two').create([{ collection: 'e', from: ['w'], to: ['w'] }])),
    ).toEqual({
      code: 400,
      errorNum: 1921,
    })
    // the same definition may be shared
    await target.db.graph('three').create([{ collection: 'e', from: ['v'], to: ['v'] }])
    const bad = await rawRequest('POST', '/_api/gharial', {
      name: 'bad',
      edgeDefinitions: [{ collection: 'x', from: 3 }],
    })
    expect(bad).toMatchObject({ status: 400, body: { errorNum: 1923 } })
  })

  it('adds and removes orphan vertex collections; a collection used by an edge definition is not an orphan (1928)', async () => {
    const g = target.db.graph('g')
    await g.create([{ collection: 'e', from: ['a'], to: ['b'] }])
    expect((await g.addVertexCollection('extra')).orphanCollections).toEqual(['extra'])
    expect(await failure(g.addVertexCollection('extra'))).toMatchObject({ errorNum: 1938 })
    expect(await failure(g.removeVertexCollection('a'))).toEqual({ code: 400, errorNum: 1928 })
    expect((await g.removeVertexCollection('extra', true)).orphanCollections).toEqual([])
    expect(await target.db.collection('extra').exists()).toBe(false)
  })

  it('adds, replaces and removes edge definitions, keeping unused vertex collections as orphans', async () => {
    const g = target.db.graph('g')
    await g.create([{ collection: 'e1', from: ['a'], to: ['b'] }])
    let info = await g.addEdgeDefinition({ collection: 'e2', from: ['b'], to: ['c'] })
    expect(info.edgeDefinitions.map((d) => d.collection)).toEqual(['e1', 'e2'])
    expect(await failure(g.addEdgeDefinition({ collection: 'e2', from: ['x'], to: ['x'] }))).toMatchObject({
      errorNum: 1920,
    })
    info = await g.replaceEdgeDefinition({ collection: 'e2', from: ['b'], to: ['d'] })
    expect(info.edgeDefinitions[1]).toEqual({ collection: 'e2', from: ['b'], to: ['d'] })
    expect(info.orphanCollections).toEqual(['c'])
    expect(await failure(g.replaceEdgeDefinition({ collection: 'zz', from: ['a'], to: ['a'] }))).toEqual({
      code: 404,
      errorNum: 1930,
    })
    info = await g.removeEdgeDefinition('e1')
    expect(info.edgeDefinitions.map((d) => d.collection)).toEqual(['e2'])
    expect(info.orphanCollections).toEqual(['a', 'c'])
    expect(await target.db.collection('e1').exists()).toBe(true)
    await g.addEdgeDefinition({ collection: 'e3', from: ['a'], to: ['a'] })
    await g.removeEdgeDefinition('e3', true)
    expect(await target.db.collection('e3').exists()).toBe(false)
  })

  it('writes vertices through the graph with returnNew/returnOld, etags and If-Match (412)', async () => {
    const g = target.db.graph('g')
    await g.create([{ collection: 'knows', from: ['persons'], to: ['persons'] }])
    const persons = g.vertexCollection('persons')
    const saved = await persons.save({ _key: 'alice', name: 'Alice' }, { returnNew: true })
    expect(saved).toMatchObject({
      _id: 'persons/alice',
      _key: 'alice',
      new: { name: 'Alice', _key: 'alice' },
    })
    expect(await persons.vertex('alice')).toMatchObject({
      _id: 'persons/alice',
      name: 'Alice',
      _rev: saved._rev,
    })
    const updated = await persons.update('alice', { age: 30 }, { returnOld: true, returnNew: true })
    expect(updated).toMatchObject({
      _oldRev: saved._rev,
      old: { name: 'Alice' },
      new: { name: 'Alice', age: 30 },
    })
    expect(await failure(persons.update('alice', { age: 31 }, { rev: saved._rev }))).toEqual({
      code: 412,
      errorNum: 1200,
    })
    const replaced = await persons.replace(
      'alice',
      { name: 'Alice Cooper' },
      { rev: updated._rev, returnNew: true },
    )
    expect(replaced.new).toMatchObject({ name: 'Alice Cooper' })
    expect(replaced.new).not.toHaveProperty('age')
    expect(await persons.vertexExists('alice')).toBe(true)
    expect(await persons.vertex('ghost', { graceful: true })).toBeNull()
    expect(await failure(g.vertexCollection('unrelated').save({}))).toMatchObject({
      code: 404,
      errorNum: 1926,
    })
  })

  it('validates edges against the definitions: 1233 malformed, 1947 outside the graph, 1906 wrong direction, 1202 missing vertex', async () => {
    const g = target.db.graph('g')
    await g.create([
      { collection: 'likes', from: ['users'], to: ['items'] },
      { collection: 'other', from: ['things'], to: ['things'] },
    ])
    await g.vertexCollection('users').save({ _key: 'u1' })
    await g.vertexCollection('items').save({ _key: 'i1' })
    await target.db.createCollection('stray')
    const likes = g.edgeCollection('likes')
    const e = await likes.save({ _from: 'users/u1', _to: 'items/i1', w: 1 }, { returnNew: true })
    expect(e.new).toMatchObject({ _from: 'users/u1', _to: 'items/i1', w: 1 })
    expect(await failure(likes.save({ _from: 'users/u1' }))).toEqual({ code: 400, errorNum: 1233 })
    expect(await failure(likes.save({ _from: 'stray/x', _to: 'items/i1' }))).toEqual({
      code: 400,
      errorNum: 1947,
    })
    expect(await failure(likes.save({ _from: 'items/i1', _to: 'users/u1' }))).toEqual({
      code: 400,
      errorNum: 1906,
    })
    expect(await failure(likes.save({ _from: 'users/u1', _to: 'items/nope' }))).toEqual({
      code: 404,
      errorNum: 1202,
    })
    // a partial update checks only what it changes (3.12 also checks a lone _from or _to)
    expect(await failure(likes.update(e._key, { _to: 'users/u1' }))).toEqual({ code: 400, errorNum: 1906 })
    expect((await likes.update(e._key, { w: 2 }, { returnNew: true })).new).toMatchObject({ w: 2 })
    expect(await failure(g.edgeCollection('nothere').save({ _from: 'users/u1', _to: 'items/i1' }))).toEqual({
      code: 404,
      errorNum: 1930,
    })
    expect((await likes.edge(e._key))._from).toBe('users/u1')
  })

  it('removing a vertex through the graph removes the edges that reach it', async () => {
    const g = target.db.graph('g')
    await g.create([{ collection: 'knows', from: ['p'], to: ['p'] }])
    const p = g.vertexCollection('p')
    await p.save({ _key: 'a' })
    await p.save({ _key: 'b' })
    await p.save({ _key: 'c' })
    const knows = g.edgeCollection('knows')
    await knows.save({ _from: 'p/a', _to: 'p/b' })
    await knows.save({ _from: 'p/c', _to: 'p/a' })
    const bc = await knows.save({ _from: 'p/b', _to: 'p/c' })
    expect(await p.remove('a', { returnOld: true })).toMatchObject({ error: false, old: { _key: 'a' } })
    expect(await target.db.collection('knows').count()).toMatchObject({ count: 1 })
    expect(await knows.edgeExists(bc._key)).toBe(true)
    expect(await failure(p.remove('a'))).toEqual({ code: 404, errorNum: 1202 })
  })

  it('drops a graph, with dropCollections only the collections no other graph uses', async () => {
    await target.db.graph('g1').create([{ collection: 'e', from: ['shared'], to: ['own'] }])
    await target.db.graph('g2').create([{ collection: 'e2', from: ['shared'], to: ['shared'] }])
    expect(await target.db.graph('g1').drop(true)).toBe(true)
    expect(await target.db.collection('e').exists()).toBe(false)
    expect(await target.db.collection('own').exists()).toBe(false)
    expect(await target.db.collection('shared').exists()).toBe(true)
    expect((await target.db.graphs()).map((x) => x.name)).toEqual(['g2'])
    expect(await target.db.graph('g2').drop()).toBe(true)
    expect(await target.db.collection('e2').exists()).toBe(true)
  })
})
