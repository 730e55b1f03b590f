/**
 * ArangoDB 3.12's hard complexity limits of a query (manual, "Known limitations for AQL queries"):
 * expressions nest at most 500 levels (`1 + 2 + 3 + 4` is 3 levels deep), and the initial plan
 * has at most 4000 execution nodes. Past either, arangod refuses the query with errorNum 1524
 * ERROR_QUERY_TOO_MUCH_NESTING "too much nesting or too many objects" (lib/Basics/errors.dat;
 * tests/Aql/QueryLimitsTest.cpp asserts that number for `FILTER x` repeated maxPlanNodes times and
 * for `RETURN 0 + 1 + … + 500`). Here the limits also keep the recursive parser, the expression
 * compiler and the stage pipeline far from the JavaScript stack's end: without them a few
 * thousand FILTERs or nested parentheses overflowed it (errorNum 4 "Maximum call stack size").
 */
import { ArangoError } from '../errors.js'

/** Nesting levels an expression may have (Ast::maxExpressionNesting). */
export const MAX_EXPRESSION_NESTING = 500
/** Execution nodes the initial plan may have (ExecutionPlan::maxPlanNodes). */
export const MAX_PLAN_NODES = 4000

export function tooMuchNesting(): ArangoError {
  return new ArangoError(1524, 400, 'too much nesting or too many objects')
}

/**
 * Refuses an AST (any tree of `{type, …}` nodes) nested deeper than MAX_EXPRESSION_NESTING.
 * Iterative, so it measures trees the recursive passes after it could not.
 */
export function checkNesting(root: unknown): void {
  const stack: [unknown, number][] = [[root, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (Array.isArray(v)) {
      for (const x of v) stack.push([x, d])
      continue
    }
    const depth = typeof (v as { type?: unknown }).type === 'string' ? d + 1 : d
    if (depth > MAX_EXPRESSION_NESTING) throw tooMuchNesting()
    for (const x of Object.values(v)) if (typeof x === 'object') stack.push([x, depth])
  }
}

/**
 * Runs a recursive compile step (parse, plan, build) and answers a stack overflow in it as 1524:
 * the limits above keep nesting within what the passes handle, but how many frames the stack
 * holds depends on how far V8 has optimized them, so a cold parser can still run out inside
 * them. The passes are pure, so nothing is left half-done.
 */
export function withinStack<T>(compile: () => T): T {
  try {
    return compile()
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw tooMuchNesting()
    throw e
  }
}
