import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { PubSub } from '@google-cloud/pubsub'

import { checkReachable, ensureSubscription, ensureTopic } from '../../src/pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../../src/pubsub/client.js'
import { freePort } from '../../src/pubsub/emulator.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const emu = usePubSubEmulator()
let client: PubSub
const warnings: Error[] = []
const onWarning = (w: Error): void => {
  warnings.push(w)
}

beforeAll(() => {
  process.on('warning', onWarning)
  client = createPubSubClient(resolvePubSubTarget({ emulator: emu.host, project: emu.projectId }, {}))
})

afterAll(async () => {
  process.off('warning', onWarning)
  await client?.close()
})

describe('ensureTopic / ensureSubscription against the emulator', () => {
  it('creates a missing topic, and finds it the second time', async () => {
    const name = emu.unique('users')
    const topic = await ensureTopic(client, name)
    expect(topic.name).toBe(`projects/${emu.projectId}/topics/${name}`)
    const [exists] = await client.topic(name).exists()
    expect(exists).toBe(true)
    await expect(ensureTopic(client, name, { create: false })).resolves.toBeDefined()
  })

  it('refuses to create a topic with create: false', async () => {
    await expect(ensureTopic(client, emu.unique('missing'), { create: false })).rejects.toMatchObject({
      code: 'PUBSUB_TOPIC_NOT_FOUND',
    })
  })

  it('creates a subscription (and its topic) with a 60 s ack deadline', async () => {
    const t = emu.unique('t')
    const s = emu.unique('s')
    const sub = await ensureSubscription(client, s, t)
    const [meta] = await sub.getMetadata()
    expect(meta.ackDeadlineSeconds).toBe(60)
    expect(meta.topic).toBe(`projects/${emu.projectId}/topics/${t}`)
    // idempotent
    await expect(ensureSubscription(client, s, t)).resolves.toBeDefined()
  })

  it('refuses a subscription that is attached to another topic', async () => {
    const s = emu.unique('s')
    await ensureSubscription(client, s, emu.unique('t'))
    await expect(ensureSubscription(client, s, emu.unique('other'))).rejects.toMatchObject({
      code: 'PUBSUB_SUBSCRIPTION_TOPIC',
    })
  })

  it('prints no MetadataLookupWarning in emulator mode', () => {
    expect(warnings.map((w) => w.name)).not.toContain('MetadataLookupWarning')
  })

  it('says at once when nothing listens at the emulator address', async () => {
    const port = await freePort()
    const target = resolvePubSubTarget({ emulator: `localhost:${port}` }, {})
    await expect(checkReachable(target)).rejects.toMatchObject({ code: 'PUBSUB_UNAVAILABLE', exitCode: 3 })
  })
})
