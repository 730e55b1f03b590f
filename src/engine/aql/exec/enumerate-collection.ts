/** EnumerateCollectionNode: `FOR v IN coll` as a full scan of the collection. */
import type { EnumerateCollectionNode } from '../plan/nodes.js'
import type { Scope } from '../expr/scope.js'
import type { AqlValue } from '../values.js'
import { CHECK_MASK, type BuildContext, type StageResult } from './types.js'

export function enumerateCollection(b: BuildContext, node: EnumerateCollectionNode, sc: Scope): StageResult {
  b.requireColl(node.collection)
  const slot = b.slot()
  const { store, db, stats, cancel } = b.ctx
  const coll = node.collection
  return {
    scope: sc.with(node.outVariable, slot),
    stage: function* (input) {
      let n = 0
      for (const f of input) {
        for (const d of store.scan(db, coll)) {
          if ((++n & CHECK_MASK) === 0) cancel.check()
          stats.scannedFull++
          const g = f.slice()
          g[slot] = d as AqlValue
          yield g
        }
      }
    },
  }
}
