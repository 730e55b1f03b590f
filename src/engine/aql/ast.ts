/** Typed AST of an AQL query, as produced by parser.ts and consumed by executor.ts. */
import type { AqlValue } from './values.js'

export type Expr =
  | { type: 'value'; value: AqlValue }
  | { type: 'array'; items: Expr[] }
  | { type: 'object'; entries: { key: string | Expr; value: Expr }[] }
  /** A name: a variable when one is in scope, otherwise a collection (resolved by the executor). */
  | { type: 'name'; name: string }
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
