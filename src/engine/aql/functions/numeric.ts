/**
 * Numeric functions (docs.arangodb.com/3.12/aql/functions/numeric/). Arguments go through
 * TO_NUMBER; results that are not finite numbers (NaN, ±Infinity) become null, as in ArangoDB.
 */
import { compare, normalize, toNumber, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { arrayExpected, def, invalidArg, isArray, warnIn, type FnTable } from './util.js'

const unary = (f: (x: number) => number) => def(1, 1, (_ctx, [v]) => normalize(f(toNumber(v))))

/**
 * Non-null members of an array as numbers. A member that is not a number makes the result null;
 * `onNonNumber` is the warning arangod registers then (SUM and PRODUCT register none, AVERAGE
 * 1563, MEDIAN/PERCENTILE/VARIANCE 1561).
 */
function numbers(
  ctx: FunctionContext,
  name: string,
  v: AqlValue | undefined,
  onNonNumber: 0 | 1561 | 1563,
): number[] | null {
  if (!isArray(v)) return arrayExpected(ctx, name)
  const out: number[] = []
  for (const x of v) {
    if (x === null) continue
    if (typeof x !== 'number') {
      if (onNonNumber === 1563) arrayExpected(ctx, name)
      else if (onNonNumber === 1561) warnIn(ctx, name, 1561, 'invalid arithmetic value')
      return null
    }
    out.push(x)
  }
  return out
}

/** Welford's running variance, as arangod computes it. */
function variance(
  ctx: FunctionContext,
  name: string,
  v: AqlValue | undefined,
  sample: boolean,
): number | null {
  const xs = numbers(ctx, name, v, 1561)
  if (!xs) return null
  let mean = 0
  let m2 = 0
  xs.forEach((x, i) => {
    const delta = x - mean
    mean += delta / (i + 1)
    m2 += delta * (x - mean)
  })
  if (xs.length < (sample ? 2 : 1)) return null
  return normalize(m2 / (sample ? xs.length - 1 : xs.length)) as number | null
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

function percentile(xs: number[], p: number, interpolation: boolean): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const l = s.length
  if (l === 1) return s[0]!
  if (interpolation) {
    const idx = (p * (l + 1)) / 100
    const pos = Math.floor(idx)
    if (pos >= l) return s[l - 1]!
    if (pos <= 0) return null
    return (idx - pos) * (s[pos]! - s[pos - 1]!) + s[pos - 1]!
  }
  const pos = Math.ceil((p * l) / 100)
  if (pos >= l) return s[l - 1]!
  if (pos <= 0) return null
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
  RAND: def(0, 0, () => Math.random()),
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
    const xs = numbers(ctx, 'SUM', v, 0)
    return xs ? normalize(xs.reduce((a, b) => a + b, 0)) : null
  }),
  PRODUCT: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'PRODUCT', v, 0)
    return xs ? normalize(xs.reduce((a, b) => a * b, 1)) : null
  }),
  AVERAGE: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'AVERAGE', v, 1563)
    if (!xs || xs.length === 0) return null
    return normalize(xs.reduce((a, b) => a + b, 0) / xs.length)
  }),
  MEDIAN: def(1, 1, (ctx, [v]) => {
    const xs = numbers(ctx, 'MEDIAN', v, 1561)
    return xs ? median(xs) : null
  }),
  PERCENTILE: def(2, 3, (ctx, args) => {
    if (!isArray(args[0])) return arrayExpected(ctx, 'PERCENTILE')
    const p = args[1]
    if (typeof p !== 'number' || p <= 0 || p > 100) return invalidArg(ctx, 'PERCENTILE')
    const method = args.length > 2 ? args[2] : 'rank'
    if (method !== 'rank' && method !== 'interpolation') return invalidArg(ctx, 'PERCENTILE')
    const xs = numbers(ctx, 'PERCENTILE', args[0], 1561)
    return xs ? percentile(xs, p, method === 'interpolation') : null
  }),
  VARIANCE_POPULATION: def(1, 1, (ctx, [v]) => variance(ctx, 'VARIANCE_POPULATION', v, false)),
  VARIANCE_SAMPLE: def(1, 1, (ctx, [v]) => variance(ctx, 'VARIANCE_SAMPLE', v, true)),
  STDDEV_POPULATION: def(1, 1, (ctx, [v]) => {
    const r = variance(ctx, 'STDDEV_POPULATION', v, false)
    return r === null ? null : normalize(Math.sqrt(r))
  }),
  STDDEV_SAMPLE: def(1, 1, (ctx, [v]) => {
    const r = variance(ctx, 'STDDEV_SAMPLE', v, true)
    return r === null ? null : normalize(Math.sqrt(r))
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
