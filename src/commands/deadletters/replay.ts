import { Flags } from '@oclif/core'
import type { PubSub, Topic } from '@google-cloud/pubsub'

import { BaseCommand } from '../../cli/base-command.js'
import { collectionFlag, selectFlags, selectionOf } from '../../cli/deadletter-flags.js'
import { pubsubFlags } from '../../cli/pubsub-flags.js'
import { DEFAULTS } from '../../config/defaults.js'
import {
  DeadLetterStore,
  openReplayWriter,
  replayThroughMapping,
  replayToTopic,
  type ReplayReport,
} from '../../consume/index.js'
import { EXIT, GraphpipeError } from '../../errors.js'
import { checkReachable, pubsubError } from '../../pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../../pubsub/client.js'
import { topicPath } from '../../pubsub/names.js'

const G = 'REPLAY'

export default class DeadlettersReplay extends BaseCommand<typeof DeadlettersReplay> {
  static override summary =
    'Send dead letters through again: re-publish them, or re-write them through a fixed mapping'
  static override description =
    'Without --mapping/--transform, publishes each raw message byte for byte with its attributes to --topic, or to the topic it came from. With --mapping/--transform, writes them as `consume` does (same --order, --event-time-attribute, --edge-key). A dead letter is removed only after its message is published (acknowledged by Pub/Sub) or its write committed; the others stay. Exit 1 when any failed; replayed + failed = selected.'
  static override examples = [
    "<%= config.bin %> deadletters replay --reason 'not JSON' --topic users",
    '<%= config.bin %> deadletters replay --all --mapping fixed-mapping.json',
    '<%= config.bin %> deadletters replay --key 3f2a9c... --json',
  ]

  static override flags = {
    ...pubsubFlags,
    ...collectionFlag,
    ...selectFlags,
    topic: Flags.string({
      helpGroup: G,
      description: 'publish to this topic (default: the topic each message came from)',
    }),
    mapping: Flags.string({
      helpGroup: G,
      exclusive: ['topic'],
      description: 'write through this mapping instead of publishing: twitter, or a mapping file',
    }),
    transform: Flags.string({
      helpGroup: G,
      exclusive: ['topic', 'mapping'],
      description: 'write through this transform module instead of publishing',
    }),
    order: Flags.string({
      helpGroup: G,
      options: ['event-time', 'none'],
      default: 'event-time',
      description: 'with --mapping/--transform: as `consume --order`',
    }),
    'event-time-attribute': Flags.string({
      helpGroup: G,
      description: 'with --mapping/--transform: as `consume --event-time-attribute`',
    }),
    'edge-key': Flags.string({
      helpGroup: G,
      description: 'with --mapping/--transform: as `consume --edge-key`',
    }),
  }

  async run(): Promise<ReplayReport> {
    const f = this.flags
    const selection = selectionOf(f, true)
    const viaMapping = f.mapping !== undefined || f.transform !== undefined
    let client: PubSub | undefined
    if (!viaMapping) {
      const target = resolvePubSubTarget(f)
      await checkReachable(target)
      client = createPubSubClient(target)
    }
    try {
      const conn = await this.connect()
      const store = new DeadLetterStore(conn.db, f['dead-letter-collection'])
      const docs = await store.select(selection)
      let report: ReplayReport
      if (viaMapping) {
        const settings = {
          mapping: f.mapping,
          transform: f.transform,
          order: f.order as 'event-time' | 'none',
          eventTimeAttribute: f['event-time-attribute'],
          edgeKey: f['edge-key']
            ?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          deadLetterCollection: store.collection,
        }
        const replayer = await openReplayWriter(conn.db, settings, {
          retries: DEFAULTS.deadletters.replayRetries,
          onRetry: (r) => this.info(`write failed (${r.what}, attempt ${r.attempt}): ${r.error}`),
        })
        report = await replayThroughMapping(store, docs, replayer.mapper, {
          write: replayer.write,
          freshDeadLetters: (ids, since) => store.rewrittenSince(ids, since),
          eventTimeAttribute: settings.eventTimeAttribute,
          batch: replayer.batch,
        })
      } else {
        const pubsub = client!
        const topics = new Map<string, Topic>()
        const checkTopic = async (name: string): Promise<string> => {
          const path = topicPath(name, pubsub.projectId)
          const topic = pubsub.topic(path, { batching: { maxMessages: 1000, maxMilliseconds: 10 } })
          const [exists] = await topic.exists().catch((err) => {
            throw pubsubError(err, `looking up topic ${path}`)
          })
          if (!exists) throw new GraphpipeError('DEADLETTERS_TOPIC_NOT_FOUND', `topic ${path} does not exist`)
          topics.set(path, topic)
          return path
        }
        // a wrong --topic fails before anything is published; unknown origin topics fail per message
        const topic = f.topic === undefined ? undefined : await checkTopic(f.topic)
        report = await replayToTopic(
          store,
          docs,
          (path, data, attributes) => topics.get(path)!.publishMessage({ data, attributes }),
          { topic, checkTopic, chunk: DEFAULTS.deadletters.publishChunk },
        )
      }
      if (report.failed > 0) process.exitCode = EXIT.FAILED
      if (!this.jsonEnabled()) this.render(report)
      return report
    } finally {
      await client?.close().catch(() => undefined)
    }
  }

  private render(r: ReplayReport): void {
    const how = r.mode === 'topic' ? 'published' : 'written'
    this.out(
      `${r.selected} selected: ${r.replayed} replayed (${r.messages} messages ${how}), ${r.failed} failed${r.kept ? `, ${r.kept} changed meanwhile and kept` : ''}`,
    )
    for (const x of r.failures.slice(0, 20)) this.out(`  ${x.key} (message ${x.messageId}): ${x.reason}`)
    if (r.failures.length > 20) this.out(`  ... ${r.failures.length - 20} more (--json lists all)`)
  }
}
