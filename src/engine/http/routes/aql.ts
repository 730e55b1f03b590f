/**
 * PLACEHOLDER owned by the AQL helper, who replaces this file. Contract (keep stable):
 * `export function registerAqlRoutes(router: Router): void` registers /_api/cursor,
 * /_api/explain and /_api/query (the server calls it once at startup; handlers get
 * `ctx.store`, a `SqliteStore` implementing `Store` from ../../storage/types.js, and `ctx.db`).
 */
import { unsupported, type Router } from '../router.js'

export function registerAqlRoutes(router: Router): void {
  const aql = unsupported('AQL (/_api/cursor)')
  router.add('*', '/_api/cursor', aql)
  router.add('*', '/_api/cursor/*rest', aql)
  router.add('*', '/_api/explain', unsupported('AQL explain (/_api/explain)'))
  router.add('*', '/_api/query', unsupported('AQL parse (/_api/query)'))
  router.add('*', '/_api/query/*rest', unsupported('AQL query tracking (/_api/query)'))
}
