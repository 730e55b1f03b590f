/**
 * The plan as /_api/explain and `extra.plan` print it (ArangoDB 3.12 "Explaining queries"):
 * `nodes` [{type, id, dependencies, estimatedCost, estimatedNrItems, …}], `rules`, `collections`,
 * `variables`, `estimatedCost`, `estimatedNrItems`, `isModificationQuery`. Subqueries nest under
 * their SubqueryNode (`subquery.nodes`). The estimates are the engine's own but consistent: cost
 * only grows along a pipeline, and a FILTER never raises the number of items.
 */
import type { Store } from '../../storage/types.js'
import type { Expr } from '../ast.js'
import { exprNode } from '../ast-json.js'
import type { ExecutionPlan, PlanNode, Pipeline } from './nodes.js'

type Json = Record<string, unknown>
interface Estimate {
  cost: number
  items: number
}

const constNumber = (e: Expr | undefined) =>
  e?.type === 'value' && typeof e.value === 'number' ? e.value : undefined

/** Rows per input row a node yields, estimated without running it. */
function fanOut(n: PlanNode, store: Store, db: string, calcs: Map<string, Expr>): number {
  switch (n.type) {
    case 'EnumerateCollectionNode':
      return store.getCollection(db, n.collection) ? store.count(db, n.collection) : 0
    case 'IndexNode': {
      if (n.access.kind !== 'persistent' && n.access.kind !== 'edge') {
        const v = n.access.cond.value
        return n.access.cond.op === 'IN' ? (v.type === 'array' ? v.items.length : 10) : 1
      }
      const total = store.getCollection(db, n.collection) ? store.count(db, n.collection) : 0
      return Math.min(total, Math.max(1, Math.ceil(total / 100)))
    }
    case 'EnumerateListNode': {
      const e = calcs.get(n.inVariable)
      if (e?.type === 'range') {
        const a = constNumber(e.from)
        const b = constNumber(e.to)
        if (a !== undefined && b !== undefined) return Math.abs(Math.trunc(b) - Math.trunc(a)) + 1
      }
      if (e?.type === 'array') return e.items.length
      if (e?.type === 'value' && Array.isArray(e.value)) return e.value.length
      return 100
    }
    case 'TraversalNode':
    case 'ShortestPathNode':
    case 'EnumeratePathsNode':
      return 10
    default:
      return 1
  }
}

function nodeJson(n: PlanNode): Json {
  const base: Json = { type: n.type, id: n.id, dependencies: n.dependencies }
  switch (n.type) {
    case 'SingletonNode':
      return base
    case 'CalculationNode':
      return { ...base, expression: exprNode(n.expr), outVariable: { name: n.outVariable } }
    case 'SubqueryNode':
      // the nested nodes are added by pipelineJson, which estimates them too
      return { ...base, outVariable: { name: n.outVariable }, isConst: false }
    case 'FilterNode':
      return { ...base, inVariable: { name: n.inVariable } }
    case 'EnumerateCollectionNode':
      return { ...base, collection: n.collection, outVariable: { name: n.outVariable }, random: false }
    case 'IndexNode':
      return { ...base, collection: n.collection, outVariable: { name: n.outVariable }, indexes: [n.index] }
    case 'EnumerateListNode':
      return { ...base, inVariable: { name: n.inVariable }, outVariable: { name: n.outVariable } }
    case 'TraversalNode': {
      const op = n.op
      const [vName, eName, pName] = op.vars
      const opts = op.options?.type === 'object' ? op.options : null
      const opt = (k: string) => {
        const e = opts?.entries.find((x) => x.key === k)?.value
        return e?.type === 'value' ? e.value : undefined
      }
      const order = opt('order') ?? (opt('bfs') === true ? 'bfs' : 'dfs')
      const graph = op.graph.graph
      return {
        ...base,
        direction: op.direction,
        vertexOutVariable: { name: vName },
        edgeOutVariable: eName ? { name: eName } : undefined,
        pathOutVariable: pName ? { name: pName } : undefined,
        vertexId:
          op.start.type === 'value' && typeof op.start.value === 'string' ? op.start.value : undefined,
        inVariable: op.start.type === 'name' ? { name: op.start.name } : undefined,
        graph: graph && 'name' in graph && typeof graph.name === 'string' ? graph.name : undefined,
        edgeCollections: n.edgeCollections ?? [],
        indexes: {
          base: (n.edgeCollections ?? []).map((c) => ({
            type: 'edge',
            collection: c,
            fields: ['_from', '_to'],
          })),
        },
        options: {
          order,
          uniqueVertices: opt('uniqueVertices') ?? 'none',
          uniqueEdges: opt('uniqueEdges') ?? 'path',
          minDepth: constNumber(op.min),
          maxDepth: constNumber(op.max),
        },
      }
    }
    case 'ShortestPathNode':
    case 'EnumeratePathsNode':
      return {
        ...base,
        indexes: { base: (n.edgeCollections ?? []).map((c) => ({ type: 'edge', collection: c })) },
      }
    case 'SortNode': {
      const json: Json = {
        ...base,
        elements: n.op.items.map((it) => ({
          inVariable: { name: it.expr.type === 'name' ? it.expr.name : JSON.stringify(exprNode(it.expr)) },
          ascending: it.asc,
          expression: exprNode(it.expr),
        })),
        stable: false,
      }
      if (n.limit) {
        const off = constNumber(n.limit.offset)
        const cnt = constNumber(n.limit.count)
        json.limit = off !== undefined && cnt !== undefined ? off + cnt : null
        json.strategy = 'constrained-heap'
      } else json.strategy = 'standard'
      return json
    }
    case 'LimitNode':
      return {
        ...base,
        offset: n.offset.type === 'value' ? n.offset.value : null,
        limit: n.count.type === 'value' ? n.count.value : null,
        fullCount: n.fullCount,
      }
    case 'CollectNode':
      return {
        ...base,
        groups: n.op.groups.map((g) => ({
          outVariable: { name: g.var },
          inVariable: { name: g.expr.type === 'name' ? g.expr.name : JSON.stringify(exprNode(g.expr)) },
        })),
        aggregates: n.op.aggregates.map((a) => ({ outVariable: { name: a.var }, type: a.fn })),
        // the engine groups by sorting (CollectOptions "sorted"); RETURN DISTINCT's is "distinct"
        isDistinctCommand: n.distinct === true,
        specialized: n.distinct === true,
        collectOptions: { method: n.distinct ? 'distinct' : 'sorted' },
      }
    case 'WindowNode':
      return {
        ...base,
        aggregates: n.op.aggregates.map((a) => ({ outVariable: { name: a.var }, type: a.fn })),
      }
    case 'InsertNode':
    case 'UpdateNode':
    case 'ReplaceNode':
    case 'RemoveNode':
    case 'UpsertNode':
      return { ...base, collection: n.collection }
    case 'ReturnNode':
      return { ...base, inVariable: { name: n.inVariable }, count: true }
  }
}

