/** TraversalNode: `FOR v, e, p IN min..max DIRECTION start edges|GRAPH g [PRUNE …] [OPTIONS …]`. */
import type { Scope } from '../expr/scope.js'
import { isObject } from '../../../objects.js'
import { getAttr } from '../expr/util.js'
import type { TraversalNode } from '../plan/nodes.js'
import { traverse } from '../traversal.js'
import { toBool, toNumber, toStringValue, type AqlValue } from '../values.js'
import { resolveSources, startId } from './graph-sources.js'
import type { BuildContext, Frame, Stage, StageResult } from './types.js'

export function traversal(b: BuildContext, node: TraversalNode, sc: Scope): StageResult {
  const op = node.op
  const sources0 = resolveSources(b, op.graph, op.direction, sc)
  node.edgeCollections = sources0.map((s) => s.coll)
  const minFn = b.expr(op.min, sc)
  const maxFn = b.expr(op.max, sc)
  const startFn = b.expr(op.start, sc)
  const options = op.options ? b.constant(op.options, sc) : null
  const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
  const order = ((): 'dfs' | 'bfs' | 'weighted' => {
    const o = opt('order')
    if (o === 'bfs' || o === 'weighted' || o === 'dfs') return o
    return opt('bfs') === true ? 'bfs' : 'dfs'
  })()
  const uv = opt('uniqueVertices')
  const ue = opt('uniqueEdges')
  const asSet = (x: AqlValue) =>
    x === null ? undefined : new Set((Array.isArray(x) ? x : [x]).map((y) => toStringValue(y)))
  const vertexCollections = asSet(opt('vertexCollections'))
  const edgeCollections = asSet(opt('edgeCollections'))
  const weightAttribute =
    typeof opt('weightAttribute') === 'string' ? (opt('weightAttribute') as string) : undefined
  const defaultWeight = typeof opt('defaultWeight') === 'number' ? (opt('defaultWeight') as number) : 1
  const [vName, eName, pName] = op.vars
  const vSlot = b.slot()
  let scope = sc.with(vName!, vSlot)
  const eSlot = eName ? b.slot() : -1
  if (eName) scope = scope.with(eName, eSlot)
  const pSlot = pName ? b.slot() : -1
  if (pName) scope = scope.with(pName, pSlot)
  let prune: ((f: Frame) => AqlValue) | null = null
  let pruneSlot = -1
  if (op.prune) {
    prune = b.expr(op.prune.expr, scope)
    if (op.prune.var) {
      pruneSlot = b.slot()
      scope = scope.with(op.prune.var, pruneSlot)
    }
  }
  const g = b.graph
  const startIdOf = (v: AqlValue) => startId(b, v)
  const sources = edgeCollections ? sources0.filter((s) => edgeCollections.has(s.coll)) : sources0
  const stage: Stage = function* (input) {
    for (const f of input) {
      const start = startIdOf(startFn(f))
      if (start === null) continue
      const min = Math.max(0, Math.trunc(toNumber(minFn(f))))
      const max = Math.trunc(toNumber(maxFn(f)))
      let pruneFrame: Frame | null = null
      const rows = traverse(
        g,
        {
          sources,
          min,
          max,
          order,
          uniqueVertices: uv === 'path' || uv === 'global' ? uv : 'none',
          uniqueEdges: ue === 'none' ? 'none' : 'path',
          vertexCollections,
          weightAttribute,
          defaultWeight,
          prune: prune
            ? (v, e, p) => {
                const pf = f.slice()
                pf[vSlot] = v as AqlValue
                if (eSlot >= 0) pf[eSlot] = e as AqlValue
                if (pSlot >= 0) pf[pSlot] = p() as unknown as AqlValue
                const r = prune!(pf)
                if (pruneSlot >= 0) pf[pruneSlot] = r
                pruneFrame = pf
                return toBool(r)
              }
            : undefined,
        },
        start,
      )
      for (const r of rows) {
        const out = f.slice()
        out[vSlot] = r.v as AqlValue
        if (eSlot >= 0) out[eSlot] = r.e as AqlValue
        if (pSlot >= 0) out[pSlot] = r.p() as unknown as AqlValue
        if (pruneSlot >= 0 && pruneFrame) out[pruneSlot] = (pruneFrame as Frame)[pruneSlot]!
        yield out
      }
    }
  }
  return { stage, scope }
}
