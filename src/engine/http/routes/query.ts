/**
 * Query tracking over REST as ArangoDB 3.12 ("HTTP interface for AQL queries"):
 * GET /_api/query/current and /_api/query/slow (arrays of query descriptions), DELETE
 * /_api/query/slow (200 {error:false, code:200}), GET and PUT /_api/query/properties, and
 * DELETE /_api/query/{id} to kill a running query (200; 404 errorNum 1591 "query ID not found").
 */
import { ok, type Router } from '../router.js'

export function registerQueryRoutes(router: Router): void {
  router.add('GET', '/_api/query/current', (ctx) => ({
    status: 200,
    body: ctx.engine.queries.current(ctx.db),
  }))
  router.add('GET', '/_api/query/slow', (ctx) => ({
    status: 200,
    body: ctx.engine.queries.slowQueries(ctx.db),
  }))
  router.add('DELETE', '/_api/query/slow', (ctx) => {
    ctx.engine.queries.clearSlow(ctx.db)
    return { status: 200, body: { error: false, code: 200 } }
  })
  // both answer {error:false, code:200, ...properties} (RestQueryHandler::readQueryProperties)
  router.add('GET', '/_api/query/properties', (ctx) => ok(200, { ...ctx.engine.queries.properties() }))
  router.add('PUT', '/_api/query/properties', (ctx) =>
    ok(200, { ...ctx.engine.queries.setProperties(ctx.json()) }),
  )
  router.add('DELETE', '/_api/query/:id', (ctx) => {
    ctx.engine.queries.kill(ctx.db, ctx.params.id!)
    return { status: 200, body: { error: false, code: 200 } }
  })
}
