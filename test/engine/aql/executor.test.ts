import { afterAll, describe, expect, it } from 'vitest'
import { openTestDb } from './helpers.js'

const t = openTestDb()
afterAll(() => t.close())

const err = async (q: string, b?: Record<string, unknown>) => {
  try {
    await t.q(q, b)
  } catch (e) {
    return e as { errorNum: number; message: string; code: number }
  }
  throw new Error('expected an error')
}

describe('AQL expressions', () => {
  it('casts arithmetic operands with TO_NUMBER ("a"+"b" is 0, null is 0, [2] is 2)', async () => {
    expect(await t.q('RETURN ["a" + "b", null + 1, [2] * 3, true + true]')).toEqual([[0, 1, 6, 2]])
  })
  it('answers division by zero with null and warning 1562', async () => {
    const r = await t.run('RETURN 1 / 0')
    expect(r.result).toEqual([null])
    expect(r.warnings).toEqual([{ code: 1562, message: 'division by zero' }])
  })
  it('turns the warning into an error with failOnWarning', async () => {
    await expect(t.run('RETURN 1 % 0', {}, { failOnWarning: true })).rejects.toMatchObject({ errorNum: 1562 })
  })
  it('returns an operand from && and || (null || "foo" is "foo")', async () => {
    expect(await t.q('RETURN [null || "foo", 0 && 1, 1 && 2, "" || 0]')).toEqual([['foo', 0, 2, 0]])
  })
  it('orders values null < bool < number < string < array < object', async () => {
    expect(await t.q('FOR x IN [{}, [], "a", 1, true, null] SORT x RETURN x')).toEqual([
      null,
      true,
      1,
      'a',
      [],
      {},
    ])
  })
  it('holds null <= 7 and compares strictly with ==', async () => {
    expect(await t.q('RETURN [null <= 7, 1 == "1", [1] == [1], {a:1,b:2} == {b:2,a:1}]')).toEqual([
      [true, false, true, true],
    ])
  })
  it('evaluates IN, NOT IN, LIKE, =~ and the ALL/ANY/NONE quantifiers', async () => {
    expect(
      await t.q(
        'RETURN [2 IN [1,2], 3 NOT IN [1,2], 1 IN "x", "abc" LIKE "a_c", "abc" LIKE "A%", "abc" =~ "^a", [1,2] ALL > 0, [1,2] ANY == 2, [1,2] NONE == 3]',
      ),
    ).toEqual([[true, true, false, true, false, true, true, true, true]])
  })
  it('accesses attributes and indexes, negative indexes and misses give null', async () => {
    expect(
      await t.q('LET a = [1,2,3] LET o = {x: {y: 1}} RETURN [a[-1], a[5], o.x.y, o.z.w, o["x"]["y"], "s".x]'),
    ).toEqual([[3, null, 1, null, 1, null]])
  })
  it('expands arrays with [*], [**] and inline FILTER/LIMIT/RETURN', async () => {
    expect(
      await t.q(
        'LET u = [{n:1,f:[{a:1},{a:2}]},{n:2,f:[{a:3}]}] RETURN [u[*].n, u[*].f[*].a, u[**].n, [[1,[2]],[3]][**], u[* FILTER CURRENT.n > 1 RETURN CURRENT.n * 10], u[* LIMIT 1].n]',
      ),
    ).toEqual([[[1, 2], [[1, 2], [3]], [1, 2], [1, [2], 3], [20], [1]]])
  })
  it('builds objects with shorthand and computed keys', async () => {
    expect(await t.q('LET a = 1 LET k = "z" RETURN {a, [k]: 2, [CONCAT(k, "2")]: 3}')).toEqual([
      { a: 1, z: 2, z2: 3 },
    ])
  })
  it('evaluates ternary, short ternary, ranges and subqueries', async () => {
    expect(
      await t.q('RETURN [1 ? "y" : "n", 0 ?: "d", 3..1, (FOR i IN 1..3 FILTER i > 1 RETURN i)]'),
    ).toEqual([['y', 'd', [3, 2, 1], [2, 3]]])
  })
})

