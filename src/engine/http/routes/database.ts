import { isObject } from '../../../objects.js'
import { arangoError } from '../../errors.js'
import { ok, type RequestContext, type Router } from '../router.js'

function requireSystem(ctx: RequestContext): void {
  if (ctx.db !== '_system') throw arangoError('ARANGO_USE_SYSTEM_DATABASE')
}

export function registerDatabaseRoutes(router: Router): void {
  router.add('GET', '/_api/database/current', (ctx) =>
    ok(200, {
      result: {
        id: ctx.store.databaseId(ctx.db) ?? '0',
        name: ctx.db,
        isSystem: ctx.db === '_system',
        path: 'none',
      },
    }),
  )
  router.add('GET', '/_api/database/user', (ctx) => ok(200, { result: ctx.store.listDatabases() }))
  router.add('GET', '/_api/database', (ctx) => {
    requireSystem(ctx)
    return ok(200, { result: ctx.store.listDatabases() })
  })
  router.add('POST', '/_api/database', (ctx) => {
    requireSystem(ctx)
    const body = ctx.json()
    if (!isObject(body)) {
      throw arangoError('HTTP_BAD_PARAMETER', 'invalid database name')
    }
    const name = (body as Record<string, unknown>).name
    if (typeof name !== 'string') throw arangoError('ARANGO_DATABASE_NAME_INVALID')
    ctx.store.createDatabase(name)
    return ok(201, { result: true })
  })
  router.add('DELETE', '/_api/database/:name', (ctx) => {
    requireSystem(ctx)
    ctx.store.dropDatabase(ctx.params.name)
    return ok(200, { result: true })
  })
}
