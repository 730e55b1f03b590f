/**
 * Calling user-defined AQL functions (`NS::NAME(...)`, and through CALL/APPLY) from a query.
 *
 * Definitions are read from the query's own store (`_aqlfunctions`, see ./catalog.ts) at the
 * first call of each name in a query, so a function registered or dropped through any
 * connection or thread is seen by the next query that runs anywhere. Compiled contexts are
 * cached per thread by name and code: a changed definition compiles anew, an unchanged one is
 * reused across queries.
 *
 * Errors as ArangoDB 3.12 raises them (arangod Aql/Expression.cpp invokeV8Function and
 * js/server/modules/@arangodb/aql.js FCALL_USER): an unknown function is 1582 when the call is
 * evaluated (not at parse time); a function that throws fails the query with 1583 "in function
 * 'NS::F()': user function runtime error: <stack>" when called directly, while through CALL or
 * APPLY (rethrowV8Exception false) the same error becomes a warning and the call returns null.
 * Running past the call time limit counts as throwing.
 */
import { DEFAULTS } from '../../../../config/defaults.js'
import { ArangoError, arangoError } from '../../../errors.js'
import type { AqlValue } from '../../values.js'
import type { FunctionContext } from '../types.js'
import { findUserFunction, type UserFunctionDef } from './catalog.js'
import { InvalidFunctionCode, SandboxedFunction } from './sandbox.js'

/** What the executor calls for a namespaced function name. */
export interface UserFunctionCaller {
  /** `name` uppercase; `via` set when reached through CALL()/APPLY(). */
  call(ctx: FunctionContext, name: string, args: AqlValue[], via?: 'CALL' | 'APPLY'): AqlValue
}

const MAX_COMPILED = 256
/**
 * Per thread: `db \0 name \0 code` -> its compiled context (insertion order = age). The database
 * is part of the key so that globals a function keeps never cross from one database to another.
 */
const compiled = new Map<string, SandboxedFunction>()

/** The compiled function; code that cannot be one is 1581 with the reason (arangod's test compile). */
function compile(db: string, def: UserFunctionDef, name: string): SandboxedFunction {
  const cacheKey = `${db}\0${name}\0${def.code}`
  const hit = compiled.get(cacheKey)
  if (hit && !hit.spoiled) return hit
  let fn: SandboxedFunction
  try {
    // ArangoDB evaluates the stored `(code\n)`
    fn = new SandboxedFunction(name, `(${def.code}\n)`, DEFAULTS.engine.userFunctionCallTimeoutMs)
  } catch (e) {
    if (e instanceof InvalidFunctionCode)
      throw arangoError('QUERY_FUNCTION_INVALID_CODE', `invalid user function code: ${e.message}`)
    throw e
  }
  compiled.delete(cacheKey)
  compiled.set(cacheKey, fn)
  if (compiled.size > MAX_COMPILED) compiled.delete(compiled.keys().next().value as string)
  return fn
}

/** Check code at registration (1581 when it is not a function). */
export function checkUserFunctionCode(db: string, def: UserFunctionDef): void {
  compile(db, def, def.name.toUpperCase())
}

/** Per query: the definitions it has looked up (null: not found). */
const perQuery = new WeakMap<FunctionContext, Map<string, UserFunctionDef | null>>()

function lookup(ctx: FunctionContext, name: string, via?: 'CALL' | 'APPLY'): UserFunctionDef {
  let seen = perQuery.get(ctx)
  if (!seen) perQuery.set(ctx, (seen = new Map()))
  let def = seen.get(name)
  if (def === undefined) {
    def = findUserFunction(ctx.store, ctx.db, name) ?? null
    seen.set(name, def)
  }
  if (!def) {
    // FCALL_USER's THROW(func, …): through CALL/APPLY the message names the calling function
    const prefix = via ? `in function '${via}()': ` : ''
    throw arangoError('QUERY_FUNCTION_NOT_FOUND', `${prefix}user function '${name}()' not found`)
  }
  return def
}

function runtimeError(name: string, detail: string): ArangoError {
  return arangoError(
    'QUERY_FUNCTION_RUNTIME_ERROR',
    `in function '${name}()': user function runtime error: ${detail}`,
  )
}

export const USER_FUNCTIONS: UserFunctionCaller = {
  call(ctx, name, args, via) {
    const def = lookup(ctx, name, via)
    // code stored directly into _aqlfunctions may not compile: 1581, as ArangoDB's reload answers
    const out = compile(ctx.db, def, name).call(args)
    for (const [code, message] of out.warnings) ctx.warn(code, message)
    if (out.ok) return out.value as AqlValue
    const err = runtimeError(name, out.message)
    if (!via) throw err
    ctx.warn(err.errorNum, `while invoking '${name}' via '${via}': ${err.message}`)
    return null
  },
}
