/**
 * What a traversal and a path search resolve alike: the edge collections they follow, the start
 * vertex, OPTIONS, the weights and their output variables (graphStage); and vertex ids (startId).
 */
import { arangoError } from '../../errors.js'
import { GRAPHS_COLLECTION } from '../../storage/types.js'
import type { Direction, Expr, GraphSpec } from '../ast.js'
import type { Scope } from '../expr/scope.js'
import { isObject } from '../../../objects.js'
import { getAttr } from '../expr/util.js'
import type { PathNode, TraversalNode } from '../plan/nodes.js'
import type { EdgeSource } from '../traversal.js'
import { toStringValue, type AqlValue } from '../values.js'
import type { BuildContext, Fn } from './types.js'

export function resolveSources(
  b: BuildContext,
  spec: GraphSpec,
  direction: Direction,
  sc: Scope,
): EdgeSource[] {
  if (spec.edgeColls) {
    const sources = spec.edgeColls.map((ec) => {
      const name = b.collName(ec.coll)
      b.requireColl(name)
      return { coll: name, direction: ec.direction ?? direction }
    })
    return sources
  }
  const g = spec.graph!
  let nameFn: () => AqlValue
  if ('name' in g && typeof g.name === 'string' && !('type' in g)) {
    const n = g.name
    nameFn = () => n
  } else if ('param' in g) {
    const n = b.bind['@' + g.param] as string
    nameFn = () => n
  } else {
    const fn = b.expr(g as Expr, sc)
    nameFn = () => fn([])
  }
  const store = b.ctx.store
  const db = b.ctx.db
  const graphName = nameFn()
  const doc =
    typeof graphName === 'string' && store.getCollection(db, GRAPHS_COLLECTION)
      ? store.get(db, GRAPHS_COLLECTION, graphName)
      : undefined
  if (!doc) throw arangoError('GRAPH_NOT_FOUND', `graph '${toStringValue(graphName)}' not found`)
  const defs = (doc.edgeDefinitions as { collection: string }[]) ?? []
  const sources = defs.map((d) => {
    b.requireColl(d.collection)
    return { coll: d.collection, direction }
  })
  return sources
}

export function startId(b: BuildContext, v: AqlValue): string | null {
  if (typeof v === 'string' && v.indexOf('/') > 0) return v
  if (isObject(v) && typeof v._id === 'string') return v._id
  b.ctx.warn(10, 'Invalid input for traversal: Only id strings or objects with _id are allowed')
  return null
}

export interface GraphStage {
  sources: EdgeSource[]
  start: Fn
  startIdOf: (v: AqlValue) => string | null
  /** An attribute of the constant OPTIONS object (null when absent). */
  opt: (k: string) => AqlValue
  weightAttribute?: string
  defaultWeight: number
  /** A slot per output variable, in the order the query names them, and the scope with them. */
  slots: number[]
  scope: Scope
}

export function graphStage(b: BuildContext, node: TraversalNode | PathNode, sc: Scope): GraphStage {
  const op = node.op
  const sources = resolveSources(b, op.graph, op.direction, sc)
  node.edgeCollections = sources.map((s) => s.coll)
  const start = b.expr(op.start, sc)
  const options = op.options ? b.constant(op.options, sc) : null
  const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
  const weightAttribute = opt('weightAttribute')
  const defaultWeight = opt('defaultWeight')
  let scope = sc
  const slots = op.vars.map((name) => {
    const slot = b.slot()
    scope = scope.with(name, slot)
    return slot
  })
  return {
    sources,
    start,
    startIdOf: (v) => startId(b, v),
    opt,
    weightAttribute: typeof weightAttribute === 'string' ? weightAttribute : undefined,
    defaultWeight: typeof defaultWeight === 'number' ? defaultWeight : 1,
    slots,
    scope,
  }
}
