/**
 * Subqueries inside an expression become SubqueryNodes ahead of it, as arangod plans them ("Subqueries
 * that are used inside expressions are pulled out of these expressions and executed beforehand",
 * docs 3.12 "Subqueries"). Only those the expression would evaluate anyway are pulled out: one
 * under a ternary branch, the right side of AND/OR or an inline expansion (which may read
 * CURRENT) stays where it is and runs there, lazily, planned when its stage is built.
 */
import { exprChildren, mapExprChildren, type Expr, type Query } from '../ast.js'

/** `e` with each eagerly evaluated subquery replaced by the variable `pull` returns for it. */
export function pullSubqueries(e: Expr, pull: (q: Query) => string): Expr {
  const go = (x: Expr): Expr => pullSubqueries(x, pull)
  switch (e.type) {
    case 'subquery':
      return { type: 'name', name: pull(e.query) }
    // only the parts evaluated whenever the expression is: an expansion's input, the left side of
    // AND/OR, a ternary's condition
    case 'expand':
      return { ...e, obj: go(e.obj) }
    case 'and':
    case 'or':
      return { ...e, left: go(e.left) }
    case 'ternary':
      return { ...e, cond: go(e.cond) }
    default:
      return mapExprChildren(e, go)
  }
}

/** Does `e` contain a subquery anywhere (so that a rewrite is worth it)? Iterative: AND chains run deep. */
export function hasSubquery(e: Expr): boolean {
  const todo: Expr[] = [e]
  while (todo.length) {
    const x = todo.pop()!
    if (x.type === 'subquery') return true
    todo.push(...exprChildren(x))
  }
  return false
}
