import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { buildPlan, edgeKey, mergeInto, premap, type Inbound } from '../../src/consume/batch.js'
import {
  keyProblem,
  loadMappingFile,
  loadTransform,
  twitterMapper,
  validateMappingSpec,
} from '../../src/mapping/mapping.js'

const fixtures = path.resolve(__dirname, '../../fixtures/consume')
let seq = 0
const inbound = (value: unknown, publishTime = 1000, id = `m${seq}`): Inbound => ({
  id,
  data: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  publishTime,
  attributes: { source: 'test' },
  seq: seq++,
})

describe('the twitter mapping', () => {
  it('maps users keyed by username, without follow, and a follow edge per followed user', () => {
    const r = twitterMapper().map({
      message: 'success',
      data: [{ username: 'a', first_name: 'A', follow: ['b', 'c'] }],
    })
    expect(r.rejects).toEqual([])
    expect(r.groups[0].vertices).toEqual([
      { collection: 'users', doc: { _key: 'a', username: 'a', first_name: 'A' } },
    ])
    expect(r.groups[0].edges.map((e) => e.doc)).toEqual([
      { _from: 'users/a', _to: 'users/b' },
      { _from: 'users/a', _to: 'users/c' },
    ])
    expect(r.groups[0].ensure.map((e) => e.doc)).toEqual([
      { _key: 'b', username: 'b' },
      { _key: 'c', username: 'c' },
    ])
  })

  it('declares the twitter graph with follow: users -> users', () => {
    expect(twitterMapper().graph).toEqual({
      name: 'twitter',
      edgeDefinitions: [{ collection: 'follow', from: ['users'], to: ['users'] }],
    })
  })

  it('rejects a message without data and records without a valid key, keeping the valid ones', () => {
    const m = twitterMapper()
    expect(m.map({ message: 'x' }).rejects[0].reason).toMatch(/"data" is missing/)
    expect(m.map({ data: 'x' }).rejects[0].reason).toMatch(/must be an array/)
    const r = m.map({
      data: [
        { first_name: 'x' },
        { username: 'has space' },
        { username: 'ok', follow: 'a/b' },
        7,
        { username: 'fine' },
      ],
    })
    expect(r.rejects.map((x) => x.recordIndex)).toEqual([0, 1, 2, 3])
    expect(r.rejects[0].reason).toMatch(/no "username"/)
    expect(r.rejects[1].reason).toMatch(/not a valid document key/)
    expect(r.rejects[2].reason).toMatch(/"follow"/)
    expect(r.groups.map((g) => g.recordIndex)).toEqual([4])
  })

  it('accepts integer usernames as keys', () => {
    expect(twitterMapper().map({ data: [{ username: 42 }] }).groups[0].vertices[0].doc._key).toBe('42')
  })
})

describe('keys', () => {
  it("follows ArangoDB's key rule: 1-254 allowed characters", () => {
    expect(keyProblem('john_doe')).toBeUndefined()
    expect(keyProblem("a-b.c@d(e)+f,g=h;i$j!k*l'm%n:o")).toBeUndefined()
    expect(keyProblem('x'.repeat(254))).toBeUndefined()
    expect(keyProblem('x'.repeat(255))).toBeDefined()
    expect(keyProblem('a/b')).toBeDefined()
    expect(keyProblem('')).toBeDefined()
    expect(keyProblem('é')).toBeDefined()
  })

  it('gives an edge the same _key for the same (from, to), and a different one otherwise', () => {
    const a = edgeKey({ _from: 'users/a', _to: 'users/b' })
    expect(a).toBe(edgeKey({ _from: 'users/a', _to: 'users/b', extra: 1 }))
    expect(a).not.toBe(edgeKey({ _from: 'users/b', _to: 'users/a' }))
    expect(keyProblem(a)).toBeUndefined()
    expect(edgeKey({ _from: 'a/1', _to: 'b/2', t: 'x' }, ['_from', '_to', 't'])).not.toBe(
      edgeKey({ _from: 'a/1', _to: 'b/2', t: 'y' }, ['_from', '_to', 't']),
    )
  })
})

describe('mapping files', () => {
  it('maps another shape: records path, key, excluded fields, edges to other collections, graph', () => {
    const m = loadMappingFile(path.join(fixtures, 'mapping-orders.json'))
    expect(m.vertexCollections.sort()).toEqual(['customers', 'orders', 'products'])
    expect(m.edgeCollections.sort()).toEqual(['contains', 'placed_by'])
    expect(m.graph?.name).toBe('shop')
    const r = m.map({
      payload: { orders: [{ id: 'o1', customer: 'c1', products: ['p1'], total: 3, internal_note: 'n' }] },
    })
    const g = r.groups[0]
    expect(g.vertices[0].doc).toEqual({ _key: 'o1', id: 'o1', total: 3 })
    expect(g.edges.map((e) => [e.collection, e.doc._to])).toEqual([
      ['placed_by', 'customers/c1'],
      ['contains', 'products/p1'],
    ])
    // createMissing false for products; customers get {_key, id}
    expect(g.ensure).toEqual([{ collection: 'customers', doc: { _key: 'c1', id: 'c1' } }])
  })

  it('rejects a malformed mapping file with the file and the field', () => {
    expect(() => validateMappingSpec({ records: 'data' }, 'm.json')).toThrow(
      /m.json: "vertex" must be an object/,
    )
    expect(() =>
      validateMappingSpec({ vertex: { collection: 'u', key: 'k' }, edges: [{ field: 'f' }] }, 'm.json'),
    ).toThrow(/edges\[0\].collection/)
    expect(() => validateMappingSpec({ vertex: { collection: 'u', key: 'k' }, bogus: 1 }, 'm.json')).toThrow(
      /unknown field "bogus"/,
    )
    expect(() => loadMappingFile(path.join(fixtures, 'poison-messages.jsonl'))).toThrow(/not JSON/)
  })
})

