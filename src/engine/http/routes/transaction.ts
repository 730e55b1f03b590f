/**
 * Stream transactions over REST (ArangoDB 3.12 manual, develop/http-api/transactions/
 * stream-transactions): begin, status, commit, abort and the list of running ones. JavaScript
 * transactions (POST /_api/transaction with an `action`) need a JavaScript server: 501.
 */
import { notImplemented } from '../../errors.js'
import { parseBeginBody } from '../../storage/stream-transactions.js'
import { ok, type Router } from '../router.js'

export function registerTransactionRoutes(router: Router): void {
  router.add('POST', '/_api/transaction/begin', async (ctx) => {
    const t = await ctx.engine.transactions.begin(ctx.db, parseBeginBody(ctx.json()))
    return ok(201, { result: { id: t.id, status: t.status } })
  })
  router.add('GET', '/_api/transaction', (ctx) => ({
    status: 200,
    body: { transactions: ctx.engine.transactions.list(ctx.db) },
  }))
  router.add('GET', '/_api/transaction/:id', (ctx) => {
    const id = ctx.params.id!
    return ok(200, { result: { id, status: ctx.engine.transactions.status(ctx.db, id) } })
  })
  router.add('PUT', '/_api/transaction/:id', (ctx) => {
    const id = ctx.params.id!
    return ok(200, { result: { id, status: ctx.engine.transactions.end(ctx.db, id, 'committed') } })
  })
  router.add('DELETE', '/_api/transaction/:id', (ctx) => {
    const id = ctx.params.id!
    return ok(200, { result: { id, status: ctx.engine.transactions.end(ctx.db, id, 'aborted') } })
  })
  router.add('POST', '/_api/transaction', () => {
    throw notImplemented('JavaScript transactions (POST /_api/transaction with an action)')
  })
}
