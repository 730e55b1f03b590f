/** The function library the executor calls (src/engine/aql/functions/, its own area). */
import type { FunctionLibrary } from './executor.js'
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from './functions/index.js'
import { USER_FUNCTIONS } from './functions/user/index.js'

const LIBRARY: FunctionLibrary = {
  functions: FUNCTIONS,
  unsupported: UNSUPPORTED_FUNCTIONS,
  user: USER_FUNCTIONS,
}

export function functionLibrary(): FunctionLibrary {
  return LIBRARY
}

/** Kept async for callers written against the lazily loaded library. */
export async function loadFunctionLibrary(): Promise<FunctionLibrary> {
  return LIBRARY
}
