/**
 * Expression evaluation: compiles an AST expression into a closure over a frame (the slot array
 * of the variables in scope). Subqueries run through the host, which builds their planned stages.
 */
import { arangoError, notImplemented } from '../../errors.js'
import type { Expr, Query } from '../ast.js'
import type { Frame, FunctionLibrary, QueryContext } from '../context.js'
import { toBool, toNumber, toStringValue, type AqlValue } from '../values.js'
import { binaryOp } from './operators.js'
import type { Scope } from './scope.js'
import { isObject } from '../../../objects.js'
import { flatten, getAttr, hasOwn, limitValue, materializeRange, num, setKey } from './util.js'

export type Fn = (f: Frame) => AqlValue

/** What an expression needs from the query being built. */
export interface ExprHost {
  readonly ctx: QueryContext
  readonly bind: Record<string, unknown>
  readonly lib: FunctionLibrary
  /** The values bound to CURRENT (inline expansions, UPSERT FILTER), innermost last. */
  readonly currentStack: AqlValue[]
  requireColl(name: string): void
  /** The rows of a subquery evaluated inside an expression, for the frame it is called with. */
  subquery(q: Query, sc: Scope): (f: Frame) => Iterable<AqlValue>
}

/** Functions whose bare-collection arguments are passed as collection names. */
const COLLECTION_NAME_FUNCTIONS = new Set([
  'DOCUMENT',
  'COLLECTION_COUNT',
  'FULLTEXT',
  'NEAR',
  'WITHIN',
  'WITHIN_RECTANGLE',
  'NEIGHBORS',
])

export class ExprCompiler {
  constructor(private readonly host: ExprHost) {}

  /** Evaluate an expression that must be known at compile time (OPTIONS). */
  constant(e: Expr, sc: Scope): AqlValue {
    const fn = this.expr(e, sc)
    try {
      return fn([])
    } catch {
      throw arangoError('QUERY_COMPILE_TIME_OPTIONS')
    }
  }

