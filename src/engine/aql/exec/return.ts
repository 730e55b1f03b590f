/** ReturnNode: the query level's result values (RETURN DISTINCT drops repeats). */
import type { Scope } from '../expr/scope.js'
import type { ReturnNode } from '../plan/nodes.js'
import { canonicalKey } from '../values.js'
import type { BuildContext, StageInput, StageResult } from './types.js'

export function returnNode(b: BuildContext, node: ReturnNode, sc: Scope, inp: StageInput): StageResult {
  const fn = b.expr(inp.calc ?? { type: 'name', name: node.inVariable }, sc)
  const ctx = b.ctx
  const distinct = node.distinct
  return {
    output: function* (input) {
      if (distinct) {
        const seen = new Set<string>()
        for (const f of input) {
          const v = fn(f)
          const k = canonicalKey(v)
          if (seen.has(k)) continue
          ctx.useMemory(64 + k.length * 2)
          seen.add(k)
          yield v
        }
      } else for (const f of input) yield fn(f)
    },
  }
}
