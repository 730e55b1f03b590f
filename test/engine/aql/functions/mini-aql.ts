/**
 * Test-only evaluator for the simple AQL shapes the function conformance entries use:
 * `LET x = expr` / `FOR x IN expr` / `FILTER expr` / `RETURN expr` over literals, arrays, objects,
 * bind parameters, variables, attribute and index access, `[*].attr`, `a..b` and function calls.
 * Anything else throws `Unsupported`, and the replay counts the entry as skipped. The real
 * parser and executor live in src/engine/aql/ (another area); this only feeds FUNCTIONS.
 */
import { FUNCTIONS } from '../../../../src/engine/aql/functions/index.js'
import type { FunctionContext } from '../../../../src/engine/aql/functions/types.js'
import { toBool, toNumber, type AqlValue } from '../../../../src/engine/aql/values.js'

export class Unsupported extends Error {}

type Tok = { t: 'str' | 'num' | 'id' | 'bind' | 'p'; v: string; n?: number }

function tokenize(src: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (/\s/.test(c)) {
      i++
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2)
      if (end < 0) throw new Unsupported('comment')
      i = end + 2
    } else if (c === '"' || c === "'") {
      let s = ''
      i++
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[++i]!
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }
          if (e === 'u') {
            s += String.fromCharCode(parseInt(src.slice(i + 1, i + 5), 16))
            i += 4
          } else s += map[e] ?? e
          i++
        } else s += src[i++]
      }
      i++
      out.push({ t: 'str', v: s })
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-fA-F]+|0b[01]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(src.slice(i))!
      // `2..6` is a range, not the number 2.
      let text = m[0]
      if (src.slice(i).match(/^\d+\.\./)) text = /^\d+/.exec(src.slice(i))![0]
      out.push({ t: 'num', v: text, n: Number(text) })
      i += text.length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!
      out.push({ t: 'id', v: m[0] })
      i += m[0].length
    } else if (c === '@') {
      const m = /^@@?[A-Za-z0-9_]+/.exec(src.slice(i))
      if (!m) throw new Unsupported('bind')
      out.push({ t: 'bind', v: m[0].slice(1) })
      i += m[0].length
    } else if (src.startsWith('..', i)) {
      out.push({ t: 'p', v: '..' })
      i += 2
    } else if ('[]{}(),:.-*='.includes(c)) {
      out.push({ t: 'p', v: c })
      i++
    } else throw new Unsupported(`char ${c}`)
  }
  return out
}

type Expr = (env: Map<string, AqlValue>) => AqlValue
type Stmt = { kind: 'LET' | 'FOR' | 'FILTER' | 'RETURN'; name?: string; expr: Expr }

export interface MiniResult {
  result: AqlValue[]
  warnings: { code: number; message: string }[]
}

