/**
 * The optimizer rules one by one, each applied alone to a freshly planned pipeline (ArangoDB 3.12
 * "AQL optimizer rules": use-indexes, sort-limit), and the optimizer recording what fired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseQuery } from '../../../../src/engine/aql/parser.js'
import type { IndexNode, Pipeline, SortNode } from '../../../../src/engine/aql/plan/nodes.js'
import { optimize } from '../../../../src/engine/aql/plan/optimizer.js'
import { Planner } from '../../../../src/engine/aql/plan/planner.js'
import { sortLimit } from '../../../../src/engine/aql/plan/rules/sort-limit.js'
import { useIndexes } from '../../../../src/engine/aql/plan/rules/use-indexes.js'
import { openTestDb, type TestDb } from '../helpers.js'

let t: TestDb
const env = () => ({ store: t.store, db: '_system' })
const pipeline = (q: string, bind: Record<string, unknown> = {}, fullCount = false): Pipeline =>
  new Planner(bind, fullCount).plan(parseQuery(q).query).root
const types = (p: Pipeline) => p.nodes.map((n) => n.type)

beforeAll(() => {
  t = openTestDb()
  t.store.createCollection('_system', 'people')
  t.store.ensureIndex('_system', 'people', { type: 'persistent', fields: ['age', 'name'] })
  t.store.createCollection('_system', 'knows', { type: 3 })
})
afterAll(() => t.close())

describe('use-indexes', () => {
  it('turns a scan filtered by _key into a primary IndexNode, keeping the FILTER', () => {
    const p = pipeline('FOR p IN people FILTER p._key == "a" RETURN p')
    expect(useIndexes.apply(p, env())).toBe(true)
    expect(types(p)).toEqual(['SingletonNode', 'IndexNode', 'CalculationNode', 'FilterNode', 'ReturnNode'])
    const n = p.nodes[1] as IndexNode
    expect(n.index).toMatchObject({ type: 'primary', fields: ['_key'] })
    expect(n.access.kind).toBe('primary-key')
  })

  it('uses the edge index for _from and a persistent index for an equality prefix plus a range', () => {
    const e = pipeline('FOR k IN knows FILTER k._from == "people/a" RETURN k')
    useIndexes.apply(e, env())
    expect((e.nodes[1] as IndexNode).index).toMatchObject({ type: 'edge', fields: ['_from'] })
    const r = pipeline('FOR p IN people FILTER p.age == 3 FILTER p.name > "m" RETURN p')
    useIndexes.apply(r, env())
    const access = (r.nodes[1] as IndexNode).access
    expect(access.kind === 'persistent' && [access.eq.length, access.range.length]).toEqual([1, 1])
  })

  it('leaves the scan for OPTIONS {disableIndex: true}, an unindexed attribute or a loop-dependent value', () => {
    for (const q of [
      'FOR p IN people OPTIONS {disableIndex: true} FILTER p._key == "a" RETURN p',
      'FOR p IN people FILTER p.city == "x" RETURN p',
      'FOR p IN people FILTER p._key == p.other RETURN p',
      'FOR p IN people LET x = 1 FILTER p._key == "a" RETURN p',
    ]) {
      const p = pipeline(q)
      expect(useIndexes.apply(p, env()), q).toBe(false)
      expect(types(p)).toContain('EnumerateCollectionNode')
    }
  })

  it('still sees a FILTER whose expression had a subquery pulled out of it', () => {
    const p = pipeline(
      'FOR p IN people FILTER LENGTH((FOR i IN 1..2 RETURN i)) > 0 AND p._key == "a" RETURN p',
    )
    expect(useIndexes.apply(p, env())).toBe(true)
    expect(types(p)).toEqual([
      'SingletonNode',
      'IndexNode',
      'SubqueryNode',
      'CalculationNode',
      'FilterNode',
      'ReturnNode',
    ])
  })

  it('may read variables bound before the loop', () => {
    const p = pipeline('FOR k IN ["a", "b"] FOR p IN people FILTER p._key == k RETURN p')
    expect(useIndexes.apply(p, env())).toBe(true)
  })
})

describe('sort-limit', () => {
  it('folds a LIMIT right after a SORT into the SortNode', () => {
    const p = pipeline('FOR i IN 1..10 SORT i DESC LIMIT 2, 3 RETURN i')
    expect(sortLimit.apply(p, env())).toBe(true)
    const s = p.nodes.find((n) => n.type === 'SortNode') as SortNode
    expect(s.limit).toBeDefined()
  })

  it('does not fire when that LIMIT counts fullCount, or when something stands between', () => {
    expect(sortLimit.apply(pipeline('FOR i IN 1..10 SORT i LIMIT 2 RETURN i', {}, true), env())).toBe(false)
    expect(sortLimit.apply(pipeline('FOR i IN 1..10 SORT i FILTER i > 1 LIMIT 2 RETURN i'), env())).toBe(
      false,
    )
  })
})

describe('the optimizer', () => {
  it('records the rules that fired, in subqueries too, by their ArangoDB names', () => {
    const q =
      'LET x = (FOR p IN people FILTER p._key == "a" RETURN p) FOR i IN 1..3 SORT i LIMIT 1 RETURN [i, x]'
    const plan = optimize(new Planner({}).plan(parseQuery(q).query), env())
    expect(plan.rules).toEqual(['use-indexes', 'sort-limit'])
    expect(optimize(new Planner({}).plan(parseQuery('RETURN 1').query), env()).rules).toEqual([])
  })
})
