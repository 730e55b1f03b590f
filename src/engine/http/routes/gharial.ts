/**
 * PLACEHOLDER owned by the gharial helper, who replaces this file. Contract (keep stable):
 * `export function registerGharialRoutes(router: Router): void` registers /_api/gharial and
 * everything below it (the server calls it once at startup; handlers get `ctx.store` and `ctx.db`).
 * Graphs are documents of the `_graphs` system collection, created with every database.
 */
import { unsupported, type Router } from '../router.js'

export function registerGharialRoutes(router: Router): void {
  const g = unsupported('the graph API (/_api/gharial)')
  router.add('*', '/_api/gharial', g)
  router.add('*', '/_api/gharial/*rest', g)
}
