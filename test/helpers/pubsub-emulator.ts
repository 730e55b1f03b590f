/**
 * The Pub/Sub emulator for integration tests. Uses PUBSUB_EMULATOR_HOST when it is set (a CI
 * service or a vitest globalSetup), else starts Google's emulator for this test file and stops its
 * whole process group afterwards. Every test file gets its own project id, so files sharing one
 * emulator never see each other's topics or subscriptions.
 *
 *   const emu = usePubSubEmulator()
 *   it('...', async () => { const ps = pubsubClient(emu.host, emu.projectId) }) // test/consume/support.ts
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'

import { startEmulator, type RunningEmulator } from '../../src/pubsub/emulator.js'

export interface PubSubEmulatorHandle {
  /** `HOST:PORT` of the emulator. */
  readonly host: string
  /** A project id unique to this test file. */
  readonly projectId: string
  /** Environment for a child process (the built CLI) pointed at this emulator and project. */
  env(): Record<string, string>
  /** A name unique within this file, for topics and subscriptions. */
  unique(prefix: string): string
}

/** A project id nobody else uses: Pub/Sub project ids are 6-30 chars, lowercase, digits, hyphens. */
export function uniqueProjectId(): string {
  return `gp-test-${randomBytes(6).toString('hex')}`
}

export function usePubSubEmulator(): PubSubEmulatorHandle {
  let running: RunningEmulator | undefined
  let host: string | undefined
  const projectId = uniqueProjectId()
  let counter = 0

  beforeAll(async () => {
    const fromEnv = process.env.PUBSUB_EMULATOR_HOST
    if (fromEnv) {
      host = fromEnv
      return
    }
    running = await startEmulator()
    host = running.host
  }, 60_000)

  afterAll(async () => {
    await running?.stop()
    running = undefined
  }, 30_000)

  return {
    get host(): string {
      if (!host) throw new Error('the Pub/Sub emulator is not started yet (use it inside tests or hooks)')
      return host
    },
    get projectId(): string {
      return projectId
    },
    env(): Record<string, string> {
      return { PUBSUB_EMULATOR_HOST: this.host, GOOGLE_CLOUD_PROJECT: projectId }
    },
    unique(prefix: string): string {
      counter += 1
      return `${prefix}-${counter}-${randomBytes(3).toString('hex')}`
    },
  }
}

export interface ReceivedMessage {
  id: string
  data: string
  attributes: Record<string, string>
  orderingKey: string
}

/**
 * Open `sub` with `{ streamingOptions: { maxStreams: 1 } }` when order matters: with the client's
 * default of 5 streams, the emulator can hand messages of one ordering key to different streams.
 *
 * Acks and collects messages from `sub` until `count` arrived (then waits `settleMs` more, so that
 * extra deliveries would be caught) or `timeoutMs` passed; closes the subscriber.
 */
export async function collectMessages(
  sub: import('@google-cloud/pubsub').Subscription,
  count: number,
  { timeoutMs = 20_000, settleMs = 300 } = {},
): Promise<ReceivedMessage[]> {
  const got: ReceivedMessage[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs)
      sub.on('message', (m: import('@google-cloud/pubsub').Message) => {
        m.ack()
        got.push({
          id: m.id,
          data: m.data.toString('utf8'),
          attributes: { ...m.attributes },
          orderingKey: m.orderingKey ?? '',
        })
        if (got.length === count) {
          clearTimeout(timer)
          setTimeout(resolve, settleMs)
        }
      })
      sub.on('error', (e) => {
        clearTimeout(timer)
        reject(e)
      })
    })
  } finally {
    sub.removeAllListeners()
    await sub.close()
  }
  return got
}
