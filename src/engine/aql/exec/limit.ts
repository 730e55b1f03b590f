/** LimitNode: skips `offset` rows, passes `count`; the fullCount LIMIT goes on counting to the end. */
import type { Scope } from '../expr/scope.js'
import { limitValue } from '../expr/util.js'
import type { LimitNode } from '../plan/nodes.js'
import type { BuildContext, StageResult } from './types.js'

export function limit(b: BuildContext, node: LimitNode, sc: Scope): StageResult {
  const offFn = b.expr(node.offset, sc)
  const cntFn = b.expr(node.count, sc)
  const fullCount = node.fullCount
  const stats = b.ctx.stats
  return {
    scope: sc,
    stage: function* (input, base) {
      const off = limitValue(offFn(base))
      const cnt = limitValue(cntFn(base))
      let n = 0
      // without fullCount nothing past offset + count is pulled from upstream, so a scan before
      // reads (and counts in scannedFull) only the documents the LIMIT passes, as arangod's
      // executors fetch with the LIMIT's hard limit
      if (off + cnt === 0 && !fullCount) return
      for (const f of input) {
        n++
        if (n > off && n <= off + cnt) yield f
        if (n >= off + cnt && !fullCount) break
      }
      if (fullCount) stats.fullCount = n
    },
  }
}
