/**
 * Numeric functions (docs.arangodb.com/3.12/aql/functions/numeric/). Arguments go through
 * TO_NUMBER; results that are not finite numbers (NaN, ±Infinity) become null, as in ArangoDB.
 */
import { compare, normalize, toNumber, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { arrayExpected, def, invalidArg, isArray, type FnTable } from './util.js'

const unary = (f: (x: number) => number) => def(1, 1, (_ctx, [v]) => normalize(f(toNumber(v))))

/** Non-null members of an array as numbers, or null if a member is not a number. */
function numbers(ctx: FunctionContext, name: string, v: AqlValue | undefined): number[] | null {
  if (!isArray(v)) return arrayExpected(ctx, name)
  const out: number[] = []
  for (const x of v) {
    if (x === null) continue
    if (typeof x !== 'number') return invalidArg(ctx, name)
    out.push(x)
  }
  return out
}

function variance(
  ctx: FunctionContext,
  name: string,
  v: AqlValue | undefined,
  sample: boolean,
): number | null {
  const xs = numbers(ctx, name, v)
  if (!xs) return null
  if (xs.length === 0 || (sample && xs.length < 2)) return null
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const sq = xs.reduce((a, b) => a + (b - mean) * (b - mean), 0)
  return sq / (sample ? xs.length - 1 : xs.length)
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function percentile(xs: number[], p: number, method: string): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 1) return s[0]!
  if (method === 'interpolation') {
    const idx = (p * (s.length + 1)) / 100
    const pos = Math.floor(idx)
    if (pos >= s.length) return s[s.length - 1]!
    if (pos < 1) return s[0]!
    const delta = idx - pos
    return s[pos - 1]! + delta * (s[pos]! - s[pos - 1]!)
  }
  const pos = Math.ceil((p * s.length) / 100)
  if (pos >= s.length) return s[s.length - 1]!
  if (pos < 1) return s[0]!
  return s[pos - 1]!
}

type Vec = number[]
function vectorFn(name: string, f: (a: Vec, b: Vec) => number | null) {
  return def(2, 2, (ctx, [x, y]) => {
    const isVec = (v: unknown): v is Vec => isArray(v) && v.every((e) => typeof e === 'number')
    if (isVec(x) && isVec(y)) {
      if (x.length !== y.length) return invalidArg(ctx, name)
      return normalize(f(x, y))
    }
    if (isArray(x) && x.every(isVec) && isVec(y)) {
      const out: AqlValue[] = []
      for (const row of x as Vec[]) {
        if (row.length !== y.length) return invalidArg(ctx, name)
        out.push(normalize(f(row, y)))
      }
      return out
    }
    return invalidArg(ctx, name)
  })
}

function decay(name: string, score: (dist: number, scale: number, decay: number) => number) {
  return def(5, 5, (ctx, [value, origin, scale, offset, dec]) => {
    const nums = [origin, scale, offset, dec]
    if (!nums.every((n) => typeof n === 'number')) return invalidArg(ctx, name)
    const [o, s, off, d] = nums as number[]
    if (s! <= 0 || off! < 0 || d! <= 0 || d! >= 1) return invalidArg(ctx, name)
    const one = (v: AqlValue): AqlValue => {
      if (typeof v !== 'number') return invalidArg(ctx, name)
      const dist = Math.max(0, Math.abs(v - o!) - off!)
      return normalize(score(dist, s!, d!))
    }
    return isArray(value) ? value.map(one) : one(value!)
  })
}

