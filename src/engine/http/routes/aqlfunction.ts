/**
 * /_api/aqlfunction: user-defined AQL functions (3.12 manual, "HTTP interface for user-defined
 * AQL functions"; arangod RestAqlUserFunctionsHandler.cpp for the errors). The functions live in
 * the database's `_aqlfunctions` collection (src/engine/aql/functions/user/catalog.ts).
 */
import { ArangoError, arangoError } from '../../errors.js'
import {
  listUserFunctions,
  registerUserFunction,
  unregisterUserFunction,
  unregisterUserFunctionGroup,
  validateRegistration,
} from '../../aql/functions/user/catalog.js'
import { checkUserFunctionCode } from '../../aql/functions/user/index.js'
import { ok, type RequestContext, type Router } from '../router.js'

const SUPERFLUOUS_SUFFIX = 601

function superfluous(expecting: string): ArangoError {
  return new ArangoError(SUPERFLUOUS_SUFFIX, 400, `superfluous suffix, expecting ${expecting}`)
}

function bodyObject(ctx: RequestContext): Record<string, unknown> {
  const b = ctx.json()
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw arangoError('TYPE_ERROR', 'expecting JSON object body')
  return b as Record<string, unknown>
}

export function registerAqlFunctionRoutes(router: Router): void {
  router.add('POST', '/_api/aqlfunction', (ctx) => {
    const def = validateRegistration(bodyObject(ctx))
    checkUserFunctionCode(ctx.db, def)
    const isNew = registerUserFunction(ctx.store, ctx.db, def)
    const status = isNew ? 201 : 200
    return ok(status, { isNewlyCreated: isNew })
  })
  router.add('GET', '/_api/aqlfunction', (ctx) => {
    const ns = ctx.q('namespace')
    return ok(200, { result: listUserFunctions(ctx.store, ctx.db, ns) })
  })
  router.add('GET', '/_api/aqlfunction/:ns', (ctx) => {
    return ok(200, { result: listUserFunctions(ctx.store, ctx.db, ctx.params.ns) })
  })
  router.add('DELETE', '/_api/aqlfunction/:name', (ctx) => {
    const name = ctx.params.name ?? ''
    if (name === '') throw superfluous('_api/aqlfunction/<functionname or prefix>')
    if (ctx.bool('group'))
      return ok(200, { deletedCount: unregisterUserFunctionGroup(ctx.store, ctx.db, name) })
    unregisterUserFunction(ctx.store, ctx.db, name)
    return ok(200, { deletedCount: 1 })
  })
  router.add('DELETE', '/_api/aqlfunction', () => {
    throw superfluous('_api/aqlfunction/<functionname or prefix>')
  })
  router.add(['GET', 'POST', 'DELETE'], '/_api/aqlfunction/*rest', () => {
    throw superfluous('_api/aqlfunction/<functionname or prefix>')
  })
}
