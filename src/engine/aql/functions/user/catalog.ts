/**
 * User-defined AQL functions where ArangoDB keeps them: documents of the `_aqlfunctions` system
 * collection of each database, `{_key: NAME (uppercase), name, code: "(" + code + "\n)",
 * isDeterministic}` (arangod VocBase/Methods/AqlUserFunctions.cpp). Living in the database, they
 * are seen by every connection and thread that runs queries; nothing is kept in memory here.
 */
import { arangoError } from '../../../errors.js'
import type { Store } from '../../../storage/types.js'

export const USER_FUNCTIONS_COLLECTION = '_aqlfunctions'

/** A name to register: not starting with `_`, at least one `::` (AqlUserFunctions.cpp funcRegEx). */
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_]*(::[a-zA-Z0-9_]+)+$/
/** A name or namespace to delete by (funcFilterRegEx, less strict). */
const FILTER = /^[a-zA-Z0-9_]+(::[a-zA-Z0-9_]*)*$/

export interface UserFunctionDef {
  name: string
  /** As the client sent it (the stored form without ArangoDB's surrounding parentheses). */
  code: string
  isDeterministic: boolean
}

interface StoredFunction {
  _key: string
  name?: unknown
  code?: unknown
  isDeterministic?: unknown
}

/** `NS` or `NS::` -> `NS::`, uppercase: the prefix of every function in that namespace. */
function namespacePrefix(ns: string): string {
  const uc = ns.toUpperCase()
  return uc.endsWith('::') ? uc : uc + '::'
}

/** The stored `(code\n)` as ArangoDB lists it: without the parentheses, trimmed. */
function listedCode(stored: string): string {
  return stored.slice(1, -1).trim()
}

function fromStored(d: StoredFunction): UserFunctionDef | undefined {
  // ArangoDB skips malformed documents of the collection (toArrayUserFunctions)
  if (typeof d.name !== 'string' || typeof d.code !== 'string' || d.code.length <= 2) return undefined
  return { name: d.name, code: listedCode(d.code), isDeterministic: d.isDeterministic === true }
}

function all(store: Store, db: string): StoredFunction[] {
  if (!store.getCollection(db, USER_FUNCTIONS_COLLECTION)) return []
  return [...store.scan(db, USER_FUNCTIONS_COLLECTION)] as StoredFunction[]
}

/** The function named `name` (any case), or undefined. */
export function findUserFunction(store: Store, db: string, name: string): UserFunctionDef | undefined {
  if (!store.getCollection(db, USER_FUNCTIONS_COLLECTION)) return undefined
  const d = store.get(db, USER_FUNCTIONS_COLLECTION, name.toUpperCase()) as StoredFunction | undefined
  return d && fromStored(d)
}

/** Every function, or those of namespace `ns` (and its sub-namespaces). */
export function listUserFunctions(store: Store, db: string, ns?: string): UserFunctionDef[] {
  const prefix = ns ? namespacePrefix(ns) : ''
  return all(store, db)
    .filter((d) => d._key.startsWith(prefix))
    .map(fromStored)
    .filter((d): d is UserFunctionDef => d !== undefined)
}

/** Check a registration body as arangod does, in its order; returns the function to store. */
export function validateRegistration(body: Record<string, unknown>): UserFunctionDef {
  const name = body.name
  if (typeof name !== 'string')
    throw arangoError('QUERY_FUNCTION_INVALID_NAME', 'function name has to be provided as a string')
  if (name === '')
    throw arangoError('QUERY_FUNCTION_INVALID_NAME', 'function name has to be provided and must not be empty')
  if (!NAME.test(name))
    throw arangoError(
      'QUERY_FUNCTION_INVALID_NAME',
      `error creating AQL user function: '${name}' is not a valid name`,
    )
  const code = body.code
  if (typeof code !== 'string' || code === '')
    throw arangoError('QUERY_FUNCTION_INVALID_CODE', 'expecting string with function definition')
  return { name, code, isDeterministic: body.isDeterministic === true }
}

/** Store `def` (replacing a function of the same name); true when it was new. */
export function registerUserFunction(store: Store, db: string, def: UserFunctionDef): boolean {
  return store.transaction(
    () => {
      if (!store.getCollection(db, USER_FUNCTIONS_COLLECTION))
        store.createCollection(db, USER_FUNCTIONS_COLLECTION, { isSystem: true })
      const r = store.insert(
        db,
        USER_FUNCTIONS_COLLECTION,
        {
          _key: def.name.toUpperCase(),
          name: def.name,
          code: `(${def.code}\n)`,
          isDeterministic: def.isDeterministic,
        },
        { overwriteMode: 'replace', waitForSync: true },
      )
      return r.old === null
    },
    { sync: true },
  )
}

function checkFilter(name: string): void {
  if (name === '' || !FILTER.test(name))
    throw arangoError(
      'QUERY_FUNCTION_INVALID_NAME',
      `error deleting AQL user function: '${name}' contains invalid characters`,
    )
}

/** Delete the function `name` (1582 when there is none). */
export function unregisterUserFunction(store: Store, db: string, name: string): void {
  checkFilter(name)
  const key = name.toUpperCase()
  if (!store.getCollection(db, USER_FUNCTIONS_COLLECTION) || !store.get(db, USER_FUNCTIONS_COLLECTION, key))
    throw arangoError('QUERY_FUNCTION_NOT_FOUND', `no AQL user function with name '${name}' found`)
  store.remove(db, USER_FUNCTIONS_COLLECTION, key, { waitForSync: true })
}

/** Delete every function of namespace `ns`; the number deleted (0 is no error). */
export function unregisterUserFunctionGroup(store: Store, db: string, ns: string): number {
  checkFilter(ns)
  const prefix = namespacePrefix(ns)
  return store.transaction(
    () => {
      // arangod compares UPPER(LEFT(fn.name, n)), the stored name, not the key
      const doomed = all(store, db).filter(
        (d) => typeof d.name === 'string' && d.name.toUpperCase().startsWith(prefix),
      )
      for (const d of doomed) store.remove(db, USER_FUNCTIONS_COLLECTION, d._key)
      return doomed.length
    },
    { sync: true },
  )
}