export const NUMERIC_FUNCTIONS: FnTable = {
  FLOOR: unary(Math.floor),
  CEIL: unary(Math.ceil),
  // Math.round rounds .5 towards +Infinity, which is ArangoDB's ROUND(-2.5) = -2
  ROUND: unary(Math.round),
  ABS: unary(Math.abs),
  SQRT: unary(Math.sqrt),
  POW: def(2, 2, (_ctx, [b, e]) => normalize(Math.pow(toNumber(b), toNumber(e)))),
  LOG: unary(Math.log),
  LOG2: unary(Math.log2),
  LOG10: unary(Math.log10),
  EXP: unary(Math.exp),
  EXP2: unary((x) => Math.pow(2, x)),
  SIN: unary(Math.sin),
  COS: unary(Math.cos),
  TAN: unary(Math.tan),
  ASIN: unary(Math.asin),
  ACOS: unary(Math.acos),
  ATAN: unary(Math.atan),
  ATAN2: def(2, 2, (_ctx, [y, x]) => normalize(Math.atan2(toNumber(y), toNumber(x)))),
  RADIANS: unary((x) => (x * Math.PI) / 180),
  DEGREES: unary((x) => (x * 180) / Math.PI),
  PI: def(0, 0, () => Math.PI),
  RAND: def(0, 0, () => Math.random(), false),
  MIN: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'MIN')
    let best: AqlValue = null
    for (const x of v) if (x !== null && (best === null || compare(x, best) < 0)) best = x
    return structuredClone(best)
  }),
  MAX: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return arrayExpected(ctx, 'MAX')
    let best: AqlValue = null
    for (const x of v) if (x !== null && (best === null || compare(x, best) > 0)) best = x
    return structuredClone(best)
  }),
  SUM: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'SUM', v)
    return xs ? normalize(xs.reduce((a, b) => a + b, 0)) : null
  }),
  PRODUCT: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'PRODUCT', v)
    return xs ? normalize(xs.reduce((a, b) => a * b, 1)) : null
  }),
  AVERAGE: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'AVERAGE', v)
    if (!xs || xs.length === 0) return null
    return normalize(xs.reduce((a, b) => a + b, 0) / xs.length)
  }),
  MEDIAN: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'MEDIAN', v)
    return xs ? median(xs) : null
  }),
  PERCENTILE: def(2, 3, (ctx, args) => {
    const xs = numbers(ctx, 'PERCENTILE', args[0])
    if (!xs) return null
    const p = args[1]
    if (typeof p !== 'number' || p <= 0 || p > 100) return invalidArg(ctx, 'PERCENTILE')
    const method = args.length > 2 ? args[2] : 'rank'
    if (method !== 'rank' && method !== 'interpolation') return invalidArg(ctx, 'PERCENTILE')
    return percentile(xs, p, method)
  }),
  VARIANCE_POPULATION: def(1, 1, (ctx, [v]) => variance(ctx, 'VARIANCE_POPULATION', v, false)),
  VARIANCE_SAMPLE: def(1, 1, (ctx, [v]) => variance(ctx, 'VARIANCE_SAMPLE', v, true)),
  STDDEV_POPULATION: def(1, 1, (ctx, [v]) => {
    const r = variance(ctx, 'STDDEV_POPULATION', v, false)
    return r === null ? null : Math.sqrt(r)
  }),
  STDDEV_SAMPLE: def(1, 1, (ctx, [v]) => {
    const r = variance(ctx, 'STDDEV_SAMPLE', v, true)
    return r === null ? null : Math.sqrt(r)
  }),
  COSINE_SIMILARITY: vectorFn('COSINE_SIMILARITY', (a, b) => {
    let dot = 0
    let na = 0
    let nb = 0
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * b[i]!
      na += a[i]! * a[i]!
      nb += b[i]! * b[i]!
    }
    return na === 0 || nb === 0 ? null : dot / Math.sqrt(na * nb)
  }),
  L1_DISTANCE: vectorFn('L1_DISTANCE', (a, b) => a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0)),
  L2_DISTANCE: vectorFn('L2_DISTANCE', (a, b) =>
    Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) * (x - b[i]!), 0)),
  ),
  DECAY_GAUSS: decay('DECAY_GAUSS', (dist, scale, d) => {
    const sigma2 = (-scale * scale) / (2 * Math.log(d))
    return Math.exp((-dist * dist) / (2 * sigma2))
  }),
  DECAY_EXP: decay('DECAY_EXP', (dist, scale, d) => Math.exp((Math.log(d) / scale) * dist)),
  DECAY_LINEAR: decay('DECAY_LINEAR', (dist, scale, d) => {
    const s = scale / (1 - d)
    return Math.max((s - dist) / s, 0)
  }),
}
