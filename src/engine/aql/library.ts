/** The function library the executor calls (src/engine/aql/functions/, its own area). */
import type { FunctionLibrary } from './executor.js'
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions/index.js'
import { USER_FUNCTIONS } from './functions/user/index.js'

export const FUNCTION_LIBRARY: FunctionLibrary = {
  functions: FUNCTIONS,
  unsupported: UNSUPPORTED_FUNCTIONS,
  user: USER_FUNCTIONS,
}
