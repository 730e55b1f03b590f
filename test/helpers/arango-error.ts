import { ArangoError } from '../../src/engine/errors.js'

/** The errorNum of the ArangoError `fn` throws; undefined when it returns; other errors rethrown. */
export function errNum(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof ArangoError) return e.errorNum
    throw e
  }
  return undefined
}