describe('transform modules', () => {
  it('loads the default export and the graph, and checks what it returns', async () => {
    const m = await loadTransform(path.join(fixtures, 'transform-ratings.mjs'))
    expect(m.graph?.name).toBe('ratings')
    const ok = await m.map({ user: 'u1', movie: 'm1', stars: 5 })
    expect(ok.groups[0].edges[0].doc).toEqual({ _from: 'people/u1', _to: 'movies/m1', stars: 5 })
    const thrown = await m.map({ user: 'u1' })
    expect(thrown.rejects[0].reason).toMatch(/transform failed: a rating needs/)
  })
})

describe('write plans', () => {
  it('merges records with the same key in publish-time order, not arrival order', async () => {
    const later = inbound({ data: [{ username: 'a', city: 'new', nested: { y: 2 } }] }, 2000)
    const earlier = inbound({ data: [{ username: 'a', city: 'old', age: 3, nested: { x: 1 } }] }, 1000)
    const plan = await buildPlan([later, earlier], twitterMapper())
    expect(plan.vertices.get('users')).toHaveLength(1)
    expect(plan.vertices.get('users')![0].doc).toEqual({
      _key: 'a',
      username: 'a',
      city: 'new',
      age: 3,
      nested: { x: 1, y: 2 },
    })
  })

  it("merges into a copy: the mapper's documents stay as mapped, a document added once is sent as is", async () => {
    const first = { _key: 'a', city: 'old', nested: { x: 1 } }
    const second = { _key: 'a', city: 'new', nested: { y: 2 } }
    const once = { _key: 'b', city: 'solo' }
    const docs = [first, second, once]
    const mapper = {
      ...twitterMapper(),
      map: () => ({
        groups: [
          { vertices: [{ collection: 'users', doc: docs.shift()! }], ensure: [], edges: [], recordIndex: 0 },
        ],
        rejects: [],
      }),
    }
    const plan = await buildPlan([inbound({}, 1000), inbound({}, 2000), inbound({}, 3000)], mapper)
    const [a, b] = plan.vertices.get('users')!
    expect(a.doc).toEqual({ _key: 'a', city: 'new', nested: { x: 1, y: 2 } })
    expect(first).toEqual({ _key: 'a', city: 'old', nested: { x: 1 } })
    expect(second).toEqual({ _key: 'a', city: 'new', nested: { y: 2 } })
    expect(b.doc).toBe(once)
  })

  it('writes one edge for repeated (from, to) and no placeholder for a user written in full', async () => {
    const plan = await buildPlan(
      [
        inbound({ data: [{ username: 'a', follow: 'b' }] }),
        inbound({ data: [{ username: 'a', follow: 'b' }, { username: 'b' }] }),
      ],
      twitterMapper(),
    )
    expect(plan.edges.get('follow')).toHaveLength(1)
    expect(plan.ensure.size).toBe(0)
  })

  it('dead-letters what is not JSON with the message id, publish time, attributes and raw data', async () => {
    const plan = await buildPlan([inbound('nope {', 5000, 'id-7')], twitterMapper())
    expect(plan.deadLetters).toHaveLength(1)
    expect(plan.deadLetters[0]).toMatchObject({
      reason: expect.stringMatching(/^not JSON/),
      messageId: 'id-7',
      publishTime: new Date(5000).toISOString(),
      attributes: { source: 'test' },
      data: 'nope {',
      dataEncoding: 'utf8',
    })
  })

  it('takes messages mapped ahead as mapped, with their dead letters, and only once', async () => {
    const mapper = twitterMapper()
    let calls = 0
    const counting = { ...mapper, map: (v: unknown) => (calls++, mapper.map(v)) }
    const good = inbound({ data: [{ username: 'a', follow: 'b' }] })
    const bad = inbound('nope {', 5000, 'id-8')
    premap(good, counting)
    premap(bad, counting)
    await new Promise((r) => setImmediate(r)) // both done: taken without an await
    expect(good.premapped).toBeDefined()
    const plan = await buildPlan([good, bad], counting)
    expect(calls).toBe(1)
    expect(plan.vertices.get('users')!.map((i) => i.doc._key)).toEqual(['a'])
    expect(plan.edges.get('follow')).toHaveLength(1)
    expect(plan.deadLetters.map((d) => d.messageId)).toEqual(['id-8'])
    expect([good.mapped, good.premapped, bad.mapped, bad.premapped]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })

  it('keeps binary payloads as base64 in dead letters', async () => {
    const m = inbound('x')
    m.data = Buffer.from([0xff, 0xfe, 0x00])
    const plan = await buildPlan([m], twitterMapper())
    expect(plan.deadLetters[0]).toMatchObject({ data: '//4A', dataEncoding: 'base64' })
  })

  it('merges objects deeply and replaces arrays, as ArangoDB updates do', () => {
    expect(mergeInto({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] } })
  })
})