interface SerializeContext {
  store: Store
  db: string
  variables: Map<string, number>
}

function addVariable(ctx: SerializeContext, name: string | undefined) {
  if (name !== undefined && !ctx.variables.has(name)) ctx.variables.set(name, ctx.variables.size)
}

function pipelineJson(p: Pipeline, ctx: SerializeContext): { json: { nodes: Json[] }; last: Estimate } {
  const calcs = new Map<string, Expr>()
  const nodes: Json[] = []
  let est: Estimate = { cost: 0, items: 1 }
  for (const n of p.nodes) {
    let items = est.items * fanOut(n, ctx.store, ctx.db, calcs)
    let extra = 0
    if (n.type === 'SingletonNode') items = 1
    else if (n.type === 'LimitNode') {
      const off = constNumber(n.offset) ?? 0
      const cnt = constNumber(n.count)
      if (cnt !== undefined) items = Math.min(est.items, Math.max(0, cnt), Math.max(0, est.items - off))
    } else if (n.type === 'CollectNode' && n.op.groups.length === 0) items = Math.min(est.items, 1)
    else if (n.type === 'SortNode') extra = est.items * Math.log2(est.items + 1)
    if (n.type === 'CalculationNode') calcs.set(n.outVariable, n.expr)
    const json = nodeJson(n)
    if (n.type === 'SubqueryNode') {
      const sub = pipelineJson(n.subquery, ctx)
      json.subquery = sub.json
      extra = est.items * sub.last.cost
    }
    for (const k of ['outVariable', 'vertexOutVariable', 'edgeOutVariable', 'pathOutVariable']) {
      addVariable(ctx, (json[k] as { name?: string } | undefined)?.name)
    }
    est = { cost: est.cost + items + extra, items }
    nodes.push({ ...json, estimatedCost: round(est.cost), estimatedNrItems: round(items) })
  }
  return { json: { nodes }, last: est }
}

const round = (x: number) => Math.round(x * 100) / 100

export function explainPlan(
  plan: ExecutionPlan,
  store: Store,
  db: string,
  collections: { name: string; type: 'read' | 'write' }[],
  isModification: boolean,
): Json {
  const ctx: SerializeContext = { store, db, variables: new Map() }
  const { json, last } = pipelineJson(plan.root, ctx)
  return {
    nodes: json.nodes,
    rules: [...plan.rules],
    collections,
    variables: [...ctx.variables].map(([name, id]) => ({ id, name })),
    estimatedCost: round(last.cost),
    estimatedNrItems: round(last.items),
    isModificationQuery: isModification,
  }
}
