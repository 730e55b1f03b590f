/** WindowNode: WINDOW aggregates over the rows preceding/following each row (by count or by range). */
import { arangoError } from '../../errors.js'
import type { Scope } from '../expr/scope.js'
import { getAttr } from '../expr/util.js'
import type { WindowNode } from '../plan/nodes.js'
import { compare, toNumber, type AqlValue } from '../values.js'
import { makeAggregator } from './aggregators.js'
import { CHECK_MASK, type BuildContext, type Stage, type StageResult } from './types.js'

export function windowNode(b: BuildContext, node: WindowNode, sc: Scope): StageResult {
  const op = node.op
  const cancel = b.ctx.cancel
  const specFn = b.expr(op.spec, sc)
  const rangeFn = op.rangeExpr ? b.expr(op.rangeExpr, sc) : null
  const aggs = op.aggregates.map((a) => {
    if (!makeAggregator(a.fn)) {
      throw arangoError('QUERY_INVALID_AGGREGATE_EXPRESSION', 'invalid aggregate expression (while parsing)')
    }
    return { var: a.var, name: a.fn, fn: b.expr(a.args[0] ?? { type: 'value', value: null }, sc) }
  })
  let scope = sc
  const slots = aggs.map((a) => {
    const s = b.slot()
    scope = scope.with(a.var, s)
    return s
  })
  const stage: Stage = function* (input, base) {
    const spec = specFn(base)
    let rows = [...input]
    const pre = getAttr(spec, 'preceding')
    const fol = getAttr(spec, 'following')
    const inside: (r: number, j: number) => boolean = (() => {
      if (!rangeFn) {
        const count = (x: AqlValue) => (x === 'unbounded' ? Infinity : toNumber(x))
        const p = count(pre)
        const fo = count(fol)
        return (r, j) => j >= r - p && j <= r + fo
      }
      // range-based windows see the rows in the order of the range value (ArangoDB sorts them)
      const keyed = rows.map((f) => ({ f, v: rangeFn(f) }))
      keyed.sort((a, b) => compare(a.v, b.v))
      rows = keyed.map((k) => k.f)
      const vals = keyed.map((k) => toNumber(k.v))
      const lo = vals.map((v) => windowBound(v, pre, -1))
      const hi = vals.map((v) => windowBound(v, fol, 1))
      return (r, j) => vals[j]! >= lo[r]! && vals[j]! <= hi[r]!
    })()
    for (let r = 0; r < rows.length; r++) {
      const acc = aggs.map((a) => makeAggregator(a.name)!)
      for (let j = 0; j < rows.length; j++) {
        if ((j & CHECK_MASK) === 0) cancel.check()
        if (!inside(r, j)) continue
        for (let a = 0; a < aggs.length; a++) acc[a]!.add(aggs[a]!.fn(rows[j]!))
      }
      const out = rows[r]!.slice()
      for (let a = 0; a < aggs.length; a++) out[slots[a]!] = acc[a]!.result()
      yield out
    }
  }
  return { stage, scope }
}

// ------------------------------------------------------------------ graphs

/** WINDOW range bound: a number, "unbounded", or an ISO 8601 duration applied to a timestamp (ms). */
function windowBound(v: number, spec: AqlValue, sign: 1 | -1): number {
  if (spec === 'unbounded') return sign * Infinity
  if (typeof spec === 'string' && /^P/i.test(spec)) {
    const m =
      /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
        spec,
      )
    if (!m) return v
    const n = (i: number) => sign * Number(m[i] ?? 0)
    const d = new Date(v)
    d.setUTCFullYear(d.getUTCFullYear() + n(1), d.getUTCMonth() + n(2), d.getUTCDate() + n(3) * 7 + n(4))
    return d.getTime() + (n(5) * 3600 + n(6) * 60 + n(7)) * 1000
  }
  return v + sign * toNumber(spec)
}
