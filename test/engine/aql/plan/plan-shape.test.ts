/**
 * The explain of every query in the conformance files (../shared/conformance/*.jsonl) and of every
 * AQL literal in test/ is a well-formed plan: node ids unique, each node depending on the node
 * before it in its own pipeline, subqueries nested under their SubqueryNode, `rules` named from
 * ArangoDB 3.12's list (docs-hugo site/data/3.12/optimizer-rules.json, "AQL optimizer rules"),
 * and the estimates consistent (cost never falls along a pipeline, a FILTER never raises items).
 * Planned and optimized without running (no collections are needed); a query that does not parse
 * (an error case) has no plan.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseQuery } from '../../../../src/engine/aql/parser.js'
import { optimize } from '../../../../src/engine/aql/plan/optimizer.js'
import { Planner } from '../../../../src/engine/aql/plan/planner.js'
import { explainPlan } from '../../../../src/engine/aql/plan/serialize.js'
import { readConformance } from '../../../helpers/conformance.js'
import { openTestDb } from '../helpers.js'

/** Rule names of ArangoDB 3.12 (a subset: the ones an engine like this one could fire). */
export const ARANGODB_RULES = new Set([
  'move-calculations-up',
  'move-filters-up',
  'remove-redundant-calculations',
  'remove-unnecessary-filters',
  'remove-unnecessary-calculations',
  'remove-redundant-sorts',
  'interchange-adjacent-enumerations',
  'remove-collect-variables',
  'propagate-constant-attributes',
  'replace-or-with-in',
  'remove-redundant-or',
  'use-indexes',
  'remove-filter-covered-by-index',
  'remove-filter-covered-by-traversal',
  'use-index-for-sort',
  'move-calculations-down',
  'patch-update-statements',
  'optimize-traversals',
  'inline-subqueries',
  'sort-limit',
  'move-filters-into-enumerate',
  'splice-subqueries',
])

type Json = Record<string, any>

function queriesFromConformance(): { name: string; query: string; bindVars: Record<string, unknown> }[] {
  const out: { name: string; query: string; bindVars: Record<string, unknown> }[] = []
  for (const file of ['aql-queries.jsonl', 'aql-functions.jsonl', 'rest-api.jsonl']) {
    for (const e of readConformance<Json>(file)) {
      const body = e.request?.body ?? e
      if (typeof body.query === 'string') {
        out.push({ name: `${file}:${e.name}`, query: body.query, bindVars: body.bindVars ?? {} })
      }
    }
  }
  return out
}

/** String literals in test/ that read as AQL (start with a keyword). */
function queriesFromTests(): { name: string; query: string; bindVars: Record<string, unknown> }[] {
  const out: { name: string; query: string; bindVars: Record<string, unknown> }[] = []
  const walk = (dir: string) => {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, f.name)
      if (f.isDirectory()) walk(p)
      else if (f.name.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8')
        const re = /(['"`])((?:FOR|LET|RETURN|INSERT|UPSERT|WITH) [^'"`$]*?)\1/g
        for (const m of text.matchAll(re)) out.push({ name: `${p}:${m.index}`, query: m[2]!, bindVars: {} })
      }
    }
  }
  walk(path.resolve(process.cwd(), 'test'))
  return out
}

/** Fake bind values: collection parameters name a collection, others are null. */
function bindFor(query: string, given: Record<string, unknown>): Record<string, unknown> {
  const bind: Record<string, unknown> = { ...given }
  for (const p of parseQuery(query).bindParams) if (!(p in bind)) bind[p] = p.startsWith('@') ? 'c' : null
  return bind
}

function checkPipeline(nodes: Json[], ids: Set<number>, problems: string[], where: string): void {
  if (nodes[0]?.type !== 'SingletonNode' || nodes[0].dependencies.length !== 0) {
    problems.push(`${where}: a pipeline starts with a SingletonNode without dependencies`)
  }
  nodes.forEach((n, i) => {
    if (ids.has(n.id)) problems.push(`${where}: duplicate node id ${n.id}`)
    ids.add(n.id)
    if (i > 0) {
      const prev = nodes[i - 1]!
      if (n.dependencies.length !== 1 || n.dependencies[0] !== prev.id) {
        problems.push(
          `${where}: node ${n.id} (${n.type}) depends on ${JSON.stringify(n.dependencies)}, not ${prev.id}`,
        )
      }
      if (n.estimatedCost < prev.estimatedCost) problems.push(`${where}: cost falls at node ${n.id}`)
      if (n.type === 'FilterNode' && n.estimatedNrItems > prev.estimatedNrItems) {
        problems.push(`${where}: FILTER ${n.id} raises the items`)
      }
    }
    if (n.type === 'SubqueryNode') {
      if (!Array.isArray(n.subquery?.nodes))
        problems.push(`${where}: SubqueryNode ${n.id} has no nested nodes`)
      else checkPipeline(n.subquery.nodes, ids, problems, `${where} > subquery ${n.id}`)
    }
  })
}

