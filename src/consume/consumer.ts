/**
 * The consumer: receives messages from a Pub/Sub subscription, groups them into windows, writes
 * each window through the GraphWriter, and acks a message only after everything it produced is
 * committed. One write at a time: while a write runs (or retries through an outage), later
 * windows fill and flow control holds the stream, and the client keeps extending the leases.
 */
import { Duration, type SubscriberOptions } from '@google-cloud/pubsub'

import { premap, type Inbound } from './batch.js'
import type { Mapper } from '../mapping/mapping.js'
import { Windower, type Bucket, type WindowOptions } from './windows.js'
import type { GraphWriter } from './writer.js'
import { writeMessages, type WritePhases } from './txwriter.js'
import { parseEventTime } from '../mapping/mapping.js'

/** The part of a Pub/Sub Message the consumer uses. */
export interface MessageLike {
  id: string
  data: Buffer
  publishTime: Date
  attributes: Record<string, string>
  length: number
  ack(): void
  nack(): void
}

/** The part of a Pub/Sub Subscription the consumer uses (listening to 'message' starts the stream). */
export interface SubscriptionLike {
  on(event: 'message', listener: (m: MessageLike) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  removeAllListeners(event?: string): unknown
  close(): Promise<void>
}

export interface ConsumerOptions extends WindowOptions {
  /** Exit once no message arrived for `idleMs`. */
  drain?: boolean
  idleMs: number
  /** Exit after this many messages are written and acked; later ones are nacked for others. */
  maxMessages?: number
  edgeKey?: string[]
  /** How often due windows are checked (default: a tenth of the window, 50 ms to 1 s). */
  tickMs?: number
  /** Message attribute holding the event time (epoch ms or RFC 3339). */
  eventTimeAttribute?: string
  /** 'event-time' (last writer wins by event time, atomic windows) or 'none' (arrival order). */
  order?: 'event-time' | 'none'
  tombstoneTtlMs?: number
  /** Parse and map the next write's messages while the current one runs (default on). */
  prefetch?: boolean
}

export interface WindowReport {
  windowStart: string
  windowEnd: string
  messages: number
  vertices: number
  edges: number
  deadLetters: number
  writeMs: number
  /** From the oldest message's publish time to its commit. */
  lagMs: number
  /** Written before the window closed because it reached --max-batch / --max-batch-bytes. */
  early: boolean
  /** Event time older than what was already written minus --grace. */
  late: number
  /** Without a (parsable) --event-time-attribute: publish time used. */
  eventTimeFallbacks: number
  deletes: number
  /** Records whose writes lost, in full or in part, to newer ones already in the graph. */
  superseded: number
  /** Where an ordered write's time went (ms by step); not in --json's window lines. */
  phases?: WritePhases
}

export type StopReason = 'drained' | 'max-messages' | 'signal' | 'error'

export interface ConsumeSummary {
  reason: StopReason
  messages: number
  acked: number
  windows: number
  vertices: number
  edges: number
  deadLetters: number
  deletes: number
  late: number
  eventTimeFallbacks: number
  writeRetries: number
  elapsedMs: number
  messagesPerSecond: number
}

export type ConsumerState = 'starting' | 'ready' | 'retrying' | 'stopping' | 'stopped'

/** Messages parsed ahead per turn of the event loop (the Pub/Sub client's own work goes between). */
const PREFETCH_STEP = 100

/** Upper bounds (seconds) of the write-latency histogram. */
export const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

export class ConsumerStats {
  received = 0
  acked = 0
  nacked = 0
  windows = 0
  vertices = 0
  edges = 0
  deadLetters = 0
  deletes = 0
  late = 0
  eventTimeFallbacks = 0
  writeRetries = 0
  writeSeconds = 0
  latencyCounts = LATENCY_BUCKETS.map(() => 0)
  state: ConsumerState = 'starting'
  lastError?: string

