import { Args, Flags } from '@oclif/core'

import { GraphpipeCommand } from '../cli/base-command.js'
import { DEFAULTS } from '../config/defaults.js'
import { EXIT } from '../errors.js'
import { pubsubFlags } from '../cli/pubsub-flags.js'
import { checkReachable } from '../pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../pubsub/client.js'
import { optionsFromFlags } from '../publish/options.js'
import { expandInputs } from '../publish/sources.js'
import { publishFiles, type PublishResult } from '../publish/publish.js'
import { checkSubscribers } from '../publish/subscriptions.js'
import { progressLine, rejectedLines, summary } from '../publish/render.js'
import { startProgress } from '../ui/progress.js'

/**
 * A GraphpipeCommand, not a BaseCommand: publish talks to Pub/Sub only, and BaseCommand's
 * ArangoDB deployment flags would be noise in its help.
 */
export default class Publish extends GraphpipeCommand<typeof Publish> {
  static override summary = 'Publish JSON files as messages to a Google Cloud Pub/Sub topic'
  static override description =
    'A .json file is one message (--split: one per element of a top-level array), .jsonl/.ndjson one per line, a directory its .json/.jsonl/.ndjson files in name order, - JSON lines on stdin. All input is validated before anything is sent unless --skip-invalid. Exit 0 when everything was published, 1 when something was rejected, 2 for usage errors, 130 when interrupted.'
  static override examples = [
    '<%= config.bin %> publish fixtures/users --topic users --emulator localhost:8085',
    '<%= config.bin %> publish events.jsonl --topic projects/my-proj/topics/events --ordering-key-from user.id --attribute source=backfill',
  ]
  static override strict = false
  static override args = {
    input: Args.string({ description: 'files, directories, or - for stdin', required: true }),
  }
  static override flags = {
    ...pubsubFlags,
    topic: Flags.string({ description: 'topic: a short name or projects/P/topics/T', required: true }),
    'create-topic': Flags.boolean({
      description: 'create the topic when missing',
      default: true,
      allowNo: true,
    }),
    split: Flags.boolean({
      description: 'a .json file whose top level is an array: one message per element',
      default: false,
    }),
    attribute: Flags.string({
      description: 'KEY=VALUE attribute on every message (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'attribute-from': Flags.string({
      description: 'KEY=PATH: attribute from a field of each message, dot path (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'ordering-key': Flags.string({ description: 'ordering key of every message (enables message ordering)' }),
    'ordering-key-from': Flags.string({ description: 'ordering key from a field of each message, dot path' }),
    'batch-max-messages': Flags.integer({
      description: `publisher batch: max messages (client default ${DEFAULTS.publish.batching.maxMessages})`,
      min: 1,
      helpGroup: 'BATCHING',
    }),
    'batch-max-bytes': Flags.integer({
      description: `publisher batch: max bytes (client default ${DEFAULTS.publish.batching.maxBytes / 1024 / 1024} MiB)`,
      min: 1,
      helpGroup: 'BATCHING',
    }),
    'batch-max-ms': Flags.integer({
      description: `publisher batch: max delay in ms (client default ${DEFAULTS.publish.batching.maxMilliseconds})`,
      min: 0,
      helpGroup: 'BATCHING',
    }),
    'max-outstanding': Flags.integer({
      description: `flow control: at most N messages in flight (default ${DEFAULTS.publish.maxOutstanding})`,
      min: 1,
      helpGroup: 'BATCHING',
    }),
    'skip-invalid': Flags.boolean({
      description: 'publish the valid messages, report the invalid ones',
      default: false,
    }),
    'ids-file': Flags.string({ description: 'write {"file","line","id"} lines of published messages here' }),
    subscription: Flags.string({
      description:
        'create this subscription on the topic first (when missing): Pub/Sub keeps messages only for subscriptions that exist when they are published',
    }),
  }

  public async run(): Promise<PublishResult> {
    const { argv } = await this.parse(Publish)
    const flags = this.flags
    const silent = this.silent
    const ac = new AbortController()
    const options = optionsFromFlags(argv as string[], flags, {
      signal: ac.signal,
      collectIds: this.jsonEnabled() && !flags['ids-file'],
    })
    expandInputs(options.inputs) // usage errors before connecting
    const target = resolvePubSubTarget(flags)
    await checkReachable(target)
    this.info(`target: ${target.label}`)
    const client = createPubSubClient(target)
    const check = await checkSubscribers(client, flags.topic, {
      subscription: flags.subscription,
      createTopic: flags['create-topic'],
    }).catch(async (err: unknown) => {
      await client.close().catch(() => undefined)
      throw err
    })
    if (check.subscription) this.info(`subscription: ${check.subscription}`)
    if (check.warning && !silent) process.stderr.write(`Warning: ${check.warning}\n`)
    const progress = startProgress('publishing', { silent })
    const onSigint = (): void => {
      if (ac.signal.aborted) process.exit(EXIT.INTERRUPTED) // a second Ctrl-C: leave now
      ac.abort()
      progress.update('interrupted: flushing messages in flight (Ctrl-C again to quit at once)')
    }
    process.on('SIGINT', onSigint)
    let result: PublishResult
    try {
      result = await publishFiles(client, { ...options, onProgress: (p) => progress.update(progressLine(p)) })
    } finally {
      progress.stop()
      process.off('SIGINT', onSigint)
      await client.close().catch(() => undefined)
    }
    for (const line of rejectedLines(result)) this.info(line)
    this.info(summary(result))
    if (result.interrupted) process.exitCode = EXIT.INTERRUPTED
    else if (result.invalid > 0 || result.failed > 0) process.exitCode = EXIT.FAILED
    return result
  }
}
