/** Small value and AST helpers shared by the planner, the optimizer rules and the stages. */
import { isObject } from '../../../objects.js'
import { arangoError } from '../../errors.js'
import type { BinaryOp, Expr } from '../ast.js'
import { toNumber, type AqlValue } from '../values.js'

export const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)

export function getAttr(v: AqlValue, name: string): AqlValue {
  if (isObject(v) && hasOwn(v, name)) {
    const x = v[name]
    return x === undefined ? null : x
  }
  return null
}

export function setKey(o: Record<string, AqlValue>, k: string, v: AqlValue): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  else o[k] = v
}

/** arangod refuses to materialise ranges of more than 10 million values (Range::throwIfTooBigForMaterialization). */
export const RANGE_LIMIT = 10_000_000
export const rangeTooBig = (): never => {
  throw arangoError('QUERY_NUMBER_OUT_OF_RANGE', 'number out of range: range is too big to be materialized')
}

/** `a..b` as an array value (FOR over a range iterates `rangeIter` without this). */
export function materializeRange(from: AqlValue, to: AqlValue): number[] {
  const a = Math.trunc(toNumber(from))
  const b = Math.trunc(toNumber(to))
  if (!(Math.abs(b - a) <= RANGE_LIMIT)) return rangeTooBig()
  return [...rangeIter(a, b)]
}

export function* rangeIter(from: AqlValue, to: AqlValue): Generator<number> {
  const a = Math.trunc(toNumber(from))
  const b = Math.trunc(toNumber(to))
  if (a <= b) for (let i = a; i <= b; i++) yield i
  else for (let i = a; i >= b; i--) yield i
}

export function flatten(v: AqlValue[], depth: number): AqlValue[] {
  const out: AqlValue[] = []
  for (const x of v) {
    if (Array.isArray(x) && depth > 0) out.push(...flatten(x, depth - 1))
    else out.push(x)
  }
  return out
}

/** Names an expression reads (for index planning: does a condition depend on the loop variable?). */
export function freeNames(e: Expr, out: Set<string>): boolean {
  switch (e.type) {
    case 'value':
    case 'param':
    case 'dsparam':
    case 'current':
      return true
    case 'name':
      out.add(e.name)
      return true
    case 'array':
      return e.items.every((x) => freeNames(x, out))
    case 'object':
      return e.entries.every(
        (x) => (typeof x.key === 'string' || freeNames(x.key, out)) && freeNames(x.value, out),
      )
    case 'attr':
      return freeNames(e.obj, out)
    case 'index':
      return freeNames(e.obj, out) && freeNames(e.index, out)
    case 'unary':
      return freeNames(e.arg, out)
    case 'binary':
    case 'and':
    case 'or':
    case 'quant':
      return freeNames(e.left, out) && freeNames(e.right, out)
    case 'ternary':
      return freeNames(e.cond, out) && (!e.then || freeNames(e.then, out)) && freeNames(e.else, out)
    case 'range':
      return freeNames(e.from, out) && freeNames(e.to, out)
    case 'call':
      return e.args.every((x) => freeNames(x, out))
    default:
      // subqueries and expansions: too complex to hoist into an index lookup
      return false
  }
}

export function conjuncts(e: Expr, out: Expr[]): Expr[] {
  if (e.type === 'and') {
    conjuncts(e.left, out)
    conjuncts(e.right, out)
  } else out.push(e)
  return out
}

/** `v.a.b` -> ['a','b'] when rooted at variable `v`. */
export function attrPath(e: Expr, v: string): string[] | null {
  const path: string[] = []
  let cur = e
  while (cur.type === 'attr') {
    path.unshift(cur.name)
    cur = cur.obj
  }
  if (cur.type === 'name' && cur.name === v && path.length > 0) return path
  return null
}

export const FLIP: Record<string, BinaryOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' }

export function num(n: number): AqlValue {
  return Number.isFinite(n) ? n : null
}

export function limitValue(v: AqlValue): number {
  if (typeof v !== 'number' || v < 0) {
    if (v === null) return 0
    throw arangoError(
      'QUERY_NUMBER_OUT_OF_RANGE',
      'LIMIT value is not a number or out of range (while parsing)',
    )
  }
  return Math.trunc(v)
}
