/**
 * Array functions (docs.arangodb.com/3.12/aql/functions/array/). ArangoDB answers most wrong
 * argument types with null plus a warning instead of failing the query.
 */
import { arangoError } from '../../errors.js'
import { compare, toNumber, toStringValue, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { RANGE_LIMIT, rangeTooBig } from '../expr/util.js'
import {
  arrayExpected,
  boolArg,
  clone,
  def,
  indexOfValue,
  invalidArg,
  isArray,
  toInt,
  valueKey,
  type FnTable,
} from './util.js'

export function lengthOf(v: AqlValue): number {
  if (v === null || v === false) return 0
  if (v === true) return 1
  if (typeof v === 'number') return toStringValue(v).length
  if (typeof v === 'string') return Array.from(v).length
  if (Array.isArray(v)) return v.length
  return Object.keys(v).length
}

function distinct(arr: AqlValue[]): AqlValue[] {
  const seen = new Set<string>()
  const out: AqlValue[] = []
  for (const v of arr) {
    const k = valueKey(v)
    if (!seen.has(k)) {
      seen.add(k)
      out.push(v)
    }
  }
  return out
}

function flatten(arr: AqlValue[], depth: number, out: AqlValue[]): AqlValue[] {
  for (const v of arr) {
    if (Array.isArray(v) && depth > 0) flatten(v, depth - 1, out)
    else out.push(v)
  }
  return out
}

/**
 * INTERSECTION, MINUS and OUTERSECTION collect into a std::unordered_map and emit in its
 * iteration order, which for distinct buckets is the reverse of insertion (the docs show
 * INTERSECTION([1,2,3,4,5],[2,3,4,5,6],[3,4,5,6,7]) = [5,4,3]). ArangoDB documents the order as
 * undefined; reproducing the common case keeps results identical to the server's.
 */
function hashOrder<T>(entries: Map<string, T>): T[] {
  return [...entries.values()].reverse()
}

function allArrays(
  ctx: FunctionContext,
  name: string,
  args: AqlValue[],
  code1563 = false,
): AqlValue[][] | null {
  for (const a of args) {
    if (!Array.isArray(a)) {
      if (code1563) arrayExpected(ctx, name)
      else invalidArg(ctx, name)
      return null
    }
  }
  return args as AqlValue[][]
}

function sliceArray(arr: AqlValue[], startArg: AqlValue, lenArg: AqlValue | undefined): AqlValue[] {
  const n = arr.length
  let start = toInt(toNumber(startArg))
  if (start < 0) start = Math.max(0, n + start)
  let end = n
  if (lenArg !== undefined && lenArg !== null) {
    const len = toInt(toNumber(lenArg))
    end = len < 0 ? n + len : start + len
  }
  return arr.slice(start, Math.max(start, Math.min(end, n)))
}

const tooBig = rangeTooBig

export const ARRAY_FUNCTIONS: FnTable = {
  LENGTH: def(1, 1, (_ctx, [v]) => lengthOf(v!)),
  FIRST: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'FIRST')
    return v.length ? clone(v[0]!) : null
  }),
  LAST: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'LAST')
    return v.length ? clone(v[v.length - 1]!) : null
  }),
  NTH: def(2, 2, (ctx, [v, p]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'NTH')
    const i = toInt(toNumber(p!))
    return i < 0 || i >= v.length ? null : clone(v[i]!)
  }),
  POSITION: def(2, 3, (ctx, args) => {
    const v = args[0]
    if (!isArray(v)) return arrayExpected(ctx, 'POSITION')
    const i = indexOfValue(v, args[1]!)
    return boolArg(args, 2, false) ? i : i >= 0
  }),
  FLATTEN: def(1, 2, (ctx, args) => {
    const v = args[0]
    if (!isArray(v)) return arrayExpected(ctx, 'FLATTEN')
    // depths below 1 (and non-numeric ones) mean 1 in arangod
    const d = args.length > 1 ? toNumber(args[1]) : 1
    return clone(flatten(v, d < 1 ? 1 : Math.trunc(d), []))
  }),
  PUSH: def(2, 3, (ctx, args) => {
    const v = args[0]
    const x = args[1]!
    if (v === null) return [clone(x)]
    if (!isArray(v)) return invalidArg(ctx, 'PUSH')
    const out = clone(v)
    if (boolArg(args, 2, false) && indexOfValue(v, x) >= 0) return out
    out.push(clone(x))
    return out
  }),
  APPEND: def(2, 3, (ctx, args) => {
    const v = args[0]!
    const add = args[1]!
    if (add === null || (isArray(add) && add.length === 0)) return clone(v)
    if (v === null) return clone(add)
    if (!isArray(v)) return invalidArg(ctx, 'APPEND')
    const unique = boolArg(args, 2, false)
    const seen = new Set<string>()
    const out: AqlValue[] = []
    const push = (x: AqlValue, remember: boolean): void => {
      if (unique) {
        const k = valueKey(x)
        if (seen.has(k)) return
        if (remember) seen.add(k)
      }
      out.push(clone(x))
    }
    for (const x of v) push(x, true)
    if (isArray(add)) for (const x of add) push(x, true)
    else push(add, false)
    return out
  }),
  POP: def(1, 1, (ctx, [v]) => {
    if (v === null) return null
    if (!isArray(v)) return invalidArg(ctx, 'POP')
    return clone(v.slice(0, -1))
  }),
  SHIFT: def(1, 1, (ctx, [v]) => {
    if (v === null) return null
    if (!isArray(v)) return invalidArg(ctx, 'SHIFT')
    return clone(v.slice(1))
  }),
  UNSHIFT: def(2, 3, (ctx, args) => {
    const v = args[0]
    const x = args[1]!
    if (v !== null && !isArray(v)) return invalidArg(ctx, 'UNSHIFT')
    if (v === null) return [clone(x)]
    if (boolArg(args, 2, false) && indexOfValue(v, x) >= 0) return clone(v)
    return [clone(x), ...clone(v)]
  }),
  REMOVE_VALUE: def(2, 3, (ctx, args) => {
    const v = args[0]
    if (v === null) return []
    if (!isArray(v)) return invalidArg(ctx, 'REMOVE_VALUE')
    let limit = args.length > 2 && args[2] !== null ? toInt(toNumber(args[2])) : Infinity
    const out: AqlValue[] = []
    for (const x of v) {
      // a negative limit never reaches 0, so it removes every match (as in arangod)
      if (limit !== 0 && compare(x, args[1]) === 0) {
        limit--
        continue
      }
      out.push(clone(x))
    }
    return out
  }),
  REMOVE_VALUES: def(2, 2, (ctx, [v, values]) => {
    if (values === null) return clone(v!)
    if (v === null) return []
    if (!isArray(v) || !isArray(values)) return invalidArg(ctx, 'REMOVE_VALUES')
    return clone(v.filter((x) => indexOfValue(values, x) < 0))
  }),
  REMOVE_NTH: def(2, 2, (ctx, [v, pos]) => {
    if (v === null) return []
    if (!isArray(v)) return invalidArg(ctx, 'REMOVE_NTH')
    const n = v.length
    let p = toNumber(pos!)
    if (p >= n || p < -n) return clone(v)
    if (p < 0) p += n
    const target = Math.trunc(p)
    return clone(v.filter((_, i) => i !== target))
  }),
  REPLACE_NTH: def(3, 4, (ctx, args) => {
    const v = args[0]
    if (!isArray(v)) return invalidArg(ctx, 'REPLACE_NTH')
    // a null position or a gap without padding fail the query (docs: REPLACE_NTH example 3)
    const fail = (): never => {
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH',
        "invalid argument type in call to function 'REPLACE_NTH()'",
      )
    }
    if (args[1] === null) fail()
    const p = toInt(toNumber(args[1]))
    const at = p >= 0 ? p : Math.max(0, v.length + p)
    if (at > v.length && args.length < 4) fail()
    const out = clone(v)
    while (out.length < at) out.push(clone(args[3]!))
    out[at] = clone(args[2]!)
    return out
  }),
  REVERSE: def(1, 1, (ctx, [v]) => {
    if (isArray(v)) return clone(v).reverse()
    if (typeof v !== 'string') return arrayExpected(ctx, 'REVERSE')
    // arangod reverses UTF-16 code units, so characters outside the BMP come out as U+FFFD pairs
    let out = ''
    for (let i = v.length - 1; i >= 0; i--) out += v[i]
    return out.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
  }),
  SLICE: def(2, 3, (ctx, args) => {
    const v = args[0]
    if (!isArray(v)) return invalidArg(ctx, 'SLICE')
    return clone(sliceArray(v, args[1]!, args[2]))
  }),
  SORTED: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'SORTED')
    return clone(v).sort(compare)
  }),
  SORTED_UNIQUE: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'SORTED_UNIQUE')
    return clone(distinct(v)).sort(compare)
  }),
  UNIQUE: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'UNIQUE')
    return clone(distinct(v))
  }),
  COUNT_DISTINCT: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'COUNT_DISTINCT')
    return distinct(v).length
  }),
  UNION: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'UNION', args)
    return arrays ? clone(arrays.flat()) : null
  }),
  UNION_DISTINCT: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'UNION_DISTINCT', args)
    return arrays ? clone(distinct(arrays.flat())) : null
  }),
  INTERSECTION: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'INTERSECTION', args, true)
    if (!arrays) return null
    // arangod's counting: a value seen in every array so far moves to i+1; a repeat within a
    // later array that was not seen in all earlier ones drops it
    const counts = new Map<string, { v: AqlValue; n: number }>()
    arrays.forEach((a, i) => {
      for (const v of a) {
        const k = valueKey(v)
        const e = counts.get(k)
        if (i === 0) {
          if (!e) counts.set(k, { v, n: 1 })
        } else if (e) e.n = e.n < i ? 0 : i + 1
      }
    })
    return clone(
      hashOrder(counts)
        .filter((e) => e.n === arrays.length)
        .map((e) => e.v),
    )
  }),
  MINUS: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'MINUS', args)
    if (!arrays) return null
    const keep = new Map<string, AqlValue>()
    for (const v of arrays[0]!) {
      const k = valueKey(v)
      if (!keep.has(k)) keep.set(k, v)
    }
    for (const a of arrays.slice(1)) for (const v of a) keep.delete(valueKey(v))
    return clone(hashOrder(keep))
  }),
  OUTERSECTION: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'OUTERSECTION', args, true)
    if (!arrays) return null
    const counts = new Map<string, { v: AqlValue; n: number }>()
    for (const a of arrays) {
      for (const v of a) {
        const k = valueKey(v)
        const e = counts.get(k)
        if (e) e.n++
        else counts.set(k, { v, n: 1 })
      }
    }
    return clone(
      hashOrder(counts)
        .filter((e) => e.n === 1)
        .map((e) => e.v),
    )
  }),
  JACCARD: def(2, 2, (ctx, [a, b]) => {
    if (!isArray(a) || !isArray(b)) return invalidArg(ctx, 'JACCARD')
    const sa = new Set(a.map(valueKey))
    const sb = new Set(b.map(valueKey))
    const union = new Set([...sa, ...sb])
    if (union.size === 0) return 1
    let inter = 0
    for (const k of sa) if (sb.has(k)) inter++
    return inter / union.size
  }),
  INTERLEAVE: def(2, Infinity, (ctx, args) => {
    const arrays = allArrays(ctx, 'INTERLEAVE', args, true)
    if (!arrays) return null
    const out: AqlValue[] = []
    const max = Math.max(...arrays.map((a) => a.length))
    for (let i = 0; i < max; i++) for (const a of arrays) if (i < a.length) out.push(clone(a[i]!))
    return out
  }),
  RANGE: def(2, 3, (ctx, args) => {
    const out: number[] = []
    if (args.length < 3 || args[2] === null) {
      // without a step, an integer range like `a..b`
      const from = toInt(toNumber(args[0]))
      const to = toInt(toNumber(args[1]))
      if (Math.abs(to - from) > RANGE_LIMIT) return tooBig()
      if (from <= to) for (let i = from; i <= to; i++) out.push(i)
      else for (let i = from; i >= to; i--) out.push(i)
      return out
    }
    let from = toNumber(args[0])
    const to = toNumber(args[1])
    const step = toNumber(args[2])
    if (step === 0 || (from < to && step < 0) || (from > to && step > 0)) return invalidArg(ctx, 'RANGE')
    if (Math.abs((to - from) / step) > RANGE_LIMIT) return tooBig()
    if (step < 0 && to <= from) for (; from >= to; from += step) out.push(from)
    else for (; from <= to; from += step) out.push(from)
    return out
  }),
  MINHASH_COUNT: def(1, 1, (ctx, [e]) => {
    const err = toNumber(e!)
    if (typeof e !== 'number' || err <= 0 || err >= 1) return invalidArg(ctx, 'MINHASH_COUNT')
    return Math.ceil(1 / (err * err))
  }),
  MINHASH_ERROR: def(1, 1, (ctx, [n]) => {
    const k = toNumber(n!)
    if (typeof n !== 'number' || k < 1) return invalidArg(ctx, 'MINHASH_ERROR')
    return 1 / Math.sqrt(Math.trunc(k))
  }),
}

/** Used by documents.ts too. */
export { sliceArray }