describe('AQL 3.12 syntax additions', () => {
  it('destructures arrays and objects in FOR and LET', async () => {
    expect(
      await t.q('FOR [k, v] IN ENTRIES({a: 1}) LET {x, y: [z]} = {x: 2, y: [3]} RETURN [k, v, x, z]'),
    ).toEqual([['a', 1, 2, 3]])
  })
  it('takes a subquery as the only argument without extra parentheses: MERGE(FOR …)', async () => {
    expect(await t.q('RETURN MERGE(FOR i IN 1..2 RETURN {[TO_STRING(i)]: i})')).toEqual([{ 1: 1, 2: 2 }])
  })
  it('calls library functions by name with CALL and APPLY', async () => {
    expect(await t.q('RETURN [CALL("lower", "AB"), APPLY("CONCAT", ["a", "b"])]')).toEqual([['ab', 'ab']])
  })
  it('aggregates over row and range WINDOWs', async () => {
    expect(await t.q('FOR x IN [1, 2, 3] WINDOW {preceding: 1} AGGREGATE s = SUM(x) RETURN s')).toEqual([
      1, 3, 5,
    ])
    expect(
      await t.q(
        'FOR x IN [5, 1, 2] WINDOW x WITH {preceding: 1, following: 0} AGGREGATE s = SUM(x) RETURN [x, s]',
      ),
    ).toEqual([
      [1, 1],
      [2, 3],
      [5, 5],
    ])
  })
})

describe('AQL operations', () => {
  it('sorts stably on several keys and applies LIMIT offset, count', async () => {
    expect(
      await t.q(
        'FOR x IN [{a:2,b:1},{a:1,b:2},{a:2,b:0},{a:1,b:1}] SORT x.a DESC, x.b LIMIT 1, 2 RETURN [x.a, x.b]',
      ),
    ).toEqual([
      [2, 1],
      [1, 1],
    ])
  })
  it('keeps SORT + LIMIT stable when only the first offset+count rows are kept', async () => {
    const q = 'FOR i IN 1..200 SORT i % 3 DESC LIMIT 2, 3 RETURN i'
    expect(await t.q(q)).toEqual([8, 11, 14])
    const r = await t.run('FOR i IN 1..200 SORT i % 3 DESC LIMIT 2, 3 RETURN i', {}, { fullCount: true })
    expect([r.result, r.stats.fullCount]).toEqual([[8, 11, 14], 200])
  })
  it('fails with error 32 when a SORT would hold more than memoryLimit, streams freely otherwise', async () => {
    await expect(
      t.run('FOR i IN 1..100000 SORT i RETURN i', {}, { memoryLimit: 100000 }),
    ).rejects.toMatchObject({
      errorNum: 32,
      code: 500,
    })
    expect((await t.run('FOR i IN 1..100000 RETURN i', {}, { memoryLimit: 100000 })).result).toHaveLength(
      100000,
    )
  })
  it('keeps the first occurrence with RETURN DISTINCT', async () => {
    expect(await t.q('FOR x IN [3,1,3,{a:1},{a:1}] RETURN DISTINCT x')).toEqual([3, 1, { a: 1 }])
  })
  it('groups with COLLECT sorted by key, INTO projections and KEEP, WITH COUNT INTO, AGGREGATE', async () => {
    expect(
      await t.q(
        'FOR x IN [{g:"b",n:1},{g:"a",n:2},{g:"b",n:3}] COLLECT g = x.g INTO items = x.n RETURN {g, items}',
      ),
    ).toEqual([
      { g: 'a', items: [2] },
      { g: 'b', items: [1, 3] },
    ])
    expect(await t.q('FOR x IN [1,2] LET y = x * 2 COLLECT INTO g KEEP y RETURN g')).toEqual([
      [{ y: 2 }, { y: 4 }],
    ])
    expect(await t.q('FOR x IN [] COLLECT WITH COUNT INTO n RETURN n')).toEqual([0])
    expect(
      await t.q(
        'FOR x IN [1,2,3,4,null] COLLECT AGGREGATE s = SUM(x), mn = MIN(x), mx = MAX(x), a = AVG(x), c = LENGTH(x), u = COUNT_DISTINCT(x) RETURN [s, mn, mx, a, c, u]',
      ),
    ).toEqual([[10, 1, 4, 2.5, 5, 4]])
  })
  it('rejects a FOR over a non-array with 1563', async () => {
    expect((await err('FOR x IN 5 RETURN x')).errorNum).toBe(1563)
  })
  it('checks bind parameters: missing 1551, undeclared 1552, bad @@ value 1553', async () => {
    expect((await err('RETURN @a')).errorNum).toBe(1551)
    expect((await err('RETURN 1', { a: 1 })).errorNum).toBe(1552)
    expect((await err('FOR x IN @@c RETURN x', { '@c': 5 })).errorNum).toBe(1553)
  })
  it('reports unknown functions with 1540 and an unknown collection with 1203', async () => {
    expect((await err('RETURN NO_SUCH_FN(1)')).errorNum).toBe(1540)
    const e = await err('FOR x IN nowhere RETURN x')
    expect([e.errorNum, e.message]).toEqual([1203, 'collection or view not found: nowhere'])
  })
})

