/**
 * Constant folding before planning, as arangod's AST optimization does it (Ast::validateAndOptimize,
 * not an optimizer rule: explain lists no rule for it): a call of a deterministic function whose
 * arguments are all constant becomes its value, so `RETURN IS_NULL(42)` plans `LET #1 = false`;
 * so do binary operators on constants (`1 + 1`) and arrays/objects that end up all constant. Bind
 * parameters count as constants: arangod injects their values into the AST first.
 * Functions that read data, have effects or vary between calls are left to run (the library's
 * `deterministic: false`, and the ones named below), and so is any call that throws: its error
 * belongs to the execution, as before.
 */
import { exprChildren, mapExprChildren, type Expr, type Op, type Query } from '../ast.js'
import type { FunctionLibrary, QueryContext } from '../context.js'
import { binaryOp } from '../expr/operators.js'
import { hasOwn, setKey } from '../expr/util.js'
import type { AqlValue } from '../values.js'

/** Evaluates a constant call or operator, or says `undefined` (not foldable). */
export interface Folder {
  /** A bind parameter's value: arangod injects them into the AST before optimizing it. */
  param(name: string): AqlValue | undefined
  call(name: string, args: AqlValue[]): AqlValue | undefined
  binary(op: Extract<Expr, { type: 'binary' }>['op'], a: AqlValue, b: AqlValue): AqlValue | undefined
}

/** Deterministic in the library's sense but with effects or data access: never folded. */
const NOT_FOLDED = new Set([
  'PASSTHRU',
  'NOEVAL',
  'FAIL',
  'ASSERT',
  'WARN',
  'SLEEP',
  'COLLECTIONS',
  'COLLECTION_COUNT',
  'SCHEMA_GET',
  'SCHEMA_VALIDATE',
  'CALL',
  'APPLY',
  'V8',
])

export function constantFolder(
  lib: FunctionLibrary,
  ctx: QueryContext,
  bind: Record<string, unknown>,
): Folder {
  const attempt = (f: () => AqlValue): AqlValue | undefined => {
    try {
      return f()
    } catch {
      return undefined
    }
  }
  return {
    param: (name) => (hasOwn(bind, name) ? ((bind[name] ?? null) as AqlValue) : undefined),
    call(name, args) {
      const upper = name.toUpperCase()
      const def = lib.functions[upper]
      if (!def || def.deterministic === false || NOT_FOLDED.has(upper)) return undefined
      if (args.length < def.minArgs || args.length > def.maxArgs) return undefined
      return attempt(() => def.fn(ctx, args))
    },
    binary: (op, a, b) => attempt(() => binaryOp(op, ctx)(a, b)),
  }
}

const isValue = (e: Expr): e is Extract<Expr, { type: 'value' }> => e.type === 'value'

/**
 * `e` with its constant parts folded, bottom-up. Iterative (an explicit stack instead of recursion):
 * a FILTER of thousands of AND-ed conditions is a chain that deep.
 */
export function foldExpr(root: Expr, f: Folder): Expr {
  interface Frame {
    e: Expr
    kids: Expr[]
    done: Expr[]
  }
  const open = (e: Expr): Frame => ({ e, kids: exprChildren(e), done: [] })
  const stack: Frame[] = [open(root)]
  let result: Expr = root
  while (stack.length) {
    const top = stack[stack.length - 1]!
    if (top.done.length < top.kids.length) {
      stack.push(open(top.kids[top.done.length]!))
      continue
    }
    stack.pop()
    // the children, folded, in the order mapExprChildren asks for them
    let k = 0
    const rebuilt = top.kids.length ? mapExprChildren(top.e, () => top.done[k++]!) : top.e
    const folded = foldNode(rebuilt, f)
    if (stack.length) stack[stack.length - 1]!.done.push(folded)
    else result = folded
  }
  return result
}

/** One node whose children are folded already. */
function foldNode(e: Expr, f: Folder): Expr {
  switch (e.type) {
    case 'param': {
      const v = f.param(e.name)
      return v === undefined ? e : { type: 'value', value: v }
    }
    case 'subquery':
      return { ...e, query: foldQuery(e.query, f) }
    case 'call': {
      if (!e.args.every(isValue)) return e
      const v = f.call(
        e.name,
        e.args.map((a) => a.value),
      )
      return v === undefined ? e : { type: 'value', value: v }
    }
    case 'binary': {
      if (!isValue(e.left) || !isValue(e.right)) return e
      const v = f.binary(e.op, e.left.value, e.right.value)
      return v === undefined ? e : { type: 'value', value: v }
    }
    case 'array':
      return e.items.every(isValue) ? { type: 'value', value: e.items.map((x) => x.value) } : e
    case 'object': {
      if (!e.entries.every((en) => typeof en.key === 'string' && isValue(en.value))) return e
      const o: Record<string, AqlValue> = {}
      for (const en of e.entries) setKey(o, en.key as string, (en.value as { value: AqlValue }).value)
      return { type: 'value', value: o }
    }
    default:
      return e
  }
}

/** Every expression of a query (and of its subqueries) folded. */
export function foldQuery(q: Query, f: Folder): Query {
  const x = (e: Expr) => foldExpr(e, f)
  const ops = q.ops.map((op): Op => {
    switch (op.type) {
      case 'let':
      case 'filter':
        return { ...op, expr: x(op.expr) }
      case 'return':
        return { ...op, expr: x(op.expr) }
      case 'for':
        return { ...op, in: x(op.in) }
      default:
        return op
    }
  })
  return { ops }
}
