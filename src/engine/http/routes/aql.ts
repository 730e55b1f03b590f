/**
 * AQL over REST: /_api/cursor (create, next batch by id or by batch id, deprecated PUT, delete),
 * /_api/explain and /_api/query (parse), shaped as ArangoDB 3.12 answers them (ENGINE-SPEC §2, §7).
 */
import { arangoError } from '../../errors.js'
import { CursorManager } from '../../aql/cursor.js'
import { explainQuery, parseForApi } from '../../aql/explain.js'
import type { Store } from '../../storage/types.js'
import { ok, type RequestContext, type Router } from '../router.js'

const managers = new WeakMap<Store, CursorManager>()
/** The engine's cursor manager (one per store), which also tracks its running queries. */
export function cursors(store: Store): CursorManager {
  let m = managers.get(store)
  if (!m) {
    m = new CursorManager(store)
    managers.set(store, m)
  }
  return m
}

function body(ctx: RequestContext): unknown {
  return ctx.json()
}

export function registerAqlRoutes(router: Router): void {
  router.add('POST', '/_api/cursor', async (ctx) => {
    const out = await cursors(ctx.store).create(ctx.db, body(ctx))
    return { status: 201, body: out }
  })
  router.add('PUT', '/_api/cursor', () => {
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting POST /_api/cursor/<cursor-id>')
  })
  router.add(['POST', 'PUT'], '/_api/cursor/:id', (ctx) => ({
    status: 200,
    body: cursors(ctx.store).next(ctx.db, ctx.params.id!),
  }))
  router.add('POST', '/_api/cursor/:id/:batchId', (ctx) => ({
    status: 200,
    body: cursors(ctx.store).next(ctx.db, ctx.params.id!, ctx.params.batchId),
  }))
  router.add('DELETE', '/_api/cursor/:id', (ctx) => ({
    status: 202,
    body: cursors(ctx.store).remove(ctx.db, ctx.params.id!),
  }))
  router.add('POST', '/_api/explain', async (ctx) =>
    ok(200, await explainQuery(ctx.store, ctx.db, body(ctx))),
  )
  router.add('POST', '/_api/query', (ctx) => ok(200, parseForApi(body(ctx))))
}
