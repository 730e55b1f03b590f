/**
 * sort-limit (ArangoDB 3.12 "AQL optimizer rules": "Make SORT aware of a subsequent LIMIT to enable
 * optimizations internal to the SORT node"): a SORT directly followed by a LIMIT keeps only the
 * first offset+count rows (a bounded window, flat memory) — unless that LIMIT counts fullCount,
 * which must see every row.
 */
import type { Pipeline } from '../nodes.js'
import type { OptimizerRule } from './types.js'

export const sortLimit: OptimizerRule = {
  name: 'sort-limit',
  apply(p: Pipeline): boolean {
    let fired = false
    p.nodes.forEach((n, i) => {
      const next = p.nodes[i + 1]
      if (n.type !== 'SortNode' || n.limit || next?.type !== 'LimitNode' || next.fullCount) return
      n.limit = { offset: next.offset, count: next.count }
      fired = true
    })
    return fired
  },
}
