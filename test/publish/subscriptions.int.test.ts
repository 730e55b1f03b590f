/**
 * No silent loss before the first consumer (against the Pub/Sub emulator): publish warns when
 * the topic has no subscription, and --subscription creates one first so the messages are kept.
 */
import { afterAll, describe, expect, it } from 'vitest'

import { checkSubscribers } from '../../src/publish/subscriptions.js'
import { createPubSubClient } from '../../src/pubsub/client.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const emu = usePubSubEmulator()

describe('publish: subscribers before the first message', () => {
  const client = () =>
    (c ??= createPubSubClient({
      mode: 'emulator',
      host: emu.host,
      projectId: emu.projectId,
      label: emu.host,
    }))
  let c: ReturnType<typeof createPubSubClient> | undefined
  afterAll(async () => {
    await c?.close()
  })

  it('warns when the topic does not exist yet or has no subscription', async () => {
    const t = emu.unique('t')
    expect((await checkSubscribers(client(), t)).warning).toMatch(/has no subscription.*--subscription NAME/)
    await client().createTopic(t)
    expect((await checkSubscribers(client(), t)).warning).toMatch(/has no subscription/)
  })

  it('says nothing when the topic has a subscription', async () => {
    const t = emu.unique('t')
    const [topic] = await client().createTopic(t)
    await topic.createSubscription(emu.unique('s'))
    expect(await checkSubscribers(client(), t)).toEqual({})
  })

  it('--subscription creates the topic and the subscription first, so a message published next is kept', async () => {
    const t = emu.unique('t')
    const s = emu.unique('s')
    const r = await checkSubscribers(client(), t, { subscription: s })
    expect(r.warning).toBeUndefined()
    expect(r.subscription).toBe(`projects/${emu.projectId}/subscriptions/${s}`)
    await client()
      .topic(t)
      .publishMessage({ data: Buffer.from('{"x":1}') })
    const sub = client().subscription(s)
    const got = await new Promise<string>((resolve) => {
      sub.on('message', (m) => {
        m.ack()
        resolve(m.data.toString())
      })
    })
    await sub.close()
    expect(got).toBe('{"x":1}')
  })
})