  observeWrite(ms: number): void {
    const s = ms / 1000
    this.writeSeconds += s
    LATENCY_BUCKETS.forEach((le, i) => {
      if (s <= le) this.latencyCounts[i] += 1
    })
  }
}

/**
 * Subscriber settings that keep a full window from stalling the stream: room for the window
 * being written and the next one filling (2 x max-batch); leases extended for as long as a write
 * may retry; close() waits for our acks instead of nacking everything it holds.
 */
export function subscriberOptions(o: {
  maxBatch: number
  maxBatchBytes: number
  maxExtensionMs: number
  minAckDeadlineMs: number
}): SubscriberOptions {
  const extension = Duration.from({ milliseconds: o.maxExtensionMs })
  return {
    // The client starts at 10 s and renews shortly before expiry; a backlog of two windows under
    // load can outlast that and come back as redeliveries. A longer first lease avoids the churn.
    minAckDeadline: Duration.from({ milliseconds: o.minAckDeadlineMs }),
    flowControl: { maxMessages: 2 * o.maxBatch, maxBytes: 2 * o.maxBatchBytes, allowExcessMessages: true },
    maxExtensionTime: extension,
    closeOptions: { behavior: 'WAIT', timeout: extension },
  }
}

interface Held extends Inbound {
  bytes: number
  message: MessageLike
  fallback: boolean
}

export class Consumer {
  readonly stats = new ConsumerStats()
  private readonly windower: Windower<Held>
  private inflight: Held[] = []
  private seq = 0
  /** End of the latest window written on time: event times before it (minus grace) are late. */
  private watermark = -Infinity
  /** Last message received or write finished: --drain's idle clock. */
  private lastActivityAt = Date.now()
  private writing = false
  /** Messages to parse and map while the current write runs (`prefetch`), and how many are mapped ahead. */
  private ahead: Held[] = []
  /** Messages of committed writes whose acks are queued (`ackSoon`). */
  private toAck: Held[][] = []
  private aheadCount = 0
  private stepping = false
  private startedAt = Date.now()
  private stopReason?: StopReason
  private timer?: NodeJS.Timeout
  private wakeUp?: () => void
  private closing?: Promise<void>
  private fatal?: Error

  constructor(
    private readonly subscription: SubscriptionLike,
    private readonly mapper: Mapper,
    private readonly writer: GraphWriter,
    private readonly options: ConsumerOptions,
    private readonly events: { onWindow?: (r: WindowReport) => void; abort?: AbortController } = {},
  ) {
    this.windower = new Windower(options)
  }

  get stopping(): boolean {
    return this.stopReason !== undefined
  }

  /** Publish time (ms) of the oldest message received and not yet acked. */
  oldestUnacked(): number | undefined {
    let oldest: number | undefined
    for (const m of this.inflight) if (oldest === undefined || m.publishTime < oldest) oldest = m.publishTime
    for (const m of this.windower.items())
      if (oldest === undefined || m.publishTime < oldest) oldest = m.publishTime
    return oldest
  }

  /** Consumes until drained, max-messages, stop() or a fatal error; resolves with a summary. */
  async run(): Promise<ConsumeSummary> {
    this.startedAt = Date.now()
    this.lastActivityAt = this.startedAt
    const tickMs = this.options.tickMs ?? Math.min(1000, Math.max(50, Math.floor(this.options.windowMs / 10)))
    this.timer = setInterval(() => this.tick(), tickMs)
    this.subscription.on('message', (m) => this.onMessage(m))
    this.subscription.on('error', (err) => this.fail(err))
    this.stats.state = 'ready'
    try {
      await this.loop()
    } catch (err) {
      this.fail(err as Error)
    } finally {
      clearInterval(this.timer)
    }
    if (this.fatal) {
      await this.closeSubscription()
      throw this.fatal
    }
    await this.closeSubscription()
    this.stats.state = 'stopped'
    const elapsedMs = Date.now() - this.startedAt
    const s = this.stats
    return {
      reason: this.stopReason ?? 'signal',
      messages: s.received,
      acked: s.acked,
      windows: s.windows,
      vertices: s.vertices,
      edges: s.edges,
      deadLetters: s.deadLetters,
      deletes: s.deletes,
      late: s.late,
      eventTimeFallbacks: s.eventTimeFallbacks,
      writeRetries: s.writeRetries,
      elapsedMs,
      messagesPerSecond: elapsedMs > 0 ? Math.round((s.acked / elapsedMs) * 1000) : 0,
    }
  }

