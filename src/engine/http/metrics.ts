/**
 * The engine's metrics, served as Prometheus text by GET /_admin/metrics/v2 under ArangoDB 3.12's
 * names where ArangoDB has the metric (Documentation/Metrics/*.yaml in arangod:
 * arangodb_http_request_statistics_*, arangodb_client_connection_statistics_*,
 * arangodb_transactions_*, arangodb_aql_cursors_active), and the request queue time that every
 * answer carries in `x-arango-queue-time-seconds`.
 *
 * Other parts of the engine add their own with `registerGauge` / `registerCounter` (a function
 * read at scrape time), e.g. the query pool's running and slow queries.
 */

/** ArangoDB's request-time distribution cuts, seconds (its statistics' requestTimeDistribution). */
const TIME_BUCKETS = [0.01, 0.05, 0.1, 0.2, 0.5, 1]

class Histogram {
  readonly counts = new Array<number>(TIME_BUCKETS.length).fill(0)
  count = 0
  sum = 0

  observe(v: number): void {
    this.count++
    this.sum += v
    for (let i = 0; i < TIME_BUCKETS.length; i++) if (v <= TIME_BUCKETS[i]!) this.counts[i]!++
  }
}

interface Read {
  name: string
  help: string
  type: 'gauge' | 'counter'
  fn: () => number
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch', 'head', 'options']

export class Metrics {
  private readonly reads: Read[] = []
  private readonly byMethod = new Map<string, number>()
  private other = 0
  private total = 0
  private readonly totalTime = new Histogram()
  private readonly requestTime = new Histogram()
  private readonly queueTime = new Histogram()
  private lastQueue = 0
  /** Open client connections (the server counts them). */
  connections = 0

  /** A gauge read when metrics are scraped; names must be unique. */
  registerGauge(name: string, help: string, fn: () => number): void {
    this.add({ name, help, type: 'gauge', fn })
  }

  /** A counter read when metrics are scraped (a monotonic total kept by its owner). */
  registerCounter(name: string, help: string, fn: () => number): void {
    this.add({ name, help, type: 'counter', fn })
  }

  private add(r: Read): void {
    if (this.reads.some((x) => x.name === r.name)) throw new Error(`metric ${r.name} registered twice`)
    this.reads.push(r)
  }

  /**
   * The time a request waited between being read and being worked on, seconds. The HTTP server
   * notes it for every request; a stage that queues requests (a pool of query workers) notes the
   * time spent in its queue too. The latest value goes out in `x-arango-queue-time-seconds`.
   */
  noteQueueTime(seconds: number): void {
    this.lastQueue = seconds
    this.queueTime.observe(seconds)
  }

  /** The most recent request's queue time, seconds (ArangoDB sends its scheduler's latest dequeue time). */
  get latestQueueTime(): number {
    return this.lastQueue
  }

  /** One answered request: `totalSeconds` from arrival to answer, `requestSeconds` in the handler. */
  observeRequest(method: string, totalSeconds: number, requestSeconds: number): void {
    this.total++
    const m = method.toLowerCase()
    if (METHODS.includes(m)) this.byMethod.set(m, (this.byMethod.get(m) ?? 0) + 1)
    else this.other++
    this.totalTime.observe(totalSeconds)
    this.requestTime.observe(requestSeconds)
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = []
    const head = (name: string, help: string, type: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    const scalar = (name: string, help: string, type: string, v: number) => {
      head(name, help, type)
      out.push(`${name} ${fmt(v)}`)
    }
    const hist = (name: string, help: string, h: Histogram) => {
      head(name, help, 'histogram')
      TIME_BUCKETS.forEach((le, i) => out.push(`${name}_bucket{le="${le}"} ${h.counts[i]}`))
      out.push(
        `${name}_bucket{le="+Inf"} ${h.count}`,
        `${name}_count ${h.count}`,
        `${name}_sum ${fmt(h.sum)}`,
      )
    }
    scalar(
      'arangodb_http_request_statistics_total_requests_total',
      'Total number of HTTP requests',
      'counter',
      this.total,
    )
    for (const m of METHODS) {
      scalar(
        `arangodb_http_request_statistics_http_${m}_requests_total`,
        `Number of HTTP ${m.toUpperCase()} requests`,
        'counter',
        this.byMethod.get(m) ?? 0,
      )
    }
    scalar(
      'arangodb_http_request_statistics_other_http_requests_total',
      'Number of other HTTP requests',
      'counter',
      this.other,
    )
    scalar(
      'arangodb_client_connection_statistics_client_connections',
      'The number of client connections that are currently open',
      'gauge',
      this.connections,
    )
    hist(
      'arangodb_client_connection_statistics_total_time',
      'Total time needed to answer a request',
      this.totalTime,
    )
    hist(
      'arangodb_client_connection_statistics_request_time',
      'Request time needed to answer a request',
      this.requestTime,
    )
    hist(
      'arangodb_client_connection_statistics_queue_time',
      'Queue time needed to answer a request',
      this.queueTime,
    )
    for (const r of this.reads) {
      let v: number
      try {
        v = r.fn()
      } catch {
        continue // a failing reader must not break the scrape
      }
      scalar(r.name, r.help, r.type, v)
    }
    return out.join('\n') + '\n'
  }
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN'
}
