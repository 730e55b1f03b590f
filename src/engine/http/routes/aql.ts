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

/** The store a cursor lives in: its stream transaction's, when it was created in one. */
function cursorStore(ctx: RequestContext): Store {
  return ctx.engine.transactions.storeOfCursor(ctx.params.id!) ?? ctx.store
}

/** Open cursors of a store (the metrics' arangodb_aql_cursors_active). */
export function activeCursors(store: Store): number {
  return managers.get(store)?.active ?? 0
}

function body(ctx: RequestContext): unknown {
  return ctx.json()
}

export function registerAqlRoutes(router: Router): void {
  router.add('POST', '/_api/cursor', async (ctx) => {
    const out = await cursors(ctx.store).create(ctx.db, body(ctx), ctx.user)
    // a cursor created inside a stream transaction reads its later batches there too
    const trx = ctx.trxId
    if (trx !== undefined && typeof out.id === 'string') ctx.engine.transactions.noteCursor(trx, out.id)
    return { status: 201, body: out }
  })
  router.add('PUT', '/_api/cursor', () => {
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting POST /_api/cursor/<cursor-id>')
  })
  router.add(['POST', 'PUT'], '/_api/cursor/:id', (ctx) => ({
    status: 200,
    body: cursors(cursorStore(ctx)).next(ctx.db, ctx.params.id!),
  }))
  router.add('POST', '/_api/cursor/:id/:batchId', (ctx) => ({
    status: 200,
    body: cursors(cursorStore(ctx)).next(ctx.db, ctx.params.id!, ctx.params.batchId),
  }))
  router.add('DELETE', '/_api/cursor/:id', (ctx) => ({
    status: 202,
    body: cursors(cursorStore(ctx)).remove(ctx.db, ctx.params.id!),
  }))
  router.add('POST', '/_api/explain', async (ctx) =>
    ok(200, await explainQuery(ctx.store, ctx.db, body(ctx))),
  )
  router.add('POST', '/_api/query', (ctx) => ok(200, parseForApi(body(ctx))))
}
