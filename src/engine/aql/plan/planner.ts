/**
 * The planner: turns a parsed query into an execution plan of typed nodes (nodes.ts), one pipeline
 * per query level, as arangod's ExecutionPlan::instantiateFromAst does. It decides only what the
 * query says (which FOR enumerates a collection, which an array); choosing indexes and the like is
 * left to the optimizer rules (optimizer.ts).
 */
import { modificationVariables, type CollRef, type Expr, type Pattern, type Query } from '../ast.js'
import { foldQuery, type Folder } from './constant-folding.js'
import type { ExecutionPlan, ModificationNode, PlanNode, Pipeline } from './nodes.js'
import { hasSubquery, pullSubqueries } from './subqueries.js'
import { MAX_PLAN_NODES, tooMuchNesting } from '../limits.js'

const MODIFICATION_NODE = {
  insert: 'InsertNode',
  update: 'UpdateNode',
  replace: 'ReplaceNode',
  remove: 'RemoveNode',
  upsert: 'UpsertNode',
} as const

type NewNode = PlanNode extends infer N
  ? N extends PlanNode
    ? Omit<N, 'id' | 'dependencies'>
    : never
  : never

function patternNames(p: Pattern | undefined, out: string[]): string[] {
  if (p === null || p === undefined) return out
  if (typeof p === 'string') out.push(p)
  else if ('array' in p) p.array.forEach((x) => patternNames(x, out))
  else p.object.forEach((x) => patternNames(x.target, out))
  return out
}

export class Planner {
  private lastId = 0

  constructor(
    private readonly bind: Record<string, unknown>,
    private readonly fullCount = false,
    /** Folds constant expressions before planning, as arangod's AST optimization does. */
    private readonly folder?: Folder,
  ) {}

  plan(q: Query): ExecutionPlan {
    const root = this.pipeline(this.folder ? foldQuery(q, this.folder) : q, [], true)
    const isModification = containsModification(root)
    return { root, rules: [], isModification }
  }

