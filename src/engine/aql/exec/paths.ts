/** ShortestPathNode (SHORTEST_PATH) and EnumeratePathsNode (K_SHORTEST_PATHS, K_PATHS, ALL_SHORTEST_PATHS). */
import type { Scope } from '../expr/scope.js'
import { isObject } from '../../../objects.js'
import { getAttr } from '../expr/util.js'
import type { PathNode } from '../plan/nodes.js'
import { allShortestPaths, kPaths, kShortestPaths, shortestPath, type FoundPath } from '../traversal.js'
import { toNumber, type AqlValue } from '../values.js'
import { resolveSources, startId } from './graph-sources.js'
import type { BuildContext, Stage, StageResult } from './types.js'

export function paths(b: BuildContext, node: PathNode, sc: Scope): StageResult {
  const op = node.op
  const sources = resolveSources(b, op.graph, op.direction, sc)
  node.edgeCollections = sources.map((s) => s.coll)
  const startFn = b.expr(op.start, sc)
  const targetFn = b.expr(op.target, sc)
  const minFn = op.min ? b.expr(op.min, sc) : () => 1
  const maxFn = op.max ? b.expr(op.max, sc) : minFn
  const options = op.options ? b.constant(op.options, sc) : null
  const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
  const weightAttribute =
    typeof opt('weightAttribute') === 'string' ? (opt('weightAttribute') as string) : undefined
  const defaultWeight = typeof opt('defaultWeight') === 'number' ? (opt('defaultWeight') as number) : 1
  const [vName, eName] = op.vars
  const vSlot = b.slot()
  let scope = sc.with(vName!, vSlot)
  const eSlot = eName ? b.slot() : -1
  if (eName) scope = scope.with(eName, eSlot)
  const g = b.graph
  const startIdOf = (v: AqlValue) => startId(b, v)
  const kind = op.kind
  const spec = { sources, weightAttribute, defaultWeight }
  const pathObj = (p: FoundPath): AqlValue => {
    const o: Record<string, AqlValue> = { edges: p.edges as AqlValue[], vertices: p.vertices as AqlValue[] }
    if (kind === 'K_SHORTEST_PATHS') o.weight = p.weight
    return o
  }
  const stage: Stage = function* (input) {
    for (const f of input) {
      const from = startIdOf(startFn(f))
      const to = startIdOf(targetFn(f))
      if (from === null || to === null) continue
      if (kind === 'SHORTEST_PATH') {
        const p = shortestPath(g, spec, from, to)
        if (!p) continue
        for (let j = 0; j < p.vertices.length; j++) {
          const out = f.slice()
          out[vSlot] = p.vertices[j] as AqlValue
          if (eSlot >= 0) out[eSlot] = j === 0 ? null : (p.edges[j - 1] as AqlValue)
          yield out
        }
        continue
      }
      let it: Iterable<FoundPath>
      if (kind === 'K_SHORTEST_PATHS') it = kShortestPaths(g, spec, from, to)
      else if (kind === 'ALL_SHORTEST_PATHS') it = allShortestPaths(g, spec, from, to)
      else it = kPaths(g, spec, from, to, Math.trunc(toNumber(minFn(f))), Math.trunc(toNumber(maxFn(f))))
      for (const p of it) {
        const out = f.slice()
        out[vSlot] = pathObj(p)
        yield out
      }
    }
  }
  return { stage, scope }
}

// ------------------------------------------------------------------ data modification
