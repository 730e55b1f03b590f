/**
 * --metrics-port (Prometheus text format 0.0.4) and --health-port (/healthz liveness, /readyz
 * readiness) on node:http. Tiny on purpose: no dependency for two GET routes.
 */
import http from 'node:http'

import { LATENCY_BUCKETS, type Consumer } from './consumer.js'

export function metricsText(consumer: Consumer, now = Date.now()): string {
  const s = consumer.stats
  const oldest = consumer.oldestUnacked()
  const lines: string[] = []
  const metric = (name: string, type: string, help: string, values: [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, v] of values) lines.push(`${name}${labels} ${v}`)
  }
  metric('graphpipe_consume_messages_total', 'counter', 'Messages by outcome.', [
    ['{outcome="received"}', s.received],
    ['{outcome="acked"}', s.acked],
    ['{outcome="nacked"}', s.nacked],
  ])
  metric('graphpipe_consume_windows_total', 'counter', 'Window writes committed.', [['', s.windows]])
  metric('graphpipe_consume_documents_total', 'counter', 'Documents written.', [
    ['{kind="vertex"}', s.vertices],
    ['{kind="edge"}', s.edges],
  ])
  metric('graphpipe_consume_dead_letters_total', 'counter', 'Messages or records dead-lettered.', [
    ['', s.deadLetters],
  ])
  metric(
    'graphpipe_late_messages_total',
    'counter',
    'Messages whose event time was older than what was already written minus --grace.',
    [['', s.late]],
  )
  metric(
    'graphpipe_consume_deletes_total',
    'counter',
    'Vertices and edges removed by deletes and unfollows.',
    [['', s.deletes]],
  )
  metric(
    'graphpipe_consume_event_time_fallbacks_total',
    'counter',
    'Messages without a parsable --event-time-attribute (publish time used).',
    [['', s.eventTimeFallbacks]],
  )
  metric('graphpipe_consume_write_retries_total', 'counter', 'Failed write attempts that were retried.', [
    ['', s.writeRetries],
  ])
  const buckets: [string, number][] = LATENCY_BUCKETS.map((le, i) => [
    `_bucket{le="${le}"}`,
    s.latencyCounts[i],
  ])
  buckets.push(['_bucket{le="+Inf"}', s.windows], ['_sum', +s.writeSeconds.toFixed(6)], ['_count', s.windows])
  lines.push(
    '# HELP graphpipe_consume_write_seconds Time to write one window, retries included.',
    '# TYPE graphpipe_consume_write_seconds histogram',
    ...buckets.map(([suffix, v]) => `graphpipe_consume_write_seconds${suffix} ${v}`),
  )
  metric(
    'graphpipe_consume_oldest_unacked_message_age_seconds',
    'gauge',
    'Age (by publish time) of the oldest message held unacked.',
    [['', oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000)]],
  )
  metric('graphpipe_consume_ready', 'gauge', '1 when consuming and writing normally.', [
    ['', s.state === 'ready' ? 1 : 0],
  ])
  return lines.join('\n') + '\n'
}

export interface Endpoints {
  /** The ports actually bound (0 asks the OS for a free one). */
  metricsPort?: number
  healthPort?: number
  close(): Promise<void>
}

function listen(port: number, host: string, handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const srv = http.createServer(handler)
    srv.once('error', reject)
    srv.listen(port, host, () => resolve(srv))
  })
}

/** Starts the requested endpoints; the same port may serve both. */
export async function startEndpoints(
  consumer: Consumer,
  opts: { metricsPort?: number; healthPort?: number; host?: string },
): Promise<Endpoints> {
  const host = opts.host ?? '0.0.0.0'
  const handler =
    (serveMetrics: boolean, serveHealth: boolean): http.RequestListener =>
    (req, res) => {
      const url = (req.url ?? '/').split('?')[0]
      const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
        res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' })
        res.end(body)
      }
      if (serveMetrics && url === '/metrics')
        return send(200, metricsText(consumer), 'text/plain; version=0.0.4; charset=utf-8')
      if (serveHealth && (url === '/healthz' || url === '/livez')) {
        const s = consumer.stats.state
        return s === 'stopped' ? send(503, 'stopped\n') : send(200, 'ok\n')
      }
      if (serveHealth && url === '/readyz') {
        const s = consumer.stats
        return s.state === 'ready'
          ? send(200, 'ready\n')
          : send(503, `${s.state}${s.lastError ? `: ${s.lastError}` : ''}\n`)
      }
      send(404, 'not found\n')
    }
  const servers: http.Server[] = []
  const portOf = (srv: http.Server): number => (srv.address() as { port: number }).port
  const out: Endpoints = {
    close: async () => {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
    },
  }
  if (opts.metricsPort !== undefined && opts.metricsPort === opts.healthPort) {
    const srv = await listen(opts.metricsPort, host, handler(true, true))
    servers.push(srv)
    out.metricsPort = out.healthPort = portOf(srv)
    return out
  }
  if (opts.metricsPort !== undefined) {
    const srv = await listen(opts.metricsPort, host, handler(true, false))
    servers.push(srv)
    out.metricsPort = portOf(srv)
  }
  if (opts.healthPort !== undefined) {
    const srv = await listen(opts.healthPort, host, handler(false, true))
    servers.push(srv)
    out.healthPort = portOf(srv)
  }
  return out
}
