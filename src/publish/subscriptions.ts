/**
 * No silent loss before the first consumer: Pub/Sub keeps a message only for the subscriptions
 * that exist when it is published, so publishing to a topic without one delivers to nobody.
 * `graphpipe publish` creates `--subscription NAME` first, or warns when the topic has none.
 */
import type { PubSub } from '@google-cloud/pubsub'

import { ensureSubscription } from '../pubsub/admin.js'
import { topicPath } from '../pubsub/names.js'

export interface SubscriberCheck {
  /** The subscription made sure of with --subscription. */
  subscription?: string
  /** Set when the topic has no subscription (or does not exist yet). */
  warning?: string
}

export async function checkSubscribers(
  client: PubSub,
  topicName: string,
  options: { subscription?: string; createTopic?: boolean } = {},
): Promise<SubscriberCheck> {
  const tPath = topicPath(topicName, client.projectId)
  if (options.subscription) {
    const sub = await ensureSubscription(client, options.subscription, tPath, {
      createTopic: options.createTopic !== false,
    })
    return { subscription: sub.name }
  }
  let count: number
  try {
    const [subs] = await client.topic(tPath).getSubscriptions()
    count = subs.length
  } catch (err) {
    const code = (err as { code?: number }).code
    // 5 NOT_FOUND: the topic is created by the publish and has no subscription either
    if (code !== 5) return {} // e.g. 7 PERMISSION_DENIED: a publisher-only role may not list them
    count = 0
  }
  if (count > 0) return {}
  return {
    warning:
      `topic ${tPath} has no subscription: Pub/Sub keeps messages only for subscriptions that exist when they are published, ` +
      `so these messages reach no consumer. Create one first: --subscription NAME (or graphpipe consume --subscription NAME --topic ${topicName})`,
  }
}
