/** ReturnNode: the query level's result values (RETURN DISTINCT is a CollectNode before it). */
import type { Scope } from '../expr/scope.js'
import type { ReturnNode } from '../plan/nodes.js'
import type { BuildContext, StageInput, StageResult } from './types.js'

export function returnNode(b: BuildContext, node: ReturnNode, sc: Scope, inp: StageInput): StageResult {
  const fn = b.expr(inp.calc ?? { type: 'name', name: node.inVariable }, sc)
  return {
    output: function* (input) {
      for (const f of input) yield fn(f)
    },
  }
}
