/** FilterNode: drops the rows whose condition (its CalculationNode's expression) is falsy. */
import { notImplemented } from '../../errors.js'
import type { Scope } from '../expr/scope.js'
import type { FilterNode } from '../plan/nodes.js'
import { toBool } from '../values.js'
import type { BuildContext, StageInput, StageResult } from './types.js'

export function filter(b: BuildContext, node: FilterNode, sc: Scope, inp: StageInput): StageResult {
  if (node.unsupported) throw notImplemented(node.unsupported)
  const fn = b.expr(inp.calc ?? { type: 'name', name: node.inVariable }, sc)
  const stats = b.ctx.stats
  return {
    scope: sc,
    stage: function* (input) {
      for (const f of input) {
        if (toBool(fn(f))) yield f
        else stats.filtered++
      }
    },
    row: (f) => {
      if (toBool(fn(f))) return f
      stats.filtered++
      return undefined
    },
  }
}
