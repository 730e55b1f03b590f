/**
 * Builds the stages of an optimized plan (../plan/) into one lazy pipeline per query level: each
 * node kind's module (this folder) turns its node into a stage, and this module chains them.
 * It is also the host of expression evaluation (../expr/compile.ts): slots, collections, bind
 * parameters, CURRENT and the subqueries met inside expressions (planned and optimized here).
 */
import { arangoError } from '../../errors.js'
import type { CollectionInfo } from '../../storage/types.js'
import type { CollRef, Expr, Pattern, Query } from '../ast.js'
import { profiled, type Frame, type FunctionLibrary, type NodeStats, type QueryContext } from '../context.js'
import { ExprCompiler, type ExprHost, type Fn } from '../expr/compile.js'
import { Scope } from '../expr/scope.js'
import { getAttr } from '../expr/util.js'
import { isTemporary, type PlanNode, type Pipeline } from '../plan/nodes.js'
import { optimizePipeline } from '../plan/optimizer.js'
import type { Planner } from '../plan/planner.js'
import type { GraphAccess } from '../traversal.js'
import type { AqlValue } from '../values.js'
import { calculation, subquery } from './calculation.js'
import { collect } from './collect.js'
import { enumerateCollection } from './enumerate-collection.js'
import { enumerateList } from './enumerate-list.js'
import { filter } from './filter.js'
import { indexNode } from './index-node.js'
import { limit } from './limit.js'
import { modification } from './modification.js'
import { paths } from './paths.js'
import { returnNode } from './return.js'
import { sort } from './sort.js'
import { traversal } from './traversal.js'
import type { BuildContext, Output, RowOp, Stage, StageInput, StageResult } from './types.js'
import { windowNode } from './window.js'

/** Does `next` read the temporary variable `v` of the CalculationNode before it, and nothing else does? */
function fusesWith(next: PlanNode | undefined, v: string): boolean {
  if (!next || !isTemporary(v)) return false
  switch (next.type) {
    case 'FilterNode':
    case 'ReturnNode':
    case 'EnumerateListNode':
      return next.inVariable === v
    case 'InsertNode':
    case 'UpdateNode':
    case 'ReplaceNode':
    case 'RemoveNode':
    case 'UpsertNode':
      // the write node evaluates its document expression itself
      return true
    default:
      return false
  }
}

/** Stages one lazy chain may have (see `pipeline`). */
const SEGMENT_STAGES = 256

/** One stage running the row operations of consecutive FILTER/LET stages in order. */
function rowStage(ops: RowOp[]): Stage {
  return function* (input) {
    next: for (let f of input) {
      for (const op of ops) {
        const g = op(f)
        if (g === undefined) continue next
        f = g
      }
      yield f
    }
  }
}

export class PlanBuilder implements BuildContext, ExprHost {
  isModification = false
  readonly nodeStats: NodeStats[] = []
  readonly collectionsUsed = new Map<string, 'read' | 'write'>()
  readonly currentStack: AqlValue[] = []
  readonly graph: GraphAccess
  private nslots = 0
  private readonly modified = new Map<string, string>()
  private readonly exprs: ExprCompiler

  constructor(
    readonly ctx: QueryContext,
    readonly bind: Record<string, unknown>,
    readonly lib: FunctionLibrary,
    private readonly planner: Planner,
    /** The plan's `rules`: rules that fire on subqueries planned here are added to it. */
    private readonly rules: string[],
  ) {
    this.graph = { store: ctx.store, db: ctx.db, stats: ctx.stats, cancel: ctx.cancel }
    this.exprs = new ExprCompiler(this)
  }

  /** The top-level query: its result values for an empty start frame. */
  top(p: Pipeline): (base: Frame) => Iterable<AqlValue> {
    if (this.ctx.options.profileNodes) {
      this.nodeStats.push({
        id: p.nodes[0]!.id,
        calls: 1,
        parallel: 0,
        items: 1,
        filtered: 0,
        runtime: 0,
        fetching: 0,
      })
    }
    return this.pipeline(p, new Scope(new Map(), new Map()))
  }

