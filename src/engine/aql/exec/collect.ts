/** CollectNode: COLLECT groups (sorted by their keys), AGGREGATE, INTO, KEEP and WITH COUNT. */
import { arangoError } from '../../errors.js'
import { rowBytes } from '../context.js'
import type { Scope } from '../expr/scope.js'
import { setKey } from '../expr/util.js'
import type { CollectNode } from '../plan/nodes.js'
import { canonicalKey, compare, type AqlValue } from '../values.js'
import { makeAggregator, type Aggregator } from './aggregators.js'
import {
  CHECK_MASK,
  type BuildContext,
  type Fn,
  type Frame,
  type Stage,
  type StageInput,
  type StageResult,
} from './types.js'

export function collect(b: BuildContext, node: CollectNode, sc: Scope, inp: StageInput): StageResult {
  if (node.distinct) return distinctCollect(b, node, sc)
  const op = node.op
  const baseScope = inp.level
  const groups = op.groups.map((g) => ({ var: g.var, fn: b.expr(g.expr, sc) }))
  const aggs = op.aggregates.map((a) => {
    if (!makeAggregator(a.fn)) {
      throw arangoError('QUERY_INVALID_AGGREGATE_EXPRESSION', 'invalid aggregate expression (while parsing)')
    }
    if (a.args.length !== 1) {
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
        `invalid number of arguments for function '${a.fn}()', expected number of arguments: minimum: 1, maximum: 1 (while parsing)`,
      )
    }
    return { var: a.var, name: a.fn, fn: b.expr(a.args[0]!, sc) }
  })
  let intoFn: Fn | null = null
  if (op.into) {
    if (op.into.expr) intoFn = b.expr(op.into.expr, sc)
    else {
      // every user variable of this query level (not the enclosing ones), or the KEEP list
      const names = [...sc.vars.keys()].filter(
        (n) =>
          !n.startsWith('$') &&
          !n.startsWith('#') &&
          (!baseScope.vars.has(n) || sc.get(n) !== baseScope.get(n)),
      )
      const keep = op.keep ?? names
      for (const k of keep) {
        if (sc.get(k) === undefined) {
          throw arangoError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${k}' (while parsing)`)
        }
      }
      const pairs = keep.map((n) => [n, sc.get(n)!] as const)
      intoFn = (f) => {
        const o: Record<string, AqlValue> = {}
        for (const [n, s] of pairs) setKey(o, n, f[s] ?? null)
        return o
      }
    }
  }
  let scope = sc.reset()
  const gslots = groups.map((g) => {
    const s = b.slot()
    scope = scope.with(g.var, s)
    return s
  })
  const aslots = aggs.map((a) => {
    const s = b.slot()
    scope = scope.with(a.var, s)
    return s
  })
  let intoSlot = -1
  if (op.into) {
    intoSlot = b.slot()
    scope = scope.with(op.into.var, intoSlot)
  }
  let countSlot = -1
  if (op.count) {
    countSlot = b.slot()
    scope = scope.with(op.count, countSlot)
  }
  const into = intoFn
  const ctx = b.ctx
  const cancel = ctx.cancel
  const stage: Stage = function* (input, base) {
    type G = { keys: AqlValue[]; aggs: Aggregator[]; into: AqlValue[]; count: number; base: Frame }
    const map = new Map<string, G>()
    let n = 0
    for (const f of input) {
      if ((++n & CHECK_MASK) === 0) cancel.check()
      const keys = groups.map((g) => g.fn(f))
      const k = groups.length === 0 ? '' : canonicalKey(keys)
      let g = map.get(k)
      if (!g) {
        ctx.useMemory(rowBytes(f) + k.length * 2)
        g = { keys, aggs: aggs.map((a) => makeAggregator(a.name)!), into: [], count: 0, base: f }
        map.set(k, g)
      }
      g.count++
      for (let j = 0; j < aggs.length; j++) g.aggs[j]!.add(aggs[j]!.fn(f))
      if (into) {
        ctx.useMemory(rowBytes(f))
        g.into.push(into(f))
      }
    }
    // COLLECT without groups yields one row even for empty input
    if (groups.length === 0 && map.size === 0) {
      map.set('', { keys: [], aggs: aggs.map((a) => makeAggregator(a.name)!), into: [], count: 0, base })
    }
    const rows = [...map.values()]
    if (groups.length > 0) rows.sort((a, b) => compare(a.keys, b.keys))
    for (const g of rows) {
      const out = g.base.slice()
      for (let j = 0; j < gslots.length; j++) out[gslots[j]!] = g.keys[j]!
      for (let j = 0; j < aslots.length; j++) out[aslots[j]!] = g.aggs[j]!.result()
      if (intoSlot >= 0) out[intoSlot] = g.into
      if (countSlot >= 0) out[countSlot] = g.count
      yield out
    }
  }
  return { stage, scope }
}

/** The "distinct" method: each value the first time it is seen, streaming, in input order. */
function distinctCollect(b: BuildContext, node: CollectNode, sc: Scope): StageResult {
  const g = node.op.groups[0]!
  const fn = b.expr(g.expr, sc)
  const slot = b.slot()
  const ctx = b.ctx
  const stage: Stage = function* (input) {
    const seen = new Set<string>()
    let n = 0
    for (const f of input) {
      if ((++n & CHECK_MASK) === 0) ctx.cancel.check()
      const v = fn(f)
      const k = canonicalKey(v)
      if (seen.has(k)) continue
      ctx.useMemory(64 + k.length * 2)
      seen.add(k)
      const out = f.slice()
      out[slot] = v
      yield out
    }
  }
  return { stage, scope: sc.with(g.var, slot) }
}
