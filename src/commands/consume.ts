import { Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base-command.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { pubsubFlags } from '../cli/pubsub-flags.js'
import { DEFAULTS } from '../config/defaults.js'
import {
  describeRetry,
  formatDuration,
  resolveMapper,
  resolveSettings,
  startConsumer,
  type ConsumeSettings,
  type ConsumeSummary,
  type WindowReport,
} from '../consume/index.js'
import { checkReachable, ensureSubscription, ensureTopic, pubsubError } from '../pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../pubsub/client.js'
import { subscriptionPath, topicPath } from '../pubsub/names.js'

const d = DEFAULTS.consume
const G = 'CONSUME'

export default class Consume extends BaseCommand<typeof Consume> {
  static override summary = 'Consume a Pub/Sub subscription in fixed windows into the ArangoDB graph'
  static override description =
    'Groups messages into fixed windows of publish time, writes each window as one batch per collection (vertices merged, edges idempotent), and acks only what is committed. Run several copies on one subscription to scale out.'
  static override examples = [
    '<%= config.bin %> consume --subscription users-sub --topic users --window 1m',
    '<%= config.bin %> consume --subscription users-sub --mapping fixtures/consume/mapping-orders.json --drain',
  ]

  static override flags = {
    ...pubsubFlags,
    subscription: Flags.string({
      required: true,
      helpGroup: G,
      description: 'subscription: short name or projects/P/subscriptions/S (created when missing)',
    }),
    topic: Flags.string({ helpGroup: G, description: 'topic the subscription is created on when missing' }),
    window: Flags.string({
      helpGroup: G,
      default: d.window,
      description: 'window size on publish time: 500ms, 30s, 1m, 1h',
    }),
    grace: Flags.string({
      helpGroup: G,
      default: d.grace,
      description: 'wait this long after a window ends before writing it',
    }),
    mapping: Flags.string({
      helpGroup: G,
      default: d.mapping,
      description: 'twitter, or a mapping file (JSON; see docs/consume.md)',
    }),
    transform: Flags.string({
      helpGroup: G,
      description: 'ES module exporting message -> {vertices, edges}',
    }),
    'edge-key': Flags.string({
      helpGroup: G,
      description: 'comma-separated edge attributes whose values make the edge _key (default: _from,_to)',
    }),
    'event-time-attribute': Flags.string({
      helpGroup: G,
      description:
        'message attribute with the event time (epoch ms or RFC 3339); windows and ordering use it (default: publish time)',
    }),
    order: Flags.string({
      helpGroup: G,
      options: ['event-time', 'none'],
      default: 'event-time',
      description:
        'event-time: last writer wins by event time per attribute and edge, one transaction per window; none: arrival order, cheaper',
    }),
    'tombstone-ttl': Flags.string({
      helpGroup: G,
      default: d.tombstoneTtl,
      description:
        'how long deletes and unfollows are remembered (older events may bring back what they removed)',
    }),
    'max-batch': Flags.integer({
      helpGroup: G,
      default: d.maxBatch,
      min: 1,
      description: 'write a window early at this many messages',
    }),
    'max-batch-bytes': Flags.integer({
      helpGroup: G,
      default: d.maxBatchBytes,
      min: 1,
      description: 'write a window early at this many bytes',
    }),
    'dead-letter-collection': Flags.string({
      helpGroup: G,
      default: d.deadLetterCollection,
      description: 'collection for messages and records that cannot be written',
    }),
    'dead-letter-topic': Flags.string({
      helpGroup: G,
      description: 'also publish dead letters to this topic',
    }),
    drain: Flags.boolean({
      helpGroup: G,
      default: false,
      description: 'exit once the subscription stays empty for --idle',
    }),
    idle: Flags.string({
      helpGroup: G,
      default: d.idle,
      description: 'with --drain: how long empty means drained',
    }),
    'max-messages': Flags.integer({ helpGroup: G, min: 1, description: 'exit after this many messages' }),
    'metrics-port': Flags.integer({
      helpGroup: G,
      min: 0,
      description: 'serve Prometheus metrics on /metrics',
    }),
    'health-port': Flags.integer({
      helpGroup: G,
      min: 0,
      description: 'serve /healthz (liveness) and /readyz (readiness)',
    }),
    'request-timeout': Flags.string({
      helpGroup: G,
      default: d.requestTimeout,
      description: 'retry a write request the server has not answered in this time',
    }),
    'min-ack-deadline': Flags.string({
      helpGroup: G,
      default: d.minAckDeadline,
      description: "lease held messages at least this long (10s-600s); a crashed consumer's return after it",
    }),
    'max-extension': Flags.string({
      helpGroup: G,
      default: d.maxExtension,
      description: 'how long leases of held messages are extended',
    }),
  }

  async run(): Promise<ConsumeSummary> {
    const f = this.flags
    const settings: ConsumeSettings = {
      window: f.window,
      grace: f.grace,
      idle: f.idle,
      maxBatch: f['max-batch'],
      maxBatchBytes: f['max-batch-bytes'],
      drain: f.drain,
      maxMessages: f['max-messages'],
      mapping: f.mapping,
      transform: f.transform,
      edgeKey: f['edge-key']
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      deadLetterCollection: f['dead-letter-collection'],
      requestTimeout: f['request-timeout'],
      maxExtension: f['max-extension'],
      minAckDeadline: f['min-ack-deadline'],
      metricsPort: f['metrics-port'],
      healthPort: f['health-port'],
      eventTimeAttribute: f['event-time-attribute'],
      order: f.order as 'event-time' | 'none',
      tombstoneTtl: f['tombstone-ttl'],
    }
    // bad flags fail here, before anything is connected
    resolveSettings(settings)
    await resolveMapper(settings)
    const target = resolvePubSubTarget(f)
    await checkReachable(target)
    const client = createPubSubClient(target)
    const conn = await this.connect()
    let running: Awaited<ReturnType<typeof startConsumer>> | undefined
    let signals = 0
    const onSignal = (sig: NodeJS.Signals): void => {
      signals += 1
      if (signals > 1) {
        process.stderr.write(
          'second signal: exiting now; unwritten messages are not acked and will be redelivered\n',
        )
        process.exit(EXIT.INTERRUPTED)
      }
      this.info(`${sig}: stopping: writing open windows, then acking (again to exit at once)`)
      if (sig === 'SIGINT') process.exitCode = EXIT.INTERRUPTED
      running?.stop()
    }
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
    try {
      const subPath = subscriptionPath(f.subscription, client.projectId)
      // stamped on dead letters (the topic once known), so `deadletters replay` can send them back
      settings.origin = { subscription: subPath }
      const origin = settings.origin
      const dlTopic = f['dead-letter-topic'] ? await ensureTopic(client, f['dead-letter-topic']) : undefined
      running = await startConsumer(
        conn.db,
        async (subscriber) => {
          if (f.topic) {
            origin.topic = topicPath(f.topic, client.projectId)
            return ensureSubscription(client, subPath, f.topic, { subscriber })
          }
          const sub = client.subscription(subPath, subscriber)
          const [exists] = await sub.exists().catch((err) => {
            throw pubsubError(err, `looking up subscription ${subPath}`)
          })
          if (!exists)
            throw new GraphpipeError(
              'CONSUME_NO_SUBSCRIPTION',
              `subscription ${subPath} does not exist: pass --topic to create it`,
              EXIT.USAGE,
            )
          // a subscriber-only role may not read the metadata: the dead letters then lack the topic
          const meta = await sub.getMetadata().then(
            ([m]) => m,
            () => undefined,
          )
          if (meta?.topic && meta.topic !== '_deleted-topic_') origin.topic = meta.topic
          return sub
        },
        settings,
        {
          onStart: ({ mapper, endpoints, windowMs }) => {
            const { metricsPort, healthPort } = endpoints
            if (this.jsonEnabled()) {
              const start = {
                type: 'start',
                subscription: subPath,
                windowMs,
                mapping: mapper.name,
                metricsPort,
                healthPort,
              }
              process.stdout.write(JSON.stringify(start) + '\n')
            }
            const ports = [
              metricsPort !== undefined ? `metrics :${metricsPort}/metrics` : '',
              healthPort !== undefined ? `health :${healthPort}` : '',
            ].filter(Boolean)
            this.info(
              `consuming ${subPath} (${target.label}): window ${formatDuration(windowMs)}, mapping ${mapper.name}${ports.length ? `, ${ports.join(', ')}` : ''}`,
            )
          },
          onWindow: (r) => this.report(r),
          onRetry: (r) =>
            this.jsonEnabled()
              ? process.stdout.write(JSON.stringify({ type: 'retry', ...r }) + '\n')
              : this.info(describeRetry(r)),
          publishDeadLetter: dlTopic
            ? async (doc) => {
                await dlTopic.publishMessage({
                  data: Buffer.from(JSON.stringify(doc)),
                  attributes: {
                    reason: doc.reason.slice(0, d.deadLetterReasonChars),
                    messageId: doc.messageId,
                  },
                })
              }
            : undefined,
        },
      )
      if (signals > 0) running.stop()
      const summary = await running.done
      this.info(
        `done (${summary.reason}): ${summary.acked} messages in ${summary.windows} writes, ${summary.vertices} vertices, ${summary.edges} edges, ${summary.deletes} deletes, ${summary.deadLetters} dead letters, ${summary.late} late, ${formatDuration(summary.elapsedMs)} (${summary.messagesPerSecond} messages/s)`,
      )
      return summary
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
      await client.close().catch(() => undefined)
      await conn.close()
    }
  }

  private report(r: WindowReport): void {
    if (this.jsonEnabled()) {
      const { phases: _phases, ...report } = r
      process.stdout.write(JSON.stringify({ type: 'window', ...report }) + '\n')
      return
    }
    this.info(
      `window ${r.windowStart}${r.early ? ' (early)' : ''}: ${r.messages} messages, ${r.vertices} vertices, ${r.edges} edges, ${r.deletes} deletes, ${r.deadLetters} dead letters, ${r.late} late${r.eventTimeFallbacks ? `, ${r.eventTimeFallbacks} without event time (publish time used)` : ''}, write ${r.writeMs} ms, lag ${formatDuration(r.lagMs)}`,
    )
  }

  /** --json is a stream of JSON lines: the summary is one more line, not a pretty-printed block. */
  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify({ type: 'summary', ...(json as object) }) + '\n')
  }
}
