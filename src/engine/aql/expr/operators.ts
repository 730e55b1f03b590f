/** AQL's binary operators (comparison, arithmetic, IN, LIKE, regular expressions) as closures. */
import type { BinaryOp } from '../ast.js'
import type { QueryContext } from '../context.js'
import { compare, equals, toNumber, toStringValue, type AqlValue } from '../values.js'
import { likeToRegExp } from '../functions/strings.js'
import { num } from './util.js'

const likeCache = new Map<string, RegExp>()
export function aqlLike(value: AqlValue, pattern: AqlValue): boolean {
  const p = toStringValue(pattern)
  let re = likeCache.get(p)
  if (!re) {
    re = likeToRegExp(p, false)
    if (likeCache.size > 1000) likeCache.clear()
    likeCache.set(p, re)
  }
  return re.test(toStringValue(value))
}

function inArray(x: AqlValue, arr: AqlValue): boolean {
  if (!Array.isArray(arr)) return false
  if (x === null || typeof x !== 'object') {
    for (const y of arr) if (y === x) return true
    return false
  }
  for (const y of arr) if (equals(x, y)) return true
  return false
}

const regexCache = new Map<string, RegExp | null>()
function regexTest(ctx: QueryContext, value: AqlValue, pattern: AqlValue): AqlValue {
  const p = toStringValue(pattern)
  let re = regexCache.get(p)
  if (re === undefined) {
    try {
      re = new RegExp(p, 'u')
    } catch {
      re = null
    }
    if (regexCache.size > 1000) regexCache.clear()
    regexCache.set(p, re)
  }
  if (!re) {
    ctx.warn(1575, 'invalid regex value')
    return null
  }
  return re.test(toStringValue(value))
}

export function binaryOp(op: BinaryOp, ctx: QueryContext): (a: AqlValue, b: AqlValue) => AqlValue {
  switch (op) {
    case '+':
      return (a, b) => num(toNumber(a) + toNumber(b))
    case '-':
      return (a, b) => num(toNumber(a) - toNumber(b))
    case '*':
      return (a, b) => num(toNumber(a) * toNumber(b))
    case '/':
      return (a, b) => {
        const d = toNumber(b)
        if (d === 0) {
          ctx.warn(1562, 'division by zero')
          return null
        }
        return num(toNumber(a) / d)
      }
    case '%':
      return (a, b) => {
        const d = toNumber(b)
        if (d === 0) {
          ctx.warn(1562, 'division by zero')
          return null
        }
        return num(toNumber(a) % d)
      }
    case '==':
      return (a, b) => compare(a, b) === 0
    case '!=':
      return (a, b) => compare(a, b) !== 0
    case '<':
      return (a, b) => compare(a, b) < 0
    case '<=':
      return (a, b) => compare(a, b) <= 0
    case '>':
      return (a, b) => compare(a, b) > 0
    case '>=':
      return (a, b) => compare(a, b) >= 0
    case 'IN':
      return (a, b) => inArray(a, b)
    case 'NOT IN':
      return (a, b) => !inArray(a, b)
    case 'LIKE':
      return (a, b) => aqlLike(a, b)
    case 'NOT LIKE':
      return (a, b) => !aqlLike(a, b)
    case '=~':
      return (a, b) => regexTest(ctx, a, b)
    case '!~': {
      return (a, b) => {
        const r = regexTest(ctx, a, b)
        return r === null ? null : !r
      }
    }
  }
}
