/**
 * What drivers read from every answer and what monitoring scrapes: the `x-arango-queue-time-seconds`
 * header (arangojs' `db.queueTime`) and GET /_admin/metrics/v2 in Prometheus text, with ArangoDB
 * 3.12's metric names (Documentation/Metrics in arangod).
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('queue time header and metrics', () => {
  const target = useTestTarget()
  const headers = (): Record<string, string> =>
    target.password === undefined
      ? {}
      : { authorization: 'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64') }

  async function scrape(): Promise<Map<string, number>> {
    const res = await fetch(`${target.url}/_admin/metrics/v2`, { headers: headers() })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const values = new Map<string, number>()
    for (const line of (await res.text()).split('\n')) {
      if (line === '' || line.startsWith('#')) continue
      const sp = line.lastIndexOf(' ')
      values.set(line.slice(0, sp), Number(line.slice(sp + 1)))
    }
    return values
  }

  it('sends x-arango-queue-time-seconds on every answer, errors included (arangojs reads it)', async () => {
    await target.db.version()
    const latest = target.db.queueTime.getLatest()
    expect(typeof latest).toBe('number')
    expect(latest).toBeGreaterThanOrEqual(0)
    const res = await fetch(`${target.url}/_api/nope`, { headers: headers() })
    expect(res.status).toBe(404)
    expect(Number(res.headers.get('x-arango-queue-time-seconds'))).toBeGreaterThanOrEqual(0)
  })

  it('counts requests by method, with request-time histograms', async () => {
    const before = await scrape()
    const col = await target.db.createCollection('m')
    await col.save({ a: 1 })
    await col.save({ a: 2 })
    for (let i = 0; i < 5; i++) await target.db.version()
    const after = await scrape()
    const d = (k: string) => (after.get(k) ?? NaN) - (before.get(k) ?? 0)
    expect(d('arangodb_http_request_statistics_total_requests_total')).toBeGreaterThanOrEqual(8)
    expect(d('arangodb_http_request_statistics_http_get_requests_total')).toBeGreaterThanOrEqual(5)
    expect(d('arangodb_http_request_statistics_http_post_requests_total')).toBeGreaterThanOrEqual(3)
    const count = after.get('arangodb_client_connection_statistics_total_time_count')!
    expect(after.get('arangodb_client_connection_statistics_total_time_bucket{le="+Inf"}')).toBe(count)
    expect(after.get('arangodb_client_connection_statistics_total_time_sum')).toBeGreaterThan(0)
    expect(after.get('arangodb_client_connection_statistics_request_time_count')).toBe(count)
    expect(after.get('arangodb_client_connection_statistics_client_connections')).toBeGreaterThanOrEqual(1)
  })

  it('shows open stream transactions and cursors', async () => {
    await target.db.createCollection('t')
    const trx = await target.db.beginTransaction({ read: 't' })
    const cursor = await target.db.query('FOR i IN 1..10 RETURN i', {}, { batchSize: 2 })
    let m = await scrape()
    expect(m.get('graphpipe_stream_transactions_running')).toBe(1)
    expect(m.get('arangodb_aql_cursors_active')).toBeGreaterThanOrEqual(1)
    const started = m.get('arangodb_transactions_started_total')!
    await trx.commit()
    await cursor.all()
    m = await scrape()
    expect(m.get('graphpipe_stream_transactions_running')).toBe(0)
    expect(m.get('arangodb_aql_cursors_active')).toBe(0)
    expect(m.get('arangodb_transactions_committed_total')).toBeGreaterThanOrEqual(1)
    expect(m.get('arangodb_transactions_started_total')).toBe(started)
  })
})
