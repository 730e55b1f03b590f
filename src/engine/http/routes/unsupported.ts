import { unsupported, type Router } from '../router.js'

/** Features outside the engine's subset: 501 / errorNum 9 naming the feature (not a 404). */
const FEATURES: [string, string][] = [
  ['/_api/view', 'views (/_api/view)'],
  ['/_api/analyzer', 'analyzers (/_api/analyzer)'],
  ['/_api/user', 'users (/_api/user)'],
  ['/_api/foxx', 'Foxx services (/_api/foxx)'],
  ['/_api/job', 'async jobs (/_api/job)'],
  ['/_api/batch', 'batch requests (/_api/batch)'],
  ['/_api/replication', 'replication (/_api/replication)'],
  ['/_api/wal', 'the write-ahead log API (/_api/wal)'],
  ['/_api/tasks', 'tasks (/_api/tasks)'],
  ['/_api/simple', 'simple queries (/_api/simple)'],
  ['/_api/traversal', 'the traversal API (/_api/traversal)'],
  ['/_api/query-cache', 'the query cache (/_api/query-cache)'],
  ['/_api/cluster', 'cluster APIs (/_api/cluster)'],
  ['/_api/backup', 'hot backups (/_api/backup)'],
  ['/_admin', 'administration APIs (/_admin)'],
]

export function registerUnsupportedRoutes(router: Router): void {
  for (const [prefix, feature] of FEATURES) {
    router.add('*', prefix, unsupported(feature))
    router.add('*', prefix + '/*rest', unsupported(feature))
  }
}
