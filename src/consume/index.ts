/**
 * `graphpipe consume` core: wires mapping, writer, consumer and endpoints together. The command
 * (src/commands/consume.ts) only parses flags, opens the subscription and renders reports.
 */
import type { SubscriberOptions } from '@google-cloud/pubsub'
import type { Database } from 'arangojs'

import { EXIT, GraphpipeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import type { DeadLetterDoc, Inbound, Origin } from './batch.js'
import {
  Consumer,
  subscriberOptions,
  type ConsumeSummary,
  type SubscriptionLike,
  type WindowReport,
} from './consumer.js'
import { parseDuration } from '../config/duration.js'
import { resolveMapper, type Mapper } from '../mapping/mapping.js'
import { startEndpoints, type Endpoints } from './observe.js'
import { GraphWriter, type RetryInfo, type WriterOptions } from './writer.js'
import { OrderedWriter, writeMessages } from './txwriter.js'

export { parseDuration, formatDuration } from '../config/duration.js'
export type { ConsumeSummary, WindowReport } from './consumer.js'
export type { RetryInfo } from './writer.js'
export { Consumer } from './consumer.js'
export { GraphWriter, describeRetry } from './writer.js'
export { OrderedWriter, writeMessages } from './txwriter.js'
export { DeadLetterStore, entryOf, isEmptySelection, rawBytes } from './deadletters.js'
export type { DeadLetterEntry, ReasonCount, Selection, StoredDeadLetter } from './deadletters.js'
export { replayThroughMapping, replayToTopic } from './replay.js'
export type { ReplayReport } from './replay.js'
export { resolveMapper, twitterMapper, TWITTER_MAPPING } from '../mapping/mapping.js'

export interface ConsumeSettings {
  /** Durations as text (`1m`, `500ms`) or milliseconds. */
  window?: string | number
  grace?: string | number
  idle?: string | number
  maxBatch?: number
  maxBatchBytes?: number
  drain?: boolean
  maxMessages?: number
  mapping?: string
  transform?: string
  edgeKey?: string[]
  deadLetterCollection?: string
  requestTimeout?: string | number
  maxExtension?: string | number
  minAckDeadline?: string | number
  metricsPort?: number
  healthPort?: number
  /** Message attribute with the event time (epoch ms or RFC 3339). */
  eventTimeAttribute?: string
  /** 'event-time' (default) or 'none' (arrival order, no bookkeeping). */
  order?: 'event-time' | 'none'
  tombstoneTtl?: string | number
  versionsCollection?: string
  /** Stamped on dead letters, so `deadletters replay` knows where to send them back. */
  origin?: Origin
  /** Parse the next write's messages while the current one runs (default true; off for comparisons). */
  prefetch?: boolean
}

export interface ConsumeHooks {
  onWindow?: (r: WindowReport) => void
  onRetry?: (r: RetryInfo) => void
  /** Once collections exist and the subscription is open. */
  onStart?: (info: { mapper: Mapper; endpoints: Endpoints; windowMs: number }) => void
  publishDeadLetter?: (doc: DeadLetterDoc) => Promise<void>
}

export interface RunningConsumer {
  consumer: Consumer
  /** Graceful stop: stop pulling, write open windows, ack, close. */
  stop(): void
  /** Stop retrying a pending write; nothing unwritten is acked. */
  abort(): void
  done: Promise<ConsumeSummary>
}

const ms = (v: string | number | undefined, fallback: string, what: string): number =>
  typeof v === 'number' ? v : parseDuration(v ?? fallback, what)

function orderOf(o: string | undefined): 'event-time' | 'none' {
  if (o === undefined || o === 'event-time') return 'event-time'
  if (o === 'none') return 'none'
  throw new GraphpipeError('CONSUME_BAD_FLAG', `--order must be event-time or none, got "${o}"`, EXIT.USAGE)
}

/** The settings with every default applied and every duration in ms (also checks them). */
export function resolveSettings(s: ConsumeSettings) {
  const d = DEFAULTS.consume
  const windowMs = ms(s.window, d.window, '--window')
  if (windowMs <= 0)
    throw new GraphpipeError('CONSUME_BAD_FLAG', '--window must be longer than 0', EXIT.USAGE)
  const maxBatch = s.maxBatch ?? d.maxBatch
  if (!(maxBatch >= 1))
    throw new GraphpipeError('CONSUME_BAD_FLAG', '--max-batch must be at least 1', EXIT.USAGE)
  return {
    windowMs,
    graceMs: ms(s.grace, d.grace, '--grace'),
    idleMs: ms(s.idle, d.idle, '--idle'),
    maxBatch,
    maxBatchBytes: s.maxBatchBytes ?? d.maxBatchBytes,
    requestTimeoutMs: ms(s.requestTimeout, d.requestTimeout, '--request-timeout'),
    maxExtensionMs: ms(s.maxExtension, d.maxExtension, '--max-extension'),
    minAckDeadlineMs: ms(s.minAckDeadline, d.minAckDeadline, '--min-ack-deadline'),
    tombstoneTtlMs: ms(s.tombstoneTtl, d.tombstoneTtl, '--tombstone-ttl'),
    order: orderOf(s.order),
  }
}

/** The writer `consume` uses for these settings: ordered (transactions, bookkeeping) or not. */
export function createWriter(
  db: Database,
  r: ReturnType<typeof resolveSettings>,
  settings: ConsumeSettings,
  extra: Pick<WriterOptions, 'publishDeadLetter' | 'signal' | 'onRetry' | 'onRecovered'>,
): GraphWriter {
  const d = DEFAULTS.consume
  const Writer = r.order === 'none' ? GraphWriter : OrderedWriter
  return new Writer(db, {
    versionsCollection:
      r.order === 'none' ? undefined : (settings.versionsCollection ?? d.versionsCollection),
    deadLetterCollection: settings.deadLetterCollection ?? d.deadLetterCollection,
    requestTimeoutMs: r.requestTimeoutMs,
    origin: settings.origin,
    ...extra,
  })
}

/**
 * Prepares the target (collections, graph), opens the subscription with flow control sized to
 * the window, and starts consuming. `openSubscription` gets the subscriber options to use.
 */
export async function startConsumer(
  db: Database,
  openSubscription: (options: SubscriberOptions) => Promise<SubscriptionLike>,
  settings: ConsumeSettings,
  hooks: ConsumeHooks = {},
): Promise<RunningConsumer> {
  const r = resolveSettings(settings)
  const mapper = await resolveMapper(settings)
  const abort = new AbortController()
  // the writer reports retries to the consumer created after it
  const ref: { consumer?: Consumer } = {}
  const writer = createWriter(db, r, settings, {
    publishDeadLetter: hooks.publishDeadLetter,
    signal: abort.signal,
    onRetry: (info) => {
      ref.consumer?.noteRetry(info.error)
      hooks.onRetry?.(info)
    },
    onRecovered: () => ref.consumer?.noteRecovered(),
  })
  await writer.prepare(mapper)
  const subscription = await openSubscription(subscriberOptions(r))
  const c = new Consumer(
    subscription,
    mapper,
    writer,
    {
      windowMs: r.windowMs,
      graceMs: r.graceMs,
      maxBatch: r.maxBatch,
      maxBatchBytes: r.maxBatchBytes,
      drain: settings.drain,
      idleMs: r.idleMs,
      maxMessages: settings.maxMessages,
      edgeKey: settings.edgeKey,
      eventTimeAttribute: settings.eventTimeAttribute,
      order: r.order,
      tombstoneTtlMs: r.tombstoneTtlMs,
      prefetch: settings.prefetch,
    },
    { onWindow: hooks.onWindow, abort },
  )
  ref.consumer = c
  const endpoints = await startEndpoints(c, {
    metricsPort: settings.metricsPort,
    healthPort: settings.healthPort,
  })
  hooks.onStart?.({ mapper, endpoints, windowMs: r.windowMs })
  const done = c.run().finally(() => endpoints.close())
  return { consumer: c, stop: () => c.stop('signal'), abort: () => abort.abort(), done }
}

/**
 * The consumer's writer and mapping for `deadletters replay --mapping`: `write` commits one batch
 * as the consumer commits a window. A write still failing after `retries` transient errors gives
 * up (the replay then keeps its dead letters) instead of waiting out an outage like a consumer.
 */
export async function openReplayWriter(
  db: Database,
  settings: ConsumeSettings,
  options: { retries: number; onRetry?: (r: RetryInfo) => void },
): Promise<{ mapper: Mapper; batch: number; write: (messages: Inbound[]) => Promise<unknown> }> {
  const r = resolveSettings(settings)
  const mapper = await resolveMapper(settings)
  // once given up, the later batches fail at once too: the server is not taking writes
  const abort = new AbortController()
  const writer = createWriter(db, r, settings, {
    signal: abort.signal,
    onRetry: (info) => {
      options.onRetry?.(info)
      if (info.attempt >= options.retries) abort.abort()
    },
  })
  await writer.prepare(mapper)
  return {
    mapper,
    batch: r.maxBatch,
    write: (messages) =>
      writeMessages(writer, mapper, messages, {
        edgeKey: settings.edgeKey,
        tombstoneTtlMs: r.tombstoneTtlMs,
      }),
  }
}