describe('AQL data modification and index use', () => {
  it('inserts, updates, replaces and removes with NEW/OLD, counting writes', async () => {
    t.store.createCollection('_system', 'm')
    const ins = await t.run('FOR i IN 1..3 INSERT {_key: CONCAT("k", i), n: i} INTO m RETURN NEW.n')
    expect(ins.result).toEqual([1, 2, 3])
    expect(ins.stats.writesExecuted).toBe(3)
    expect(await t.q('UPDATE "k1" WITH {x: 1} IN m RETURN [OLD.x, NEW.x, NEW.n]')).toEqual([[null, 1, 1]])
    expect(await t.q('REPLACE {_key: "k2", y: 2} IN m RETURN NEW')).toMatchObject([{ _key: 'k2', y: 2 }])
    expect(await t.q('REMOVE "k3" IN m RETURN OLD.n')).toEqual([3])
    const ign = await t.run('REMOVE "nope" IN m OPTIONS {ignoreErrors: true}')
    expect(ign.stats).toMatchObject({ writesExecuted: 0, writesIgnored: 1 })
    const e = await err('REMOVE "nope" IN m')
    expect([e.errorNum, e.message]).toEqual([
      1202,
      'AQL: document not found [node #3: RemoveNode] (while executing)',
    ])
  })
  it('upserts: inserts when nothing matches, updates with OLD otherwise', async () => {
    t.store.createCollection('_system', 'u')
    const q = 'UPSERT {name: "a"} INSERT {name: "a", n: 1} UPDATE {n: OLD.n + 1} IN u RETURN [OLD.n, NEW.n]'
    expect(await t.q(q)).toEqual([[null, 1]])
    expect(await t.q(q)).toEqual([[1, 2]])
  })
  it('upserts with the 3.12 FILTER form, CURRENT being the candidate document', async () => {
    const q =
      'UPSERT FILTER CURRENT.name == "b" && CURRENT.n >= 1 INSERT {name: "b", n: 1} UPDATE {n: OLD.n + 1} IN u RETURN NEW.n'
    expect(await t.q(q)).toEqual([1])
    expect(await t.q(q)).toEqual([2])
  })
  it('makes all writes of a query atomic', async () => {
    t.store.createCollection('_system', 'atomic')
    await expect(t.q('FOR k IN ["a", "b", "a"] INSERT {_key: k} INTO atomic')).rejects.toMatchObject({
      errorNum: 1210,
    })
    expect(t.store.count('_system', 'atomic')).toBe(0)
  })
  it('refuses reading or modifying a collection again after modifying it (1579)', async () => {
    expect((await err('INSERT {} INTO m FOR x IN m RETURN x')).errorNum).toBe(1579)
    expect((await err('FOR i IN 1..2 INSERT {} INTO m INSERT {} INTO m')).errorNum).toBe(1579)
  })
  it('scans the whole collection with OPTIONS {disableIndex: true}', async () => {
    const r = await t.run('FOR x IN m OPTIONS {disableIndex: true} FILTER x._key == "k1" RETURN x.n')
    expect(r.result).toEqual([1])
    expect(r.stats).toMatchObject({ scannedIndex: 0, scannedFull: 2 })
  })
  it('answers _key equality through the primary index without a full scan', async () => {
    const r = await t.run('FOR x IN m FILTER x._key == "k1" RETURN x.n')
    expect(r.result).toEqual([1])
    expect(r.stats).toMatchObject({ scannedFull: 0, scannedIndex: 1 })
  })
  it('answers equality and range filters on persistent index fields through the index', async () => {
    t.store.createCollection('_system', 'p')
    t.store.ensureIndex('_system', 'p', { type: 'persistent', fields: ['a', 'b'] })
    await t.q('FOR i IN 1..20 INSERT {a: i % 2, b: i} INTO p')
    const r = await t.run('FOR x IN p FILTER x.a == 1 AND x.b >= 15 SORT x.b RETURN x.b')
    expect(r.result).toEqual([15, 17, 19])
    expect(r.stats.scannedFull).toBe(0)
  })
})