  /** A query level; `outer` are the variables of the enclosing levels (they survive a COLLECT). */
  pipeline(q: Query, outer: readonly string[], top: boolean): Pipeline {
    const nodes: PlanNode[] = []
    const add = (n: NewNode): PlanNode => {
      const id = ++this.lastId
      if (id > MAX_PLAN_NODES) throw tooMuchNesting()
      const node = { ...n, id, dependencies: nodes.length ? [nodes[nodes.length - 1]!.id] : [] } as PlanNode
      nodes.push(node)
      return node
    }
    const temp = () => `#${this.lastId + 1}`
    add({ type: 'SingletonNode' })
    let names = new Set(outer)
    // the LIMIT fullCount refers to: the last top-level LIMIT
    let lastLimit = -1
    if (top && this.fullCount) q.ops.forEach((op, i) => op.type === 'limit' && (lastLimit = i))
    /** A CalculationNode (or, for a whole subquery, a SubqueryNode) into a temporary variable. */
    /** A subquery pulled out of an expression: a SubqueryNode into a temporary variable. */
    const pull = (sq: Query): string => {
      const v = temp()
      add({ type: 'SubqueryNode', outVariable: v, subquery: this.sub(sq, names) })
      return v
    }
    const pulled = (e: Expr): Expr => (hasSubquery(e) ? pullSubqueries(e, pull) : e)
    /** The CalculationNode of an expression a node reads, into a temporary variable. */
    const calc = (e: Expr): string => {
      if (e.type === 'subquery') return pull(e.query)
      const expr = pulled(e)
      const v = temp()
      add({ type: 'CalculationNode', outVariable: v, expr })
      return v
    }
    q.ops.forEach((op, i) => {
      switch (op.type) {
        case 'for': {
          const e = op.in
          let collection: string | null = null
          if (e.type === 'name' && !names.has(e.name)) collection = e.name
          else if (e.type === 'dsparam') collection = this.bind['@' + e.name] as string
          if (collection !== null) {
            add({
              type: 'EnumerateCollectionNode',
              collection,
              outVariable: op.var,
              op,
              disableIndex: disablesIndex(op.options, this.bind),
              inScope: [...names],
            })
          } else {
            // as in ArangoDB's plans, the expression to iterate over is computed into a temporary
            // variable (`LET #2 = 1 .. 3`, then `FOR i IN #2`): 3.12.10 names the EnumerateListNode
            // of `FOR i IN 1..100000 SORT i` node #3 (conformance RestCursorMemoryLimit)
            const inVariable = e.type === 'name' ? e.name : calc(e)
            add({ type: 'EnumerateListNode', inVariable, outVariable: op.var, op })
          }
          names = new Set([...names, op.var, ...patternNames(op.destructure, [])])
          break
        }
        case 'let': {
          if (op.expr.type === 'subquery') {
            const subquery = this.sub(op.expr.query, names)
            add({ type: 'SubqueryNode', outVariable: op.var, subquery, destructure: op.destructure })
          } else {
            const expr = pulled(op.expr)
            add({ type: 'CalculationNode', outVariable: op.var, expr, destructure: op.destructure })
          }
          names = new Set([...names, op.var, ...patternNames(op.destructure, [])])
          break
        }
        case 'filter': {
          const v = calc(op.expr)
          add({ type: 'FilterNode', inVariable: v })
          break
        }
        case 'search':
          // unsupported, but reported where it stands (after the FOR's own checks), as before
          add({ type: 'FilterNode', inVariable: temp(), unsupported: 'SEARCH (ArangoSearch views)' })
          break
        case 'sort':
          add({ type: 'SortNode', op })
          break
        case 'limit':
          add({ type: 'LimitNode', offset: op.offset, count: op.count, fullCount: i === lastLimit })
          break
        case 'return': {
          let inVariable = op.expr.type === 'name' ? op.expr.name : calc(op.expr)
          if (op.distinct) {
            // RETURN DISTINCT e: `COLLECT #n = e` with method "distinct", then RETURN #n
            // (ExecutionPlan::createCalculation + createAnonymousCollect)
            const out = temp()
            const expr: Expr = { type: 'name', name: inVariable }
            add({
              type: 'CollectNode',
              op: { type: 'collect', groups: [{ var: out, expr }], aggregates: [] },
              distinct: true,
            })
            inVariable = out
          }
          add({ type: 'ReturnNode', inVariable })
          break
        }
        case 'collect':
          add({ type: 'CollectNode', op })
          names = new Set([
            ...outer,
            ...op.groups.map((g) => g.var),
            ...op.aggregates.map((a) => a.var),
            ...(op.into ? [op.into.var] : []),
            ...(op.count ? [op.count] : []),
          ])
          break
        case 'window':
          add({ type: 'WindowNode', op })
          names = new Set([...names, ...op.aggregates.map((a) => a.var)])
          break
        case 'traversal':
          add({ type: 'TraversalNode', op })
          names = new Set([...names, ...op.vars, ...(op.prune?.var ? [op.prune.var] : [])])
          break
        case 'path':
          add({ type: op.kind === 'SHORTEST_PATH' ? 'ShortestPathNode' : 'EnumeratePathsNode', op })
          names = new Set([...names, ...op.vars])
          break
        case 'insert':
        case 'update':
        case 'replace':
        case 'remove':
        case 'upsert': {
          const e = op.type === 'remove' ? op.key : op.type === 'upsert' ? op.search : op.doc
          // the document expression's CalculationNode; the write node evaluates it itself
          if (e.type !== 'name') add({ type: 'CalculationNode', outVariable: temp(), expr: e })
          add({ type: MODIFICATION_NODE[op.type], collection: this.collName(op.coll), op } as Omit<
            ModificationNode,
            'id' | 'dependencies'
          >)
          names = new Set([...names, ...modificationVariables(op)])
          break
        }
      }
    })
    return { nodes }
  }

  /** A subquery's own pipeline, seeing the variables bound where it appears. */
  sub(q: Query, names: Iterable<string>): Pipeline {
    return this.pipeline(q, [...names], false)
  }

  private collName(ref: CollRef): string {
    return 'name' in ref ? ref.name : (this.bind['@' + ref.param] as string)
  }
}

function disablesIndex(options: Expr | undefined, bind: Record<string, unknown>): boolean {
  const literal =
    options?.type === 'param' ? bind[options.name] : options?.type === 'value' ? options.value : null
  if (typeof literal === 'object' && literal !== null) {
    return (literal as Record<string, unknown>).disableIndex === true
  }
  if (options?.type !== 'object') return false
  return options.entries.some(
    (e) => e.key === 'disableIndex' && e.value.type === 'value' && e.value.value === true,
  )
}

function containsModification(p: Pipeline): boolean {
  return p.nodes.some(
    (n) =>
      n.type === 'InsertNode' ||
      n.type === 'UpdateNode' ||
      n.type === 'ReplaceNode' ||
      n.type === 'RemoveNode' ||
      n.type === 'UpsertNode' ||
      (n.type === 'SubqueryNode' && containsModification(n.subquery)),
  )
}
