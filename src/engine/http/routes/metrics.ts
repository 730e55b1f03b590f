/**
 * GET /_admin/metrics/v2: the engine's metrics in Prometheus text (ArangoDB 3.12's metrics API),
 * and the engine-wide gauges and counters registered at start.
 */
import type { Metrics } from '../metrics.js'
import type { Router } from '../router.js'

export function registerMetricsRoutes(router: Router): void {
  router.add('GET', '/_admin/metrics/v2', (ctx) => ({
    status: 200,
    raw: ctx.engine.metrics.render(),
    headers: { 'content-type': 'text/plain; version=0.0.4' },
  }))
}

/** Transactions and cursors, under ArangoDB's names (Documentation/Metrics in arangod). */
export interface TransactionCounts {
  counts: { started: number; committed: number; aborted: number; expired: number }
  running: number
}

export function registerEngineMetrics(m: Metrics, trx: TransactionCounts, cursors: () => number): void {
  m.registerCounter(
    'arangodb_transactions_started_total',
    'Total number of started transactions',
    () => trx.counts.started,
  )
  m.registerCounter(
    'arangodb_transactions_committed_total',
    'Total number of committed transactions',
    () => trx.counts.committed,
  )
  m.registerCounter(
    'arangodb_transactions_aborted_total',
    'Total number of aborted transactions',
    () => trx.counts.aborted,
  )
  m.registerCounter(
    'arangodb_transactions_expired_total',
    'Total number of expired transactions',
    () => trx.counts.expired,
  )
  // ArangoDB has no gauge of open stream transactions; this one is the engine's own
  m.registerGauge(
    'graphpipe_stream_transactions_running',
    'Number of stream transactions currently running',
    () => trx.running,
  )
  m.registerGauge('arangodb_aql_cursors_active', 'Current number of active AQL query cursors', () =>
    cursors(),
  )
}
