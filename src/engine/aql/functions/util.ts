/**
 * Shared helpers for the AQL function modules: warnings shaped as ArangoDB registers them
 * (arangod/Aql/Functions.cpp registerWarning / registerInvalidArgumentWarning) and argument access.
 */
import { isObject } from '../../../objects.js'
import type { AqlFunctionDef, FunctionContext } from './types.js'
import { compare, toBool, type AqlObject, type AqlValue } from '../values.js'

export type FnTable = Record<string, AqlFunctionDef>

/** Warning 1542, worded as ArangoDB words it. */
export function invalidArg(ctx: FunctionContext, name: string): null {
  ctx.warn(1542, `invalid argument type in call to function '${name}()'`)
  return null
}

/** Any other function warning: ArangoDB prefixes the error message with the function name. */
export function warnIn(ctx: FunctionContext, name: string, code: number, message: string): null {
  ctx.warn(code, `in function '${name}()': ${message}`)
  return null
}

export const arrayExpected = (ctx: FunctionContext, name: string): null =>
  warnIn(ctx, name, 1563, 'array expected')

export function arg(args: AqlValue[], i: number): AqlValue {
  const v = args[i]
  return v === undefined ? null : v
}

/** Optional boolean argument (ArangoDB getBooleanParameter: truthiness, default when absent). */
export function boolArg(args: AqlValue[], i: number, dflt: boolean): boolean {
  return i < args.length ? toBool(args[i]) : dflt
}

export const isArray = (v: unknown): v is AqlValue[] => Array.isArray(v)

/** Define a function; `max` defaults to `min`. */
export function def(
  min: number,
  max: number,
  fn: AqlFunctionDef['fn'],
  deterministic = true,
): AqlFunctionDef {
  return deterministic
    ? { minArgs: min, maxArgs: max, fn }
    : { minArgs: min, maxArgs: max, fn, deterministic }
}

/** Index of `v` in `arr` under AQL equality, or -1. */
export function indexOfValue(arr: AqlValue[], v: AqlValue, from = 0): number {
  for (let i = from; i < arr.length; i++) if (compare(arr[i], v) === 0) return i
  return -1
}

/**
 * A key usable in a Map for AQL equality: numbers are normalised (1 and 1.0 are one value in
 * AQL already in JS), objects with their keys sorted so {a,b} and {b,a} collide as in VPackEqual.
 */
export function valueKey(v: AqlValue): string {
  // fast paths for scalars; the type prefix keeps 1 and "1" apart
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 'n0' : 'n' + v
    case 'string':
      return 's' + v
    case 'boolean':
      return v ? 't' : 'f'
    default:
      return v === null ? 'z' : 'j' + JSON.stringify(canon(v))
  }
}
function canon(v: AqlValue): unknown {
  if (Array.isArray(v)) return v.map(canon)
  if (isObject(v)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) out[k] = canon(v[k]!)
    return out
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0
  return v
}

/** Deep copy so results never alias argument values (a plain recursive copy is far cheaper than structuredClone). */
export function clone<T extends AqlValue>(v: T): T {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    const out = new Array<AqlValue>(v.length)
    for (let i = 0; i < v.length; i++) out[i] = clone(v[i]!)
    return out as T
  }
  const out: AqlObject = {}
  for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) out[k] = clone((v as AqlObject)[k]!)
  return out as T
}

/** ArangoDB's rounding for integer-ish arguments: truncation of TO_NUMBER. */
export const toInt = (n: number): number => (Number.isFinite(n) ? Math.trunc(n) : 0)
