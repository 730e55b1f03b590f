import { describe, expect, it } from 'vitest'

import { createPubSubClient, resolvePubSubTarget } from '../../src/pubsub/client.js'
import { startEmulator } from '../../src/pubsub/emulator.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const emu = usePubSubEmulator()

describe('Pub/Sub emulator harness', () => {
  it('serves topics and subscriptions under this file’s own project id', async () => {
    const ps = createPubSubClient(resolvePubSubTarget({ emulator: emu.host, project: emu.projectId }, {}))
    try {
      const [topic] = await ps.createTopic(emu.unique('t'))
      expect(topic.name).toMatch(new RegExp(`^projects/${emu.projectId}/topics/t-`))
      const [sub] = await topic.createSubscription(emu.unique('s'))
      await topic.publishMessage({ data: Buffer.from('hello') })
      const received = await new Promise<string>((resolve, reject) => {
        sub.on('message', (m) => {
          m.ack()
          resolve(m.data.toString())
        })
        sub.on('error', reject)
      })
      expect(received).toBe('hello')
      await sub.close()
    } finally {
      await ps.close()
    }
  })

  it.skipIf(Boolean(process.env.PUBSUB_EMULATOR_HOST))(
    'stops the whole process group, so the Java server does not outlive stop()',
    async () => {
      const own = await startEmulator()
      const port = own.port
      await own.stop()
      const net = await import('node:net')
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, 'localhost')
        s.once('connect', () => {
          s.destroy()
          resolve(false)
        })
        s.once('error', () => resolve(true))
      })
      expect(refused).toBe(true)
    },
  )

  it('fails with an installation hint when the emulator binary is missing', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      await expect(startEmulator({ binary: '/nonexistent/cloud-pubsub-emulator' })).rejects.toThrow(
        /google-cloud-cli-pubsub-emulator/,
      )
    } finally {
      process.env.PATH = savedPath
    }
  })
})
