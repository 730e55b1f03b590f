/**
 * The function library the executor calls (src/engine/aql/functions/index.ts, built by its own
 * area). Loaded once, asynchronously, so the executor stays usable while that module is absent.
 */
import type { AqlFunctionDef } from './functions/types.js'
import type { FunctionLibrary } from './executor.js'

let cached: FunctionLibrary | null = null

export async function loadFunctionLibrary(): Promise<FunctionLibrary> {
  if (cached) return cached
  const path = './functions/index.js'
  try {
    const mod = (await import(path)) as {
      FUNCTIONS: Record<string, AqlFunctionDef>
      UNSUPPORTED_FUNCTIONS: ReadonlySet<string>
    }
    cached = { functions: mod.FUNCTIONS, unsupported: mod.UNSUPPORTED_FUNCTIONS }
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e
    cached = { functions: {}, unsupported: new Set() }
  }
  return cached
}
