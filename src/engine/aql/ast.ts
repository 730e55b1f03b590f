/** Typed AST of an AQL query, as produced by parser.ts and consumed by executor.ts. */
import type { AqlValue } from './values.js'

export type Expr =
  | { type: 'value'; value: AqlValue }
  | { type: 'array'; items: Expr[] }
  | { type: 'object'; entries: { key: string | Expr; value: Expr }[] }
  /** A name: a variable when one is in scope, otherwise a collection (resolved by the executor). */
  | {
      type: 'name'
      name: string
      /** `{name}` in an object literal: where the token after it starts (1512 when unknown). */
      shorthandAt?: number
    }
  | { type: 'param'; name: string }
  /** `@@c` in an expression position: a collection named by a bind parameter. */
  | { type: 'dsparam'; name: string }
  | { type: 'attr'; obj: Expr; name: string }
  | { type: 'index'; obj: Expr; index: Expr }
  /**
   * `obj[*]` (depth 1) / `obj[**]` (depth 2, flattening once): `inner` maps each element (bound to
   * `CURRENT`) after the inline FILTER / LIMIT / RETURN.
   */
  | {
      type: 'expand'
      obj: Expr
      depth: number
      filter?: Expr
      limit?: { offset: Expr; count: Expr }
      ret?: Expr
      inner?: Expr
    }
  | { type: 'current' }
  | { type: 'unary'; op: '!' | '-' | '+'; arg: Expr }
  | { type: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { type: 'and'; left: Expr; right: Expr }
  | { type: 'or'; left: Expr; right: Expr }
  | { type: 'ternary'; cond: Expr; then: Expr | null; else: Expr }
  | { type: 'range'; from: Expr; to: Expr }
  | {
      type: 'quant'
      quant: 'ALL' | 'ANY' | 'NONE' | 'AT_LEAST'
      count?: Expr
      op: BinaryOp
      left: Expr
      right: Expr
    }
  | { type: 'call'; name: string; args: Expr[]; pos: number }
  | { type: 'subquery'; query: Query }

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'IN'
  | 'NOT IN'
  | 'LIKE'
  | 'NOT LIKE'
  | '=~'
  | '!~'

export type Direction = 'OUTBOUND' | 'INBOUND' | 'ANY'

/** Collection reference in FOR/modification position: a literal name or a `@@param`. */
export type CollRef = { name: string } | { param: string }

export interface GraphSpec {
  /** GRAPH 'name' / GRAPH @g / GRAPH @@g */
  graph?: Expr | CollRef
  /** Explicit edge collections, each with an optional own direction. */
  edgeColls?: { coll: CollRef; direction?: Direction }[]
}

/** Destructuring target (3.12): a variable name, `[a, , [b]]` or `{a, b: c, d: {e}}`. */
export type Pattern = string | null | { array: Pattern[] } | { object: { key: string; target: Pattern }[] }

export type Op =
  | { type: 'for'; var: string; in: Expr; options?: Expr; pos: number; destructure?: Pattern }
  | {
      type: 'traversal'
      vars: string[]
      min: Expr
      max: Expr
      direction: Direction
      start: Expr
      graph: GraphSpec
      prune?: { expr: Expr; var?: string }
      options?: Expr
    }
  | {
      type: 'path'
      kind: 'SHORTEST_PATH' | 'K_SHORTEST_PATHS' | 'K_PATHS' | 'ALL_SHORTEST_PATHS'
      vars: string[]
      min?: Expr
      max?: Expr
      direction: Direction
      start: Expr
      target: Expr
      graph: GraphSpec
      options?: Expr
    }
  | { type: 'let'; var: string; expr: Expr; destructure?: Pattern }
  | { type: 'filter'; expr: Expr }
  | { type: 'search'; pos: number }
  /**
   * `direction`: a bind parameter in the direction position (`SORT x @dir`); when present it
   * decides instead of `asc`, via parser.ts sortDirectionOf() of its bound value.
   */
  | { type: 'sort'; items: { expr: Expr; asc: boolean; direction?: Expr }[] }
  | { type: 'limit'; offset: Expr; count: Expr }
  | {
      type: 'collect'
      groups: { var: string; expr: Expr }[]
      aggregates: { var: string; fn: string; args: Expr[] }[]
      into?: { var: string; expr?: Expr }
      keep?: string[]
      count?: string
      options?: Expr
    }
  | {
      type: 'window'
      spec: Expr
      rangeExpr?: Expr
      aggregates: { var: string; fn: string; args: Expr[] }[]
    }
  | { type: 'return'; expr: Expr; distinct: boolean }
  | { type: 'insert'; doc: Expr; coll: CollRef; options?: Expr }
  | { type: 'update' | 'replace'; key?: Expr; doc: Expr; coll: CollRef; options?: Expr }
  | { type: 'remove'; key: Expr; coll: CollRef; options?: Expr }
  | {
      type: 'upsert'
      search: Expr
      /** UPSERT FILTER cond form: the condition over the variable */
      searchVar?: string
      insert: Expr
      update: Expr
      replace: boolean
      coll: CollRef
      options?: Expr
    }

export interface Query {
  ops: Op[]
}

export type ModificationOp = Extract<Op, { type: 'insert' | 'update' | 'replace' | 'remove' | 'upsert' }>

/**
 * The direct child expressions of `e`, in source order (a subquery's body is not among them) — the
 * order in which mapExprChildren calls its function, so the two can rebuild a node together.
 */
export function exprChildren(e: Expr): Expr[] {
  switch (e.type) {
    case 'array':
      return e.items
    case 'object':
      return e.entries.flatMap((en) => (typeof en.key === 'string' ? [en.value] : [en.key, en.value]))
    case 'attr':
      return [e.obj]
    case 'index':
      return [e.obj, e.index]
    case 'expand':
      return [e.obj, e.filter, e.limit?.offset, e.limit?.count, e.ret, e.inner].filter(isExpr)
    case 'unary':
      return [e.arg]
    case 'quant':
      return [e.count, e.left, e.right].filter(isExpr)
    case 'binary':
    case 'and':
    case 'or':
      return [e.left, e.right]
    case 'ternary':
      return [e.cond, e.then, e.else].filter(isExpr)
    case 'range':
      return [e.from, e.to]
    case 'call':
      return e.args
    default:
      return []
  }
}

const isExpr = (x: Expr | null | undefined): x is Expr => x !== null && x !== undefined

/** The variables a data-modification operation introduces (Ast::createNodeInsert and friends). */
export function modificationVariables(op: ModificationOp): ('OLD' | 'NEW')[] {
  switch (op.type) {
    case 'remove':
      return ['OLD']
    case 'insert':
      // OLD only with an overwrite that can find one (overwrite: true or an overwriteMode)
      return insertOverwrites(op.options) ? ['NEW', 'OLD'] : ['NEW']
    default:
      return ['OLD', 'NEW']
  }
}

function insertOverwrites(options: Expr | undefined): boolean {
  if (options === undefined) return false
  if (options.type === 'value') {
    const o = options.value
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return false
    return o.overwrite === true || (typeof o.overwriteMode === 'string' && o.overwriteMode !== 'conflict')
  }
  if (options.type !== 'object') return false
  return options.entries.some(
    (e) =>
      (e.key === 'overwrite' && e.value.type === 'value' && e.value.value === true) ||
      (e.key === 'overwriteMode' &&
        e.value.type === 'value' &&
        typeof e.value.value === 'string' &&
        e.value.value !== 'conflict'),
  )
}

/** `e` with each direct child expression replaced by `f(child)` (the counterpart of exprChildren). */
export function mapExprChildren(e: Expr, f: (x: Expr) => Expr): Expr {
  const o = <T extends Expr | null | undefined>(x: T): T => (x ? (f(x) as T) : x)
  switch (e.type) {
    case 'array':
      return { ...e, items: e.items.map(f) }
    case 'object':
      return {
        ...e,
        entries: e.entries.map((en) => ({
          key: typeof en.key === 'string' ? en.key : f(en.key),
          value: f(en.value),
        })),
      }
    case 'attr':
      return { ...e, obj: f(e.obj) }
    case 'index':
      return { ...e, obj: f(e.obj), index: f(e.index) }
    case 'expand':
      return {
        ...e,
        obj: f(e.obj),
        filter: o(e.filter),
        limit: e.limit && { offset: f(e.limit.offset), count: f(e.limit.count) },
        ret: o(e.ret),
        inner: o(e.inner),
      }
    case 'unary':
      return { ...e, arg: f(e.arg) }
    case 'quant':
      return { ...e, count: o(e.count), left: f(e.left), right: f(e.right) }
    case 'binary':
    case 'and':
    case 'or':
      return { ...e, left: f(e.left), right: f(e.right) }
    case 'ternary':
      return { ...e, cond: f(e.cond), then: o(e.then), else: f(e.else) }
    case 'range':
      return { ...e, from: f(e.from), to: f(e.to) }
    case 'call':
      return { ...e, args: e.args.map(f) }
    default:
      return e
  }
}
