/** CalculationNode (`LET v = expr`) and SubqueryNode (`LET v = (FOR …)`): one more variable per row. */
import type { Scope } from '../expr/scope.js'
import type { CalculationNode, SubqueryNode } from '../plan/nodes.js'
import type { AqlValue } from '../values.js'
import type { BuildContext, Frame, StageResult } from './types.js'

export function calculation(b: BuildContext, node: CalculationNode, sc: Scope): StageResult {
  const slot = b.slot()
  const fn = b.expr(node.expr, sc)
  return {
    ...extend(sc, node.outVariable, slot, fn),
    row: (f) => {
      const g = f.slice()
      g[slot] = fn(f)
      return g
    },
  }
}

/** `run` is the subquery's built pipeline (the builder builds nested plans). */
export function subquery(
  b: BuildContext,
  node: SubqueryNode,
  sc: Scope,
  run: (f: Frame) => Iterable<AqlValue>,
): StageResult {
  return extend(sc, node.outVariable, b.slot(), (f) => [...run(f)])
}

function extend(sc: Scope, name: string, slot: number, fn: (f: Frame) => AqlValue): StageResult {
  return {
    scope: sc.with(name, slot),
    stage: function* (input) {
      for (const f of input) {
        const g = f.slice()
        g[slot] = fn(f)
        yield g
      }
    },
  }
}