  /** Graceful stop: no more pulling, write every open window, ack, close. */
  stop(reason: StopReason = 'signal'): void {
    if (this.stopReason) return
    this.stopReason = reason
    this.stats.state = 'stopping'
    // Closing first stops the stream at once; WaitForProcessing keeps acks and leases working
    // until everything held is acked, which the final flush in loop() does.
    this.flushAcks()
    this.closing = this.subscription.close()
    this.closing.catch(() => undefined)
    this.kick()
  }

  /** The writer counts its retries here and the readiness probe follows them. */
  noteRetry(error: string): void {
    this.stats.writeRetries += 1
    this.stats.state = this.stopping ? 'stopping' : 'retrying'
    this.stats.lastError = error
  }

  noteRecovered(): void {
    if (this.stats.state === 'retrying') this.stats.state = 'ready'
    this.stats.lastError = undefined
  }

  private onMessage(m: MessageLike): void {
    const max = this.options.maxMessages
    if (this.stopping || this.fatal || (max !== undefined && this.stats.received >= max)) {
      m.nack()
      this.stats.nacked += 1
      return
    }
    this.stats.received += 1
    this.lastActivityAt = Date.now()
    const pt = m.publishTime instanceof Date ? m.publishTime.getTime() : Date.now()
    const publishTime = Number.isFinite(pt) ? pt : Date.now()
    const attr = this.options.eventTimeAttribute
    const eventTime = attr ? parseEventTime(m.attributes?.[attr]) : undefined
    const held: Held = {
      id: m.id,
      data: m.data,
      publishTime,
      eventTime,
      attributes: m.attributes ?? {},
      seq: this.seq++,
      bytes: m.length ?? m.data.length,
      message: m,
      fallback: attr !== undefined && eventTime === undefined,
    }
    this.windower.add(held)
    // arrived during a write: mapped before the next one needs it (a backlog arrives meanwhile)
    if (this.writing && this.options.prefetch !== false && this.aheadCount < this.options.maxBatch) {
      this.aheadCount += 1
      this.ahead.push(held)
      this.stepAhead()
    }
    if (max !== undefined && this.stats.received >= max) this.stop('max-messages')
    else if (this.windower.hasFull) this.kick()
  }

  private tick(): void {
    // a write retrying through an outage is not idleness: the stream may only be paused by flow control
    if (
      this.options.drain &&
      !this.stopping &&
      !this.writing &&
      Date.now() - this.lastActivityAt >= this.options.idleMs
    ) {
      this.stop('drained')
    }
    this.kick()
  }

  private kick(): void {
    const w = this.wakeUp
    this.wakeUp = undefined
    w?.()
  }

  private async loop(): Promise<void> {
    for (;;) {
      if (this.fatal) return
      const final = this.stopping
      const buckets = this.merge(this.windower.take(Date.now(), final))
      for (const b of buckets) {
        this.writing = true
        try {
          const write = this.writeBucket(b)
          this.prefetch()
          await write
        } finally {
          this.writing = false
          this.lastActivityAt = Date.now()
        }
      }
      if (final && this.windower.size === 0) return
      if (buckets.length === 0) await new Promise<void>((resolve) => (this.wakeUp = resolve))
    }
  }

  /**
   * While a write runs, the messages held for the next one (up to --max-batch, those already
   * held and those arriving meanwhile) are parsed and mapped in small steps between the write's
   * requests: the main thread would wait for the engine anyway, and the next write then starts
   * with its messages ready.
   */
  private prefetch(): void {
    this.ahead = []
    this.aheadCount = 0
    if (this.options.prefetch === false) return
    for (const h of this.windower.items()) {
      if (this.aheadCount >= this.options.maxBatch) break
      if (!h.mapped) this.ahead.push(h)
      this.aheadCount += 1
    }
    this.stepAhead()
  }

  private stepAhead(): void {
    if (this.stepping) return
    this.stepping = true
    const step = (): void => {
      if (!this.writing || this.fatal) {
        this.stepping = false
        return
      }
      const batch = this.ahead.splice(0, PREFETCH_STEP)
      for (const h of batch) premap(h, this.mapper)
      if (this.ahead.length > 0) setImmediate(step)
      else this.stepping = false
    }
    setImmediate(step)
  }

