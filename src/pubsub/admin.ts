/**
 * Topics and subscriptions: make sure they exist (creating them when allowed), with errors a user
 * can act on instead of gRPC status dumps.
 */
import net from 'node:net'

import type { PubSub, Subscription, SubscriptionOptions, Topic } from '@google-cloud/pubsub'

import { EXIT, GraphpipeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import { checkCredentials, type PubSubTarget } from './client.js'
import { shortName, subscriptionPath, topicPath } from './names.js'

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GRPC = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const

function grpcCode(err: unknown): number | undefined {
  const c = (err as { code?: unknown })?.code
  return typeof c === 'number' ? c : undefined
}

/** A GraphpipeError for any error from the Pub/Sub client, saying what was being done. */
export function pubsubError(err: unknown, doing: string): GraphpipeError {
  if (err instanceof GraphpipeError) return err
  const code = grpcCode(err)
  const detail = String((err as Error)?.message ?? err).split('\n')[0]
  if (code === GRPC.UNAUTHENTICATED || code === GRPC.PERMISSION_DENIED) {
    return new GraphpipeError('PUBSUB_AUTH', `${doing}: not allowed (${detail})`, EXIT.CONNECTION)
  }
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) {
    return new GraphpipeError(
      'PUBSUB_UNAVAILABLE',
      `${doing}: Pub/Sub unavailable (${detail})`,
      EXIT.CONNECTION,
    )
  }
  if (/Could not load the default credentials|Unable to detect a Project Id/i.test(detail)) {
    return new GraphpipeError(
      'PUBSUB_AUTH',
      `${doing}: no Google Cloud credentials (${detail}); pass --key-file or set GOOGLE_APPLICATION_CREDENTIALS`,
      EXIT.CONNECTION,
    )
  }
  return new GraphpipeError('PUBSUB_ERROR', `${doing}: ${detail}`)
}

/**
 * Against the emulator, a quick TCP check turns "nothing listens there" into one clear line at once
 * instead of a minute of gRPC retries.
 */
export async function checkReachable(target: PubSubTarget, timeoutMs = 3000): Promise<void> {
  if (target.mode !== 'emulator') return checkCredentials(target)
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(target.host)
  if (!m) return
  const [, host, port] = m
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port: Number(port) })
    const fail = (why: string): void => {
      socket.destroy()
      reject(
        new GraphpipeError(
          'PUBSUB_UNAVAILABLE',
          `cannot reach the Pub/Sub emulator at ${target.host} (${why}); is it running?`,
          EXIT.CONNECTION,
        ),
      )
    }
    socket.setTimeout(timeoutMs, () => fail('timeout'))
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
    socket.once('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message))
  })
}

export interface EnsureTopicOptions {
  /** Create the topic when it does not exist (default true). */
  create?: boolean
}

/** The topic, created when missing unless `create: false` (then PUBSUB_TOPIC_NOT_FOUND). */
export async function ensureTopic(
  client: PubSub,
  name: string,
  options: EnsureTopicOptions = {},
): Promise<Topic> {
  const path = topicPath(name, client.projectId)
  const topic = client.topic(path)
  try {
    await topic.getMetadata()
    return topic
  } catch (err) {
    // A publisher-only role (roles/pubsub.publisher) may publish but not read topic metadata:
    // go on, and let publishing say whether the topic exists.
    if (grpcCode(err) === GRPC.PERMISSION_DENIED) return topic
    if (grpcCode(err) !== GRPC.NOT_FOUND) throw pubsubError(err, `looking up topic ${path}`)
  }
  if (options.create === false) {
    throw new GraphpipeError(
      'PUBSUB_TOPIC_NOT_FOUND',
      `topic ${path} does not exist (and --no-create-topic was given)`,
    )
  }
  try {
    await client.createTopic(path)
  } catch (err) {
    // Someone else created it between our look-up and create: fine.
    if (grpcCode(err) !== GRPC.ALREADY_EXISTS) throw pubsubError(err, `creating topic ${path}`)
  }
  return topic
}

export interface EnsureSubscriptionOptions {
  /** Create the subscription when it does not exist (default true). */
  create?: boolean
  /** Create the topic too when it does not exist (default true). */
  createTopic?: boolean
  /** Ack deadline of a new subscription (default 60 s, DEFAULTS.consume.ackDeadlineSeconds). */
  ackDeadlineSeconds?: number
  /** Deliver messages with the same ordering key in order (new subscriptions only). */
  enableMessageOrdering?: boolean
  /** Subscriber settings of the returned Subscription object (flow control, close behaviour...). */
  subscriber?: SubscriptionOptions
}

/**
 * The subscription `subName` on topic `topicName`, created when missing. An existing subscription
 * is used as it is (its ack deadline and topic are not changed); if it is attached to another topic
 * that is an error, since reading it would consume someone else's messages.
 */
export async function ensureSubscription(
  client: PubSub,
  subName: string,
  topicName: string,
  options: EnsureSubscriptionOptions = {},
): Promise<Subscription> {
  const subPath = subscriptionPath(subName, client.projectId)
  const tPath = topicPath(topicName, client.projectId)
  const sub = client.subscription(subPath, options.subscriber)
  try {
    const [meta] = await sub.getMetadata()
    if (meta.topic && meta.topic !== tPath && meta.topic !== '_deleted-topic_') {
      throw new GraphpipeError(
        'PUBSUB_SUBSCRIPTION_TOPIC',
        `subscription ${subPath} is attached to ${meta.topic}, not ${tPath}`,
        EXIT.USAGE,
      )
    }
    return sub
  } catch (err) {
    if (err instanceof GraphpipeError) throw err
    if (grpcCode(err) !== GRPC.NOT_FOUND) throw pubsubError(err, `looking up subscription ${subPath}`)
  }
  if (options.create === false) {
    throw new GraphpipeError('PUBSUB_SUBSCRIPTION_NOT_FOUND', `subscription ${subPath} does not exist`)
  }
  await ensureTopic(client, tPath, { create: options.createTopic !== false })
  try {
    await client.topic(tPath).createSubscription(subPath, {
      ackDeadlineSeconds: options.ackDeadlineSeconds ?? DEFAULTS.consume.ackDeadlineSeconds,
      ...(options.enableMessageOrdering ? { enableMessageOrdering: true } : {}),
    })
  } catch (err) {
    if (grpcCode(err) !== GRPC.ALREADY_EXISTS) {
      throw pubsubError(err, `creating subscription ${shortName(subPath)} on ${tPath}`)
    }
  }
  return sub
}
