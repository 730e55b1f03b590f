/**
 * Plans and execution statistics of issue 17 through arangojs: RETURN DISTINCT as a CollectNode,
 * constant folding, and scannedFull counted as the 3.12 manual defines it ("AQL query statistics":
 * documents scanned by subqueries are included, operations triggered by AQL functions are not).
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../../helpers/target.js'

type PlanNode = Record<string, unknown> & { type: string; id: number }

describe('explain and statistics (ArangoDB 3.12 planner)', () => {
  const target = useTestTarget()
  const nodesOf = async (query: string) =>
    ((await target.db.explain(query)) as unknown as { plan: { nodes: PlanNode[] } }).plan.nodes
  const statsOf = async (query: string) => {
    const cursor = await target.db.query(query)
    await cursor.all()
    return cursor.extra.stats as unknown as Record<string, number>
  }

  it('RETURN DISTINCT plans an anonymous CollectNode (method "distinct") the ReturnNode reads (ExecutionPlan::createAnonymousCollect)', async () => {
    const nodes = await nodesOf('FOR x IN [1, 1, 2] RETURN DISTINCT x')
    const types = nodes.map((n) => n.type)
    expect(types.slice(-2)).toEqual(['CollectNode', 'ReturnNode'])
    const collect = nodes.at(-2)!
    expect(collect.collectOptions).toEqual({ method: 'distinct' })
    const groups = collect.groups as { outVariable: { name: string }; inVariable: { name: string } }[]
    expect(groups).toHaveLength(1)
    expect(groups[0]!.inVariable.name).toBe('x')
    expect((nodes.at(-1)!.inVariable as { name: string }).name).toBe(groups[0]!.outVariable.name)
    // the distinct method keeps the order values are first seen in
    expect(await (await target.db.query('FOR x IN [3, 1, 3, 2, 1] RETURN DISTINCT x')).all()).toEqual([
      3, 1, 2,
    ])
  })

  it('IS_NULL(42) is folded to the constant false before planning (arangod AST optimization); RAND() is not', async () => {
    const [calc] = (await nodesOf('RETURN IS_NULL(42)')).filter((n) => n.type === 'CalculationNode')
    expect(calc!.expression).toEqual({ type: 'value', value: false })
    const [rand] = (await nodesOf('RETURN RAND()')).filter((n) => n.type === 'CalculationNode')
    expect((rand!.expression as { type: string }).type).toBe('function call')
    // bind parameters are constants too: arangod injects them into the AST before optimizing
    const explained = (await target.db.explain({
      query: 'RETURN IS_NULL(@x)',
      bindVars: { x: null },
    })) as unknown as {
      plan: { nodes: PlanNode[] }
    }
    const [bound] = explained.plan.nodes.filter((n) => n.type === 'CalculationNode')
    expect(bound!.expression).toEqual({ type: 'value', value: true })
    // folding keeps the answer
    expect(await (await target.db.query('RETURN [IS_NULL(42), 1 + 1, CONCAT("a", "b")]')).all()).toEqual([
      [false, 2, 'ab'],
    ])
  })

  it("a FILTER of 450 AND-ed conditions plans and runs; 3,000 are past arangod's 500 nesting levels (1524), refused cleanly", async () => {
    const conds = (n: number) => Array.from({ length: n }, (_, i) => `x != ${i + 10}`).join(' AND ')
    expect(await (await target.db.query(`FOR x IN [1, 2] FILTER ${conds(450)} RETURN x`)).all()).toEqual([
      1, 2,
    ])
    await expect(target.db.query(`FOR x IN [1, 2] FILTER ${conds(3000)} RETURN x`)).rejects.toMatchObject({
      errorNum: 1524,
    })
  })

  it("expression nodes carry arangod's AstNode type names (plus, compare in, unary not)", async () => {
    const [, calc] = (await nodesOf('FOR x IN [1] RETURN [x + 1, x IN [2], !x]')).filter(
      (n) => n.type === 'CalculationNode',
    )
    const types = (calc!.expression as { subNodes: { type: string }[] }).subNodes.map((n) => n.type)
    expect(types).toEqual(['plus', 'compare in', 'unary not'])
  })

  it('scannedFull includes the documents subqueries scan, once per run; a LIMIT reads no further than it passes', async () => {
    const c = await target.db.createCollection('scanned')
    await c.import([{ v: 1 }, { v: 2 }, { v: 3 }, { v: 4 }])
    expect((await statsOf('FOR d IN scanned RETURN d')).scannedFull).toBe(4)
    // 3 runs of a subquery over 4 documents
    expect(
      (await statsOf('FOR i IN 1..3 LET s = (FOR d IN scanned RETURN d) RETURN LENGTH(s)')).scannedFull,
    ).toBe(12)
    // LIMIT 2 in each of 2 subquery runs: 2 documents each
    expect((await statsOf('FOR i IN 1..2 RETURN (FOR d IN scanned LIMIT 2 RETURN d.v)')).scannedFull).toBe(4)
  })

  it('documents DOCUMENT() reads are not counted: operations triggered by AQL functions are excluded', async () => {
    const c = await target.db.createCollection('looked')
    await c.save({ _key: 'a' })
    const stats = await statsOf('RETURN DOCUMENT("looked/a")._key')
    expect([stats.scannedFull, stats.scannedIndex]).toEqual([0, 0])
  })
})