describe('the explain of every known query is a well-formed plan', () => {
  const t = openTestDb()
  afterAll(() => t.close())
  const all = [...queriesFromConformance(), ...queriesFromTests()]

  it('walks every plan: ids unique, dependencies in place, subqueries nested, rules named', () => {
    const problems: string[] = []
    let planned = 0
    const fired = new Set<string>()
    for (const q of all) {
      let plan: Json
      try {
        const parsed = parseQuery(q.query)
        const bind = bindFor(q.query, q.bindVars)
        // the collections exist (empty), so that index selection has something to choose from
        for (const c of [...parsed.collections, 'c']) {
          if (/^\w+$/.test(c) && !t.store.getCollection('_system', c)) t.store.createCollection('_system', c)
        }
        const p = optimize(new Planner(bind).plan(parsed.query), { store: t.store, db: '_system' })
        plan = explainPlan(p, t.store, '_system', [], p.isModification)
      } catch {
        continue // does not parse: an error case of its file
      }
      planned++
      checkPipeline(plan.nodes, new Set(), problems, q.name)
      for (const r of plan.rules) {
        if (!ARANGODB_RULES.has(r)) problems.push(`${q.name}: unknown rule ${r}`)
        fired.add(r)
      }
      const last = plan.nodes.at(-1)
      if (plan.estimatedCost !== last.estimatedCost)
        problems.push(`${q.name}: plan cost is not its last node's`)
    }
    expect(problems).toEqual([])
    // the conformance files alone hold several hundred queries
    expect(planned).toBeGreaterThan(300)
    expect([...fired].sort()).toEqual(['sort-limit', 'use-indexes'])
  })

  it('nests a subquery and names every dependency (FOR i IN 1..3 INSERT {v: i} INTO c)', () => {
    const p = new Planner({}).plan(parseQuery('FOR i IN 1..3 INSERT {v: i} INTO c').query)
    const plan: Json = explainPlan(p, t.store, '_system', [], true)
    expect(plan.nodes.map((n: Json) => `${n.id}:${n.type}<-[${n.dependencies}]`)).toEqual([
      '1:SingletonNode<-[]',
      '2:CalculationNode<-[1]',
      '3:EnumerateListNode<-[2]',
      '4:CalculationNode<-[3]',
      '5:InsertNode<-[4]',
    ])
    const sub: Json = explainPlan(
      new Planner({}).plan(parseQuery('LET x = (FOR j IN 1..2 RETURN j) RETURN x').query),
      t.store,
      '_system',
      [],
      false,
    )
    expect(sub.nodes.map((n: Json) => n.type)).toEqual(['SingletonNode', 'SubqueryNode', 'ReturnNode'])
    expect(sub.nodes[1].subquery.nodes.map((n: Json) => n.type)).toEqual([
      'SingletonNode',
      'CalculationNode',
      'EnumerateListNode',
      'ReturnNode',
    ])
  })

  it('pulls a subquery out of an expression into a SubqueryNode ahead of it, unless it is lazy', () => {
    const plan = (q: string): Json =>
      explainPlan(new Planner({}).plan(parseQuery(q).query), t.store, '_system', [], false)
    const eager = plan('FOR i IN 1..2 RETURN {i, sq: (FOR j IN 1..i RETURN j)}')
    expect(eager.nodes.map((n: Json) => n.type)).toEqual([
      'SingletonNode',
      'CalculationNode',
      'EnumerateListNode',
      'SubqueryNode',
      'CalculationNode',
      'ReturnNode',
    ])
    const sq = eager.nodes[3]
    expect(eager.nodes[4].expression).toMatchObject({ type: 'object' })
    expect(JSON.stringify(eager.nodes[4].expression)).toContain(sq.outVariable.name)
    // a ternary branch runs only when chosen: its subquery stays inside the expression
    const lazy = plan('FOR i IN 1..2 RETURN i > 1 ? (FOR j IN 1..i RETURN j) : []')
    expect(lazy.nodes.map((n: Json) => n.type)).not.toContain('SubqueryNode')
  })
})
