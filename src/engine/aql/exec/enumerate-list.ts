/** EnumerateListNode: `FOR v IN expr` over an array (a range iterates without materializing). */
import { arangoError } from '../../errors.js'
import type { Scope } from '../expr/scope.js'
import { rangeIter } from '../expr/util.js'
import type { EnumerateListNode } from '../plan/nodes.js'
import { typeName } from '../values.js'
import { CHECK_MASK, type BuildContext, type StageInput, type StageResult } from './types.js'

export function enumerateList(
  b: BuildContext,
  node: EnumerateListNode,
  sc: Scope,
  inp: StageInput,
): StageResult {
  const e = inp.calc ?? { type: 'name', name: node.inVariable }
  const slot = b.slot()
  const scope = sc.with(node.outVariable, slot)
  const cancel = b.ctx.cancel
  if (e.type === 'range') {
    const from = b.expr(e.from, sc)
    const to = b.expr(e.to, sc)
    return {
      scope,
      stage: function* (input) {
        let n = 0
        for (const f of input) {
          for (const v of rangeIter(from(f), to(f))) {
            if ((++n & CHECK_MASK) === 0) cancel.check()
            const g = f.slice()
            g[slot] = v
            yield g
          }
        }
      },
    }
  }
  const fn = b.expr(e, sc)
  return {
    scope,
    stage: function* (input) {
      let n = 0
      for (const f of input) {
        const arr = fn(f)
        if (!Array.isArray(arr)) {
          throw arangoError(
            'QUERY_ARRAY_EXPECTED',
            `collection or array expected as operand to FOR loop; you provided a value of type '${typeName(arr)}' (while executing)`,
          )
        }
        for (const v of arr) {
          if ((++n & CHECK_MASK) === 0) cancel.check()
          const g = f.slice()
          g[slot] = v
          yield g
        }
      }
    },
  }
}