  /** One query level; `scope` holds the variables of the levels around it. */
  pipeline(p: Pipeline, scope: Scope): (base: Frame) => Iterable<AqlValue> {
    const stages: Stage[] = []
    let output: Output | null = null
    let sc = scope.enter()
    const nodes = p.nodes
    let calc: Expr | null = null
    // the row operations of the run of FILTER/LET stages being fused (types.ts, RowOp)
    let rows: RowOp[] | null = null
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!
      if (node.type === 'SingletonNode') continue
      if (node.type === 'CalculationNode' && !node.destructure && fusesWith(nodes[i + 1], node.outVariable)) {
        calc = node.expr
        continue
      }
      const r = this.stage(node, sc, { calc, level: scope })
      calc = null
      const st: NodeStats | null = this.ctx.options.profileNodes
        ? { id: node.id, calls: 0, parallel: 0, items: 0, filtered: 0, runtime: 0, fetching: 0 }
        : null
      if (st) this.nodeStats.push(st)
      if ('output' in r) {
        const o = r.output
        output = st ? (input, base) => profiled(st, () => o(input, base)) : o
      } else {
        const stage = r.stage
        if (r.row && !st) {
          if (rows) rows.push(r.row)
          else stages.push(rowStage((rows = [r.row])))
        } else {
          rows = null
          stages.push(st ? (input, base) => profiled(st, () => stage(input, base)) : stage)
        }
        sc = r.scope
      }
    }
    const out = output
    return (base: Frame) => {
      let it: Iterable<Frame> = [base]
      for (let i = 0; i < stages.length; i++) {
        it = stages[i]!(it, base)
        // a pull through n chained stages nests n generators on the stack: past SEGMENT_STAGES
        // (only queries with thousands of SORTs, LIMITs, COLLECTs or FORs) the rows so far are
        // materialized, so the stack stays bounded for any plan within MAX_PLAN_NODES
        if ((i + 1) % SEGMENT_STAGES === 0 && i + 1 < stages.length) it = [...it]
      }
      if (out) return out(it, base)
      for (const _ of it) void _
      return []
    }
  }

  private stage(node: PlanNode, sc: Scope, inp: StageInput): StageResult {
    switch (node.type) {
      case 'SingletonNode':
        throw new Error('unreachable: the SingletonNode has no stage')
      case 'CalculationNode':
        return this.destructured(calculation(this, node, sc), node.outVariable, node.destructure)
      case 'SubqueryNode': {
        const run = this.pipeline(node.subquery, sc)
        return this.destructured(subquery(this, node, sc, run), node.outVariable, node.destructure)
      }
      case 'FilterNode':
        return filter(this, node, sc, inp)
      case 'EnumerateCollectionNode':
        return this.destructured(enumerateCollection(this, node, sc), node.outVariable, node.op.destructure)
      case 'IndexNode':
        return this.destructured(indexNode(this, node, sc), node.outVariable, node.op.destructure)
      case 'EnumerateListNode':
        return this.destructured(enumerateList(this, node, sc, inp), node.outVariable, node.op.destructure)
      case 'TraversalNode':
        return traversal(this, node, sc)
      case 'ShortestPathNode':
      case 'EnumeratePathsNode':
        return paths(this, node, sc)
      case 'SortNode':
        return sort(this, node, sc)
      case 'LimitNode':
        return limit(this, node, sc)
      case 'CollectNode':
        return collect(this, node, sc, inp)
      case 'WindowNode':
        return windowNode(this, node, sc)
      case 'InsertNode':
      case 'UpdateNode':
      case 'ReplaceNode':
      case 'RemoveNode':
      case 'UpsertNode':
        return modification(this, node, sc)
      case 'ReturnNode':
        return returnNode(this, node, sc, inp)
    }
  }

  /** `FOR [a, b] IN …` / `LET {x, y} = …` (3.12): the pattern's variables assigned from the value. */
  private destructured(r: StageResult, name: string, p: Pattern | undefined): StageResult {
    if (p === undefined || !('stage' in r)) return r
    const slot = r.scope.get(name)!
    const d = this.destructure(p, r.scope)
    const inner = r.stage
    return {
      scope: d.scope,
      stage: function* (input, base) {
        for (const g of inner(input, base)) {
          d.assign(g, g[slot] ?? null)
          yield g
        }
      },
    }
  }

  private destructure(p: Pattern, scope: Scope): { scope: Scope; assign: (g: Frame, v: AqlValue) => void } {
    if (p === null) return { scope, assign: () => undefined }
    if (typeof p === 'string') {
      const slot = this.slot()
      return {
        scope: scope.with(p, slot),
        assign: (g, v) => {
          g[slot] = v
        },
      }
    }
    if ('array' in p) {
      const parts = p.array.map((x) => {
        const d = this.destructure(x, scope)
        scope = d.scope
        return d.assign
      })
      return {
        scope,
        assign: (g, v) => parts.forEach((a, j) => a(g, Array.isArray(v) ? (v[j] ?? null) : null)),
      }
    }
    const parts = p.object.map((x) => {
      const d = this.destructure(x.target, scope)
      scope = d.scope
      return { key: x.key, assign: d.assign }
    })
    return { scope, assign: (g, v) => parts.forEach((x) => x.assign(g, getAttr(v, x.key))) }
  }

  // ------------------------------------------------------------------ BuildContext / ExprHost

  slot(): number {
    return this.nslots++
  }

  expr(e: Expr, sc: Scope): Fn {
    return this.exprs.expr(e, sc)
  }

  constant(e: Expr, sc: Scope): AqlValue {
    return this.exprs.constant(e, sc)
  }

  collName(ref: CollRef): string {
    if ('name' in ref) return ref.name
    return this.bind['@' + ref.param] as string
  }

  requireColl(name: string, access: 'read' | 'write' = 'read'): CollectionInfo {
    const info = this.ctx.store.getCollection(this.ctx.db, name)
    if (!info) throw arangoError('ARANGO_DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`)
    // a collection can be modified once per query and not read after it (docs: data-modification queries)
    if (this.modified.has(name)) {
      throw arangoError(
        'QUERY_ACCESS_AFTER_MODIFICATION',
        `access after data-modification by ${this.modified.get(name)} (while parsing)`,
      )
    }
    if (access === 'write' || !this.collectionsUsed.has(name)) this.collectionsUsed.set(name, access)
    return info
  }

  markModified(coll: string, nodeType: string): void {
    this.isModification = true
    this.modified.set(coll, nodeType)
  }

  /** A subquery inside an expression: planned and optimized now, run lazily where it stands. */
  subquery(q: Query, sc: Scope): (f: Frame) => Iterable<AqlValue> {
    const p = this.planner.sub(q, sc.vars.keys())
    const env = { store: this.ctx.store, db: this.ctx.db }
    for (const name of optimizePipeline(p, env)) if (!this.rules.includes(name)) this.rules.push(name)
    return this.pipeline(p, sc)
  }
}
