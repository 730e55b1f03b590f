/**
 * SortNode: a stable sort by the SORT keys. With a LIMIT folded in by the rule sort-limit it keeps
 * only the first offset+count rows in a sorted window (binary insertion; flat memory).
 */
import { rowBytes } from '../context.js'
import type { Scope } from '../expr/scope.js'
import { limitValue } from '../expr/util.js'
import type { SortNode } from '../plan/nodes.js'
import { compare, type AqlValue } from '../values.js'
import { sortDirectionOf } from '../parser.js'
import { CHECK_MASK, type BuildContext, type Frame, type StageResult } from './types.js'

/** Beyond this many rows a bounded window costs more than sorting everything. */
const WINDOW_MAX = 10_000

type Row = { f: Frame; k: AqlValue[]; seq: number }

export function sort(b: BuildContext, node: SortNode, sc: Scope): StageResult {
  const keys = node.op.items.map((it) => ({
    fn: b.expr(it.expr, sc),
    asc: it.asc,
    // `SORT x @dir`: decided once the parameter is bound (ExecutionPlan::fromNodeSort)
    dir: it.direction ? b.expr(it.direction, sc) : null,
  }))
  const ctx = b.ctx
  const cancel = ctx.cancel
  let compared = 0
  const cmp = (a: Row, b: Row) => {
    if ((++compared & CHECK_MASK) === 0) cancel.check()
    for (let j = 0; j < keys.length; j++) {
      const c = compare(a.k[j], b.k[j])
      if (c !== 0) return keys[j]!.asc ? c : -c
    }
    return a.seq - b.seq
  }
  let topK: ((base: Frame) => number) | null = null
  if (node.limit) {
    const offFn = b.expr(node.limit.offset, sc)
    const cntFn = b.expr(node.limit.count, sc)
    topK = (base) => limitValue(offFn(base)) + limitValue(cntFn(base))
  }
  return {
    scope: sc,
    stage: function* (input, base) {
      for (const key of keys) if (key.dir) key.asc = sortDirectionOf(key.dir(base))
      const k = topK ? topK(base) : Infinity
      const rows: Row[] = []
      let seq = 0
      if (k <= WINDOW_MAX) {
        for (const f of input) {
          const row = { f, k: keys.map((x) => x.fn(f)), seq: seq++ }
          if (rows.length < k) ctx.useMemory(rowBytes(f))
          // LIMIT 0, 0 keeps nothing: there is no last row to compare with
          if (rows.length === k && (k === 0 || cmp(row, rows[rows.length - 1]!) >= 0)) continue
          let lo = 0
          let hi = rows.length
          while (lo < hi) {
            const mid = (lo + hi) >> 1
            if (cmp(rows[mid]!, row) <= 0) lo = mid + 1
            else hi = mid
          }
          rows.splice(lo, 0, row)
          if (rows.length > k) rows.pop()
        }
      } else {
        for (const f of input) {
          if ((seq & CHECK_MASK) === 0) cancel.check()
          ctx.useMemory(rowBytes(f))
          rows.push({ f, k: keys.map((x) => x.fn(f)), seq: seq++ })
        }
        rows.sort(cmp)
      }
      for (const r of rows) yield r.f
    },
  }
}