  /**
   * The windows due at once (e.g. a backlog) share one write, up to --max-batch messages: fewer,
   * larger requests. Ordered writes do not depend on how messages are split into windows; in
   * arrival order (--order none) the messages keep their window's place (earlier windows first,
   * as if written one after the other: `windowStart`).
   */
  private merge(buckets: Bucket<Held>[]): Bucket<Held>[] {
    if (buckets.length < 2) return buckets
    const out: Bucket<Held>[] = []
    for (const b of buckets) {
      const last = out[out.length - 1]
      if (last && last.items.length + b.items.length <= this.options.maxBatch) {
        if (this.options.order === 'none') {
          if (last.items[0]?.windowStart === undefined) for (const h of last.items) h.windowStart = last.start
          for (const h of b.items) h.windowStart = b.start
        }
        last.items.push(...b.items)
        last.bytes += b.bytes
        last.end = Math.max(last.end, b.end)
        last.early ||= b.early
      } else out.push({ ...b, items: [...b.items] })
    }
    return out
  }

  private async writeBucket(b: Bucket<Held>): Promise<void> {
    this.inflight = b.items
    const result = await writeMessages(this.writer, this.mapper, b.items, {
      edgeKey: this.options.edgeKey,
      tombstoneTtlMs: this.options.tombstoneTtlMs ?? 7 * 86_400_000,
    })
    if (this.fatal) return
    // late: its event time is older than what earlier windows already wrote, minus the grace
    let late = 0
    let fallbacks = 0
    for (const h of b.items) {
      if ((h.eventTime ?? h.publishTime) < this.watermark - this.options.graceMs) late += 1
      if (h.fallback) fallbacks += 1
    }
    if (!b.early) this.watermark = Math.max(this.watermark, b.end)
    this.ackSoon(b.items)
    this.inflight = []
    const s = this.stats
    s.acked += b.items.length
    s.windows += 1
    s.vertices += result.vertices
    s.edges += result.edges
    s.deadLetters += result.deadLetters
    s.deletes += result.deletes
    s.late += late
    s.eventTimeFallbacks += fallbacks
    s.observeWrite(result.writeMs)
    let oldest = Infinity
    for (const h of b.items) oldest = Math.min(oldest, h.publishTime)
    this.events.onWindow?.({
      windowStart: new Date(b.start).toISOString(),
      windowEnd: new Date(b.end).toISOString(),
      messages: b.items.length,
      vertices: result.vertices,
      edges: result.edges,
      deadLetters: result.deadLetters,
      writeMs: result.writeMs,
      lagMs: Math.max(0, Date.now() - oldest),
      early: b.early,
      late,
      eventTimeFallbacks: fallbacks,
      deletes: result.deletes,
      superseded: result.superseded,
      phases: result.phases,
    })
  }

  /**
   * Acks the messages of a committed write once the next write's first request is out: the
   * Pub/Sub client's work per ack (about 5-8 µs a message) then overlaps the engine's instead
   * of delaying the next write. `flushAcks` sends any still waiting at once.
   */
  private ackSoon(items: Held[]): void {
    this.toAck.push(items)
    if (this.toAck.length === 1) setImmediate(() => this.flushAcks())
  }

  private flushAcks(): void {
    const lists = this.toAck
    this.toAck = []
    for (const l of lists) for (const h of l) h.message.ack()
  }

  /** A fatal error: nothing held is acked; everything held goes back for redelivery. */
  private fail(err: Error): void {
    this.flushAcks() // committed before the error: theirs are due
    if (this.fatal) return
    this.fatal = err
    this.stopReason ??= 'error'
    this.stats.state = 'stopping'
    for (const h of [...this.inflight, ...this.windower.take(Date.now(), true).flatMap((b) => b.items)]) {
      h.message.nack()
      this.stats.nacked += 1
    }
    this.inflight = []
    // a write retrying through an outage must give up now: its messages were just nacked
    this.events.abort?.abort()
    this.kick()
  }

  private async closeSubscription(): Promise<void> {
    this.flushAcks()
    this.closing ??= this.subscription.close()
    try {
      await this.closing
    } catch {
      // the stream is gone either way; unacked messages are redelivered
    }
    this.subscription.removeAllListeners('message')
  }
}