describe('AQL traversals', () => {
  it('walks OUTBOUND/INBOUND/ANY with depth ranges over the edge index', async () => {
    t.store.createCollection('_system', 'v')
    t.store.createCollection('_system', 'e', { type: 3 })
    await t.q('FOR k IN ["a","b","c","d"] INSERT {_key: k} INTO v')
    await t.q(
      'FOR p IN [["a","b"],["b","c"],["c","d"],["a","c"]] INSERT {_from: CONCAT("v/", p[0]), _to: CONCAT("v/", p[1])} INTO e',
    )
    const keys = async (q: string) => ((await t.q(q)) as string[]).sort()
    expect(await keys("FOR x IN 1..1 OUTBOUND 'v/a' e RETURN x._key")).toEqual(['b', 'c'])
    expect(await keys("FOR x IN 2 OUTBOUND 'v/a' e RETURN x._key")).toEqual(['c', 'd'])
    expect(await keys("FOR x IN 0..1 INBOUND 'v/c' e RETURN x._key")).toEqual(['a', 'b', 'c'])
    expect(await keys("FOR x IN 1 ANY 'v/b' e RETURN x._key")).toEqual(['a', 'c'])
    expect(await t.q("FOR x, y, p IN 0 OUTBOUND 'v/a' e RETURN [x._key, y, p.edges]")).toEqual([
      ['a', null, []],
    ])
  })
  it('stops expansion at PRUNE but still emits the pruned vertex', async () => {
    const r = (await t.q("FOR x IN 1..3 OUTBOUND 'v/a' e PRUNE x._key == 'c' RETURN x._key")) as string[]
    expect(r.sort()).toEqual(['b', 'c', 'c'])
  })
  it('applies uniqueVertices global with bfs', async () => {
    const r = (await t.q(
      "FOR x IN 1..3 OUTBOUND 'v/a' e OPTIONS {order: 'bfs', uniqueVertices: 'global'} RETURN x._key",
    )) as string[]
    expect(r.sort()).toEqual(['b', 'c', 'd'])
  })
  it('orders a weighted traversal by path weight and reports the weights', async () => {
    t.store.createCollection('_system', 'wv')
    t.store.createCollection('_system', 'we', { type: 3 })
    await t.q('FOR k IN ["a","b","c","d"] INSERT {_key: k} INTO wv')
    await t.q(
      'FOR x IN [["a","b",5],["a","c",1],["c","d",1],["b","d",1]] INSERT {_from: CONCAT("wv/", x[0]), _to: CONCAT("wv/", x[1]), w: x[2]} INTO we',
    )
    const r = await t.q(
      "FOR v, e, p IN 1..2 OUTBOUND 'wv/a' we OPTIONS {order: 'weighted', weightAttribute: 'w'} RETURN [v._key, p.weights]",
    )
    expect(r).toEqual([
      ['c', [0, 1]],
      ['d', [0, 1, 2]],
      ['b', [0, 5]],
      ['d', [0, 5, 6]],
    ])
  })
  it('binds the PRUNE variable and restricts vertexCollections and edgeCollections', async () => {
    const r = (await t.q(
      "FOR x IN 1..3 OUTBOUND 'v/a' e PRUNE stop = x._key == 'c' RETURN [x._key, stop]",
    )) as [string, boolean][]
    expect(r.sort()).toEqual([
      ['b', false],
      ['c', true],
      ['c', true],
    ])
    expect(await t.q("FOR x IN 1..3 OUTBOUND 'v/a' e OPTIONS {vertexCollections: 'nope'} RETURN x")).toEqual(
      [],
    )
    expect(await t.q("FOR x IN 1 OUTBOUND 'v/a' e OPTIONS {edgeCollections: ['other']} RETURN x")).toEqual([])
  })
  it('finds the shortest path with a null first edge', async () => {
    expect(
      await t.q("FOR x, y IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/d' e RETURN [x._key, y == null]"),
    ).toEqual([
      ['a', true],
      ['c', false],
      ['d', false],
    ])
  })
  it('gives the same vertices when a hub expansion loads its neighbours by one scan', async () => {
    t.store.createCollection('_system', 'hv')
    t.store.createCollection('_system', 'he', { type: 3 })
    await t.q('FOR i IN 0..150 INSERT {_key: CONCAT("h", i), n: i} INTO hv')
    // 120 edges from the hub h0, two of them to a vertex that does not exist
    await t.q('FOR i IN 1..118 INSERT {_from: "hv/h0", _to: CONCAT("hv/h", i)} INTO he')
    await t.q('FOR i IN 1..2 INSERT {_from: "hv/h0", _to: "hv/missing"} INTO he')
    const r = await t.run("FOR v IN 1 OUTBOUND 'hv/h0' he RETURN v.n")
    expect((r.result as (number | null)[]).sort((a, b) => (a ?? -1) - (b ?? -1))).toEqual([
      null,
      null,
      ...Array.from({ length: 118 }, (_, i) => i + 1),
    ])
    expect(r.stats.scannedFull).toBe(151)
  })
  it('yields nothing for a start vertex that does not exist', async () => {
    expect(await t.q("FOR x IN 1 OUTBOUND 'v/zzz' e RETURN x")).toEqual([])
  })
})