  expr(e: Expr, sc: Scope): Fn {
    const ctx = this.host.ctx
    switch (e.type) {
      case 'value': {
        const v = e.value
        return () => v
      }
      case 'param': {
        const v = (this.host.bind[e.name] ?? null) as AqlValue
        return () => v
      }
      case 'dsparam':
        return this.collectionValue(this.host.bind['@' + e.name] as string)
      case 'name': {
        const s = sc.get(e.name)
        if (s !== undefined) return (f) => f[s] ?? null
        return this.collectionValue(e.name)
      }
      case 'current': {
        const stack = this.host.currentStack
        return () => stack[stack.length - 1] ?? null
      }
      case 'array': {
        const items = e.items.map((x) => this.expr(x, sc))
        return (f) => items.map((x) => x(f))
      }
      case 'object': {
        const entries = e.entries.map((x) => ({
          key: typeof x.key === 'string' ? x.key : this.expr(x.key, sc),
          value: this.expr(x.value, sc),
        }))
        return (f) => {
          const o: Record<string, AqlValue> = {}
          for (const en of entries) {
            const k = typeof en.key === 'string' ? en.key : toStringValue(en.key(f))
            // ArangoDB keeps the first of duplicate attribute names
            if (hasOwn(o, k)) continue
            setKey(o, k, en.value(f))
          }
          return o
        }
      }
      case 'attr': {
        const obj = this.expr(e.obj, sc)
        const name = e.name
        return (f) => getAttr(obj(f), name)
      }
      case 'index': {
        const obj = this.expr(e.obj, sc)
        const idx = this.expr(e.index, sc)
        return (f) => {
          const o = obj(f)
          const i = idx(f)
          if (Array.isArray(o)) {
            let n: number
            if (typeof i === 'number') n = Math.trunc(i)
            else if (typeof i === 'string' && /^-?\d+$/.test(i.trim())) n = Number(i)
            else return null
            if (n < 0) n += o.length
            return n >= 0 && n < o.length ? (o[n] ?? null) : null
          }
          if (isObject(o)) return getAttr(o, toStringValue(i))
          return null
        }
      }
      case 'expand': {
        const obj = this.expr(e.obj, sc)
        const filter = e.filter ? this.expr(e.filter, sc) : null
        const offFn = e.limit ? this.expr(e.limit.offset, sc) : null
        const cntFn = e.limit ? this.expr(e.limit.count, sc) : null
        const ret = e.ret ? this.expr(e.ret, sc) : null
        const inner = e.inner ? this.expr(e.inner, sc) : null
        const depth = e.depth
        const stack = this.host.currentStack
        return (f) => {
          let arr = obj(f)
          if (!Array.isArray(arr)) return []
          if (depth > 1) arr = flatten(arr, depth - 1)
          const out: AqlValue[] = []
          const off = offFn ? limitValue(offFn(f)) : 0
          const cnt = cntFn ? limitValue(cntFn(f)) : Infinity
          let passed = 0
          for (const x of arr) {
            stack.push(x)
            try {
              if (filter && !toBool(filter(f))) continue
              passed++
              if (passed <= off) continue
              if (passed > off + cnt) break
              let v = ret ? ret(f) : x
              if (inner) {
                stack.push(v)
                try {
                  v = inner(f)
                } finally {
                  stack.pop()
                }
              }
              out.push(v)
            } finally {
              stack.pop()
            }
          }
          return out
        }
      }
      case 'unary': {
        const a = this.expr(e.arg, sc)
        if (e.op === '!') return (f) => !toBool(a(f))
        if (e.op === '-') return (f) => num(-toNumber(a(f)))
        return (f) => toNumber(a(f))
      }
      case 'and': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        return (f) => {
          const x = l(f)
          return toBool(x) ? r(f) : x
        }
      }
      case 'or': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        return (f) => {
          const x = l(f)
          return toBool(x) ? x : r(f)
        }
      }
      case 'ternary': {
        const c = this.expr(e.cond, sc)
        const t = e.then ? this.expr(e.then, sc) : null
        const el = this.expr(e.else, sc)
        return (f) => {
          const x = c(f)
          if (toBool(x)) return t ? t(f) : x
          return el(f)
        }
      }
      case 'range': {
        const a = this.expr(e.from, sc)
        const b = this.expr(e.to, sc)
        return (f) => materializeRange(a(f), b(f))
      }
      case 'binary': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        const op = binaryOp(e.op, ctx)
        return (f) => op(l(f), r(f))
      }
      case 'quant': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        const cnt = e.count ? this.expr(e.count, sc) : null
        const op = binaryOp(e.op, ctx)
        const q = e.quant
        return (f) => {
          const arr = l(f)
          if (!Array.isArray(arr)) return false
          const rv = r(f)
          let hits = 0
          for (const x of arr) if (toBool(op(x, rv))) hits++
          if (q === 'ALL') return hits === arr.length
          if (q === 'ANY') return hits > 0
          if (q === 'NONE') return hits === 0
          return hits >= toNumber(cnt!(f))
        }
      }
      case 'subquery': {
        const run = this.host.subquery(e.query, sc)
        return (f) => [...run(f)]
      }
      case 'call':
        return this.call(e, sc)
    }
  }

  /** `NS::NAME(...)`: resolved when evaluated, as ArangoDB does (1582 then, not at parse time). */
  private userCall(name: string, e: Extract<Expr, { type: 'call' }>, sc: Scope): Fn {
    const user = this.host.lib.user
    if (!user) throw notImplemented(`user-defined AQL function ${name}()`)
    const args = e.args.map((a) => this.expr(a, sc))
    const ctx = this.host.ctx
    return (f) =>
      user.call(
        ctx,
        name,
        args.map((a) => a(f)),
      )
  }

  /** CALL(name, args…) / APPLY(name, [args]): a library function chosen at run time. */
  private dynamicCall(name: 'CALL' | 'APPLY', e: Extract<Expr, { type: 'call' }>, sc: Scope): Fn {
    if (e.args.length < 1 || (name === 'APPLY' && e.args.length > 2)) {
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
        `invalid number of arguments for function '${name}()', expected number of arguments: minimum: 1, maximum: ${name === 'APPLY' ? 2 : 65536} (while parsing)`,
      )
    }
    const args = e.args.map((a) => this.expr(a, sc))
    const lib = this.host.lib
    const ctx = this.host.ctx
    return (f) => {
      const fnName = args[0]!(f)
      if (typeof fnName !== 'string') {
        ctx.warn(1542, `invalid argument type in call to function '${name}()'`)
        return null
      }
      const upper = fnName.toUpperCase()
      if (upper.includes('::')) {
        if (!lib.user) throw notImplemented(`user-defined AQL function ${upper}()`)
        const p = name === 'CALL' ? args.slice(1).map((a) => a(f)) : args[1] ? args[1](f) : []
        if (!Array.isArray(p)) {
          // functions::Apply: parameters that are not an array are a warning and null
          ctx.warn(1542, `invalid argument type in call to function '${name}()'`)
          return null
        }
        return lib.user.call(ctx, upper, p, name)
      }
      if (upper === 'CALL' || upper === 'APPLY') {
        throw arangoError('QUERY_DISALLOWED_DYNAMIC_CALL', `disallowed dynamic call to '${upper}'`)
      }
      const def = lib.functions[upper]
      if (!def) {
        if (lib.unsupported.has(upper)) throw notImplemented(`AQL function ${upper}()`)
        throw arangoError('QUERY_FUNCTION_NAME_UNKNOWN', `usage of unknown function '${upper}()'`)
      }
      let params: AqlValue[]
      if (name === 'CALL') params = args.slice(1).map((a) => a(f))
      else {
        const p = args[1] ? args[1](f) : []
        params = Array.isArray(p) ? p : []
      }
      if (params.length < def.minArgs || params.length > def.maxArgs) {
        throw arangoError(
          'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
          `invalid number of arguments for function '${upper}()', expected number of arguments: minimum: ${def.minArgs}, maximum: ${def.maxArgs === Infinity ? 65536 : def.maxArgs}`,
        )
      }
      return def.fn(ctx, params)
    }
  }

  private collectionValue(name: string): Fn {
    this.host.requireColl(name)
    const store = this.host.ctx.store
    const db = this.host.ctx.db
    const stats = this.host.ctx.stats
    return () => {
      const out: AqlValue[] = []
      for (const d of store.scan(db, name)) {
        stats.scannedFull++
        out.push(d as AqlValue)
      }
      return out
    }
  }

  private call(e: Extract<Expr, { type: 'call' }>, sc: Scope): Fn {
    const name = e.name.toUpperCase()
    const isCollArg = (a: Expr) => (a.type === 'name' && sc.get(a.name) === undefined) || a.type === 'dsparam'
    const collArgName = (a: Expr) =>
      a.type === 'name' ? a.name : (this.host.bind['@' + (a as { name: string }).name] as string)
    // LENGTH(coll) / COUNT(coll) count without reading the documents
    if (
      (name === 'LENGTH' || name === 'COUNT' || name === 'COLLECTION_COUNT') &&
      e.args.length === 1 &&
      isCollArg(e.args[0]!)
    ) {
      const coll = collArgName(e.args[0]!)
      this.host.requireColl(coll)
      const store = this.host.ctx.store
      const db = this.host.ctx.db
      return () => store.count(db, coll)
    }
    if (name === 'CALL' || name === 'APPLY') return this.dynamicCall(name, e, sc)
    if (name.includes('::')) return this.userCall(name, e, sc)
    const def = this.host.lib.functions[name]
    if (!def) {
      if (this.host.lib.unsupported.has(name)) throw notImplemented(`AQL function ${name}()`)
      throw arangoError(
        'QUERY_FUNCTION_NAME_UNKNOWN',
        `usage of unknown function '${name}()' (while parsing)`,
      )
    }
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      const max = def.maxArgs === Infinity ? 65536 : def.maxArgs
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
        `invalid number of arguments for function '${name}()', expected number of arguments: minimum: ${def.minArgs}, maximum: ${max} (while parsing)`,
      )
    }
    const args = e.args.map((a) => {
      if (COLLECTION_NAME_FUNCTIONS.has(name) && isCollArg(a)) {
        const n = collArgName(a)
        return () => n
      }
      return this.expr(a, sc)
    })
    const ctx = this.host.ctx
    const fn = def.fn
    if (args.length === 1) {
      const a0 = args[0]!
      return (f) => fn(ctx, [a0(f)])
    }
    if (args.length === 2) {
      const a0 = args[0]!
      const a1 = args[1]!
      return (f) => fn(ctx, [a0(f), a1(f)])
    }
    return (f) =>
      fn(
        ctx,
        args.map((a) => a(f)),
      )
  }
}
