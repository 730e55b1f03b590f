/** The edge collections a traversal or path search follows, and its start/target vertex ids. */
import { arangoError } from '../../errors.js'
import { GRAPHS_COLLECTION } from '../../storage/types.js'
import type { Direction, Expr, GraphSpec } from '../ast.js'
import type { Scope } from '../expr/scope.js'
import { isObject } from '../../../objects.js'
import type { EdgeSource } from '../traversal.js'
import { toStringValue, type AqlValue } from '../values.js'
import type { BuildContext } from './types.js'

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
