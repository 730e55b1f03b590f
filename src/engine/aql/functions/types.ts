/**
 * Contract between the AQL executor (src/engine/aql/) and the function library
 * (src/engine/aql/functions/). The library's index.ts exports:
 *   FUNCTIONS: Record<string, AqlFunctionDef>   keyed by UPPERCASE name
 *   UNSUPPORTED_FUNCTIONS: ReadonlySet<string>  names ArangoDB 3.12 knows that the engine does not
 *                                               implement (executor answers 501 / errorNum 9 naming it)
 * A name in neither gives 1540 "usage of unknown function '<name>()'" from the executor.
 */
import type { Cancellation } from '../cancel.js'
import type { Store } from '../../storage/types.js'
import type { AqlValue } from '../values.js'

export interface FunctionContext {
  /** Record a warning in the query's `extra.warnings` (e.g. 1542 invalid argument type, 1562 division by zero). */
  warn(code: number, message: string): void
  store: Store
  db: string
  /** Wall-clock "now" fixed once per query (DATE_NOW and friends). */
  now: number
  /** The authenticated user (CURRENT_USER()); undefined when authentication is off. */
  user?: string
  /** The query's cancellation: SLEEP waits through it, so killing the query wakes it (the
   *  executor always sets it; absent only in contexts made for calling a function directly). */
  cancel?: Cancellation
}

export interface AqlFunctionDef {
  minArgs: number
  /** Infinity for variadic functions. Count mismatch -> 1541 from the executor. */
  maxArgs: number
  fn(ctx: FunctionContext, args: AqlValue[]): AqlValue
}
