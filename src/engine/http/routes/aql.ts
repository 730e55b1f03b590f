/**
 * AQL over REST: /_api/cursor (create, next batch by id or by batch id, deprecated PUT, delete),
 * /_api/explain and /_api/query (parse), shaped as ArangoDB 3.12 answers them (ENGINE-SPEC §2, §7).
 * Cursor requests run in a query worker (the HTTP thread forwards them, pool/query-pool.ts), on
 * the worker's cursor manager; explain and parse compile without executing and run anywhere.
 */
import { arangoError } from '../../errors.js'
import { explainQuery, parseForApi } from '../../aql/explain.js'
import { ok, type RequestContext, type RouteResponse, type Router } from '../router.js'

function body(ctx: RequestContext): unknown {
  return ctx.json()
}

export function registerAqlRoutes(router: Router): void {
  router.add('POST', '/_api/cursor', async (ctx) => {
    const out = await ctx.engine.cursors.create(() => ctx.store, ctx.db, body(ctx), {
      user: ctx.user,
      assigned: ctx.assignedQuery,
      inTransaction: ctx.trxId !== undefined,
    })
    // a cursor created inside a stream transaction goes when the transaction ends
    const trx = ctx.trxId
    if (trx !== undefined && typeof out.id === 'string') ctx.engine.transactions.noteCursor(trx, out.id)
    return { status: 201, body: out }
  })
  router.add('PUT', '/_api/cursor', () => {
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting POST /_api/cursor/<cursor-id>')
  })
  const nextBatch = (ctx: RequestContext, batchId?: string): RouteResponse => {
    const out = ctx.engine.cursors.next(ctx.db, ctx.params.id!, batchId)
    // a batch read ahead comes with its rows' JSON made then (CursorManager.serialized)
    return { status: 200, body: out, raw: ctx.engine.cursors.serialized(out) }
  }
  router.add(['POST', 'PUT'], '/_api/cursor/:id', (ctx) => nextBatch(ctx))
  router.add('POST', '/_api/cursor/:id/:batchId', (ctx) => nextBatch(ctx, ctx.params.batchId))
  router.add('DELETE', '/_api/cursor/:id', (ctx) => ({
    status: 202,
    body: ctx.engine.cursors.remove(ctx.db, ctx.params.id!),
  }))
  router.add('POST', '/_api/explain', async (ctx) =>
    ok(200, await explainQuery(ctx.store, ctx.db, body(ctx))),
  )
  router.add('POST', '/_api/query', (ctx) => ok(200, parseForApi(body(ctx))))
}
