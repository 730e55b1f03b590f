/**
 * Compile-time variable checks (issue 17) through arangojs. Expected answers come from arangod's
 * own sources and jsunity tests, as each test name says: Aql/Scopes.cpp (redeclaration across all
 * active scopes), grammar.y (scope ends, the 1512 cases, `reference: T_STRING` making an unknown
 * name a collection), Ast::createNodeInsert/Remove/Update (which of OLD/NEW exist).
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('AQL compile-time checks (ArangoDB 3.12 parser)', () => {
  const target = useTestTarget()
  const all = async (query: string) => (await target.db.query(query)).all()
  const errorOf = async (query: string) => {
    try {
      await all(query)
    } catch (e) {
      const x = e as { errorNum?: number; code?: number; message: string }
      return { errorNum: x.errorNum, code: x.code, message: x.message }
    }
    throw new Error(`no error for ${query}`)
  }

  it('a variable declared while one of its name is visible is 1511 (aql-variables.js testRedeclare)', async () => {
    const cases: [string, string][] = [
      ['LET a = 1 FOR a IN [ 1 ] RETURN 0', 'a'],
      // Scopes::addVariable looks through every active scope: a subquery cannot shadow
      ['LET a = 1 LET b = (FOR a IN [1] RETURN a) RETURN b', 'a'],
      // COLLECT's group variable (createNodeAssign) while the FOR variable x is still in scope
      ['FOR x IN [1] COLLECT x = x RETURN x', 'x'],
      // INTO is declared after the group variables
      ['FOR x IN [1] COLLECT g = x INTO g RETURN g', 'g'],
      ['FOR v, e IN 1..1 OUTBOUND "c/1" edges LET v = 1 RETURN v', 'v'],
      ['LET x = 1 LET x = 2 RETURN x', 'x'],
    ]
    for (const [q, name] of cases) {
      const e = await errorOf(q)
      expect([e.errorNum, e.code, q]).toEqual([1511, 400, q])
      expect(e.message).toContain(`variable '${name}' is assigned multiple times`)
    }
  })

  it('scopes end where grammar.y ends them: after a subquery, after RETURN, at a COLLECT inside a FOR', async () => {
    // the subquery's y is gone after it, so the outer FOR may declare y
    expect(await all('FOR x IN [1] LET s = (FOR y IN [1] RETURN y) FOR y IN [2] RETURN [s, y]')).toEqual([
      [[1], 2],
    ])
    // startCollectScope ends the FOR scope: x may be declared again, the COLLECT's g stays
    expect(await all('FOR x IN [1] COLLECT g = x FOR x IN [2] RETURN [g, x]')).toEqual([[1, 2]])
    expect(await all('FOR x IN [1, 1] COLLECT WITH COUNT INTO x RETURN x')).toEqual([2])
  })

  it('an undeclared name is a collection, so it fails as 1203 (aql-variables.js testUndeclared, testInvalidationAfterCollect)', async () => {
    for (const q of [
      'LET a = nonexisting + 1 RETURN 0',
      'FOR x1 IN 1..2 COLLECT key1 = x1 RETURN x1',
      'FOR x1 IN 1..2 COLLECT key1 = x1 FOR x2 IN 1..2 COLLECT key2 = x2 RETURN [key2, key1]',
    ]) {
      expect((await errorOf(q)).errorNum).toBe(1203)
    }
  })

  it('{foo} without a variable foo is 1512 "in object literal" (aql-variables testUndefinedAttributeName1)', async () => {
    const e = await errorOf('RETURN { foo }')
    expect([e.errorNum, e.code]).toEqual([1512, 400])
    expect(e.message).toContain("use of unknown variable 'foo' in object literal")
    expect(await all('LET foo = 1 RETURN { foo }')).toEqual([{ foo: 1 }])
  })

  it("a COLLECT's INTO expression using its own variables is 1512 (subquery-collect-scope testCollectUsingItsOwnVariablesInIntoExpression)", async () => {
    for (const q of [
      'FOR x IN [] COLLECT c = x INTO g = c RETURN g',
      'FOR x IN [] COLLECT c = x INTO g = 1 + c RETURN g',
      'FOR x IN [] COLLECT c = x INTO g = (FOR j IN [] RETURN c) RETURN g',
      'FOR x IN [] COLLECT c = x INTO g = (FOR j IN [] RETURN (FOR k IN [] RETURN c + 1)) RETURN g',
      'FOR x IN [] COLLECT c = x, d = x + 1 INTO g = d RETURN g',
      'FOR x IN [] COLLECT AGGREGATE c = LENGTH(x) INTO g = c RETURN g',
    ]) {
      expect([(await errorOf(q)).errorNum, q]).toEqual([1512, q])
    }
    // a group variable in the COLLECT's own expression, and KEEP of it (checkCollectVariables "KEEP")
    expect((await errorOf('FOR x IN [1] COLLECT g = x INTO h KEEP g RETURN h')).errorNum).toBe(1512)
  })

  it('AGGREGATE using a group variable or an earlier aggregate is 1512 (aql-optimizer-collect-aggregate testAggregateAllReferToCollectvariable)', async () => {
    const group = await errorOf('FOR j IN [1] COLLECT doc = j AGGREGATE length = LENGTH(doc) RETURN doc')
    expect(group.errorNum).toBe(1512)
    expect(group.message).toContain("use of unknown variable 'doc' in AGGREGATE expression")
    const own = await errorOf('FOR x IN [1] COLLECT AGGREGATE a = MAX(x), b = MAX(a) RETURN b')
    expect(own.errorNum).toBe(1512)
    expect(own.message).toContain("use of COLLECT variable 'a' inside same COLLECT")
    // grammar.y's WINDOW runs the same validateAggregates
    const win = await errorOf(
      'FOR x IN [1, 2] WINDOW { preceding: 1 } AGGREGATE a = SUM(x), b = SUM(a) RETURN b',
    )
    expect(win.errorNum).toBe(1512)
  })

  it('KEEP naming no variable is a parse error, 1501 (grammar.y variable_list)', async () => {
    const e = await errorOf('FOR x IN [1] COLLECT g = x INTO h KEEP zz RETURN h')
    expect(e.errorNum).toBe(1501)
    expect(e.message).toContain("use of unknown variable 'zz' for KEEP")
  })

  it('OLD and NEW exist only where the operation declares them; otherwise they name a collection (1203)', async () => {
    await target.db.createCollection('checked')
    await target.db.collection('checked').save({ _key: 'k1', n: 1 })
    // REMOVE declares OLD only, INSERT NEW only (Ast::createNodeRemove / createNodeInsert)
    for (const q of [
      'FOR d IN checked REMOVE d IN checked RETURN NEW',
      'INSERT {} INTO checked RETURN OLD',
      // UPDATE declares OLD/NEW after its expressions: the WITH document cannot read OLD
      'UPDATE "k1" WITH { m: OLD.n } IN checked RETURN NEW',
    ]) {
      const e = await errorOf(q)
      expect([e.errorNum, q]).toEqual([1203, q])
    }
    // INSERT with an overwriteMode has an OLD (the replaced document, here none: null)
    expect(
      await all('INSERT { _key: "k2" } INTO checked OPTIONS { overwriteMode: "replace" } RETURN OLD'),
    ).toEqual([null])
    // UPSERT declares OLD before its UPDATE expression
    expect(
      await all('UPSERT { _key: "k1" } INSERT {} UPDATE { m: OLD.n + 1 } IN checked RETURN [OLD.n, NEW.m]'),
    ).toEqual([[1, 2]])
  })

  it('reading a collection after modifying it is 1579 (docs: data-modification queries)', async () => {
    await target.db.createCollection('modified')
    const e = await errorOf(
      'FOR i IN 1..2 INSERT {} INTO modified LET x = (FOR d IN modified RETURN d) RETURN x',
    )
    expect([e.errorNum, e.code]).toEqual([1579, 400])
    expect(e.message).toContain('access after data-modification by InsertNode')
  })

  it('destructuring a traversal or path output is a syntax error: grammar.y for_output_variables are names', async () => {
    for (const q of [
      'FOR [v] IN 1..1 OUTBOUND "c/1" edges RETURN v',
      'FOR {v} IN OUTBOUND SHORTEST_PATH "c/1" TO "c/2" edges RETURN v',
    ]) {
      expect((await errorOf(q)).errorNum).toBe(1501)
    }
  })

  it('each FOR form allows the output variables grammar.y checkOutVariables allows, with its message (1501)', async () => {
    const cases: [string, string][] = [
      ['FOR a, b IN [1] RETURN a', 'Collections and views FOR loops only allow a single return variable'],
      [
        'FOR a, b, c, d IN 1..1 OUTBOUND "v/a" e RETURN a',
        'Traversals only have one, two or three return variables',
      ],
      [
        'FOR a, b, c IN OUTBOUND SHORTEST_PATH "v/a" TO "v/b" e RETURN a',
        'SHORTEST_PATH must have one or two return variables',
      ],
      [
        'FOR p, x IN OUTBOUND K_SHORTEST_PATHS "v/a" TO "v/b" e RETURN p',
        'K_SHORTEST_PATHS only has one return variable',
      ],
      ['FOR p, x IN 1..2 OUTBOUND K_PATHS "v/a" TO "v/b" e RETURN p', 'K_PATHS only has one return variable'],
      [
        'FOR p, x IN OUTBOUND ALL_SHORTEST_PATHS "v/a" TO "v/b" e RETURN p',
        'ALL_SHORTEST_PATHS only has one return variable',
      ],
    ]
    for (const [q, msg] of cases) {
      const e = await errorOf(q)
      expect([e.errorNum, e.code, q]).toEqual([1501, 400, q])
      expect(e.message).toContain(msg)
    }
  })

  it('a negative edge weight stops a weighted search with 1948, a negative defaultWeight too (ShortestPathOptions)', async () => {
    await target.db.createCollection('wv')
    const edges = await target.db.createEdgeCollection('we')
    await target.db.collection('wv').import([{ _key: 'a' }, { _key: 'b' }, { _key: 'c' }])
    await edges.import([
      { _from: 'wv/a', _to: 'wv/b', w: 1 },
      { _from: 'wv/b', _to: 'wv/c', w: -2 },
    ])
    const ksp =
      'FOR p IN OUTBOUND K_SHORTEST_PATHS "wv/a" TO "wv/c" we OPTIONS { weightAttribute: "w" } RETURN p.weight'
    const e = await errorOf(ksp)
    expect(e.errorNum).toBe(1948)
    expect(e.message).toContain('negative edge weight found')
    const weighted = await errorOf(
      'FOR v IN 1..2 OUTBOUND "wv/a" we OPTIONS { order: "weighted", weightAttribute: "w" } RETURN v._key',
    )
    expect(weighted.errorNum).toBe(1948)
    const dflt = await errorOf(
      'FOR p IN OUTBOUND K_SHORTEST_PATHS "wv/a" TO "wv/b" we OPTIONS { weightAttribute: "x", defaultWeight: -1 } RETURN p',
    )
    expect(dflt.errorNum).toBe(1948)
    expect(dflt.message).toContain('negative default weight not allowed')
    // without weights the same graph answers: path length counts, the weight attribute is unused
    expect(await all('FOR p IN OUTBOUND K_SHORTEST_PATHS "wv/a" TO "wv/c" we RETURN p.weight')).toEqual([2])
  })
})