export function runMini(query: string, bindVars: Record<string, unknown> = {}, now = Date.now()): MiniResult {
  const toks = tokenize(query)
  let pos = 0
  const warnings: MiniResult['warnings'] = []
  const ctx = {
    warn: (code: number, message: string) => warnings.push({ code, message }),
    get store(): never {
      throw new Unsupported('store')
    },
    db: '_system',
    now,
  } as unknown as FunctionContext

  const peek = (): Tok | undefined => toks[pos]
  const isP = (v: string): boolean => peek()?.t === 'p' && peek()?.v === v
  const expectP = (v: string): void => {
    if (!isP(v)) throw new Unsupported(`expected ${v} at ${pos}`)
    pos++
  }
  const kw = (v: string): boolean => peek()?.t === 'id' && peek()!.v.toUpperCase() === v

  function primary(): Expr {
    const tok = toks[pos++]
    if (!tok) throw new Unsupported('eof')
    if (tok.t === 'str') return () => tok.v
    if (tok.t === 'num') return () => tok.n!
    if (tok.t === 'bind') {
      if (!(tok.v in bindVars)) throw new Unsupported('missing bind')
      return () => structuredClone(bindVars[tok.v]) as AqlValue
    }
    if (tok.t === 'p' && tok.v === '-') {
      const e = postfix(primary())
      return (env) => -toNumber(e(env))
    }
    if (tok.t === 'p' && tok.v === '(') {
      const e = expression()
      expectP(')')
      return e
    }
    if (tok.t === 'p' && tok.v === '[') {
      const items: Expr[] = []
      while (!isP(']')) {
        items.push(expression())
        if (isP(',')) pos++
        else break
      }
      expectP(']')
      return (env) => items.map((e) => e(env))
    }
    if (tok.t === 'p' && tok.v === '{') {
      const entries: [string, Expr][] = []
      while (!isP('}')) {
        const k = toks[pos++]!
        if (k.t !== 'id' && k.t !== 'str' && k.t !== 'num') throw new Unsupported('object key')
        if (isP(':')) {
          pos++
          entries.push([k.v, expression()])
        } else if (k.t === 'id') {
          const name = k.v
          entries.push([name, (env) => lookupVar(env, name)])
        } else throw new Unsupported('object')
        if (isP(',')) pos++
        else break
      }
      expectP('}')
      return (env) => Object.fromEntries(entries.map(([k, e]) => [k, e(env)]))
    }
    if (tok.t === 'id') {
      const up = tok.v.toUpperCase()
      if (up === 'NULL') return () => null
      if (up === 'TRUE') return () => true
      if (up === 'FALSE') return () => false
      if (isP('(')) {
        pos++
        const args: Expr[] = []
        while (!isP(')')) {
          args.push(expression())
          if (isP(',')) pos++
          else break
        }
        expectP(')')
        const def = FUNCTIONS[up]
        if (!def) throw new Unsupported(`function ${up}`)
        return (env) => {
          const vals = args.map((a) => a(env))
          if (vals.length < def.minArgs || vals.length > def.maxArgs) throw new Error(`arity ${up}`)
          return def.fn(ctx, vals)
        }
      }
      const name = tok.v
      return (env) => lookupVar(env, name)
    }
    throw new Unsupported(`token ${tok.v}`)
  }

  function lookupVar(env: Map<string, AqlValue>, name: string): AqlValue {
    if (!env.has(name)) throw new Unsupported(`variable ${name}`)
    return env.get(name)!
  }

  function postfix(base: Expr): Expr {
    let e = base
    for (;;) {
      if (isP('.') && toks[pos + 1]?.t === 'id') {
        const name = toks[pos + 1]!.v
        pos += 2
        const prev = e
        e = (env) => attr(prev(env), name)
      } else if (isP('[') && toks[pos + 1]?.v === '*' && toks[pos + 2]?.v === ']') {
        pos += 3
        const path: string[] = []
        while (isP('.') && toks[pos + 1]?.t === 'id') {
          path.push(toks[pos + 1]!.v)
          pos += 2
        }
        const prev = e
        e = (env) => {
          const v = prev(env)
          if (!Array.isArray(v)) return []
          return v.map((x) => path.reduce<AqlValue>((acc, p) => attr(acc, p), x))
        }
      } else if (isP('[')) {
        pos++
        const idx = expression()
        expectP(']')
        const prev = e
        e = (env) => {
          const v = prev(env)
          const i = idx(env)
          if (Array.isArray(v) && typeof i === 'number') {
            const k = i < 0 ? v.length + i : i
            return v[k] ?? null
          }
          if (typeof i === 'string') return attr(v, i)
          return null
        }
      } else return e
    }
  }

  function attr(v: AqlValue, name: string): AqlValue {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null
    return Object.prototype.hasOwnProperty.call(v, name) ? v[name]! : null
  }

  function expression(): Expr {
    const left = postfix(primary())
    if (isP('..')) {
      pos++
      const right = postfix(primary())
      return (env) => {
        const a = Math.trunc(toNumber(left(env)))
        const b = Math.trunc(toNumber(right(env)))
        const out: number[] = []
        for (let i = a; a <= b ? i <= b : i >= b; a <= b ? i++ : i--) out.push(i)
        return out
      }
    }
    if (peek()?.t === 'id' && !['LET', 'FOR', 'FILTER', 'RETURN'].includes(peek()!.v.toUpperCase())) {
      throw new Unsupported(`operator ${peek()!.v}`)
    }
    return left
  }

  const stmts: Stmt[] = []
  while (pos < toks.length) {
    if (kw('LET')) {
      pos++
      const name = toks[pos++]!
      if (name.t !== 'id') throw new Unsupported('let')
      expectP('=')
      stmts.push({ kind: 'LET', name: name.v, expr: expression() })
    } else if (kw('FOR')) {
      pos++
      const name = toks[pos++]!
      if (name.t !== 'id' || !kw('IN')) throw new Unsupported('for')
      pos++
      stmts.push({ kind: 'FOR', name: name.v, expr: expression() })
    } else if (kw('FILTER')) {
      pos++
      stmts.push({ kind: 'FILTER', expr: expression() })
    } else if (kw('RETURN')) {
      pos++
      stmts.push({ kind: 'RETURN', expr: expression() })
    } else throw new Unsupported(`statement ${peek()?.v}`)
  }
  if (stmts.length === 0 || stmts[stmts.length - 1]!.kind !== 'RETURN') throw new Unsupported('no RETURN')
  if (stmts.filter((s) => s.kind === 'RETURN').length !== 1) throw new Unsupported('RETURN')

  const result: AqlValue[] = []
  const exec = (i: number, env: Map<string, AqlValue>): void => {
    const s = stmts[i]!
    if (s.kind === 'RETURN') result.push(s.expr(env))
    else if (s.kind === 'LET') exec(i + 1, new Map(env).set(s.name!, s.expr(env)))
    else if (s.kind === 'FILTER') {
      if (toBool(s.expr(env))) exec(i + 1, env)
    } else {
      const v = s.expr(env)
      if (!Array.isArray(v)) throw new Unsupported('FOR over non-array')
      for (const x of v) exec(i + 1, new Map(env).set(s.name!, x))
    }
  }
  exec(0, new Map())
  return { result, warnings }
}
