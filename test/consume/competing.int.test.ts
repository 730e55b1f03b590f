/**
 * Competing consumers: three `graphpipe consume --drain` processes (the built CLI) on one
 * subscription, against the live target and against one embedded data dir they share.
 * CONSUME_TEST_MESSAGES=50000 runs the full size (CI default 5000).
 */
import { Database } from 'arangojs'
import { describe, expect, it } from 'vitest'

import { startEngineServer } from '../../src/engine/http/server.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import {
  expectExactGraph,
  publishAll,
  requireBuild,
  seedMessages,
  started,
  summaryOf,
  useCli,
} from './support.js'

const N = Number(process.env.CONSUME_TEST_MESSAGES ?? 5000)
requireBuild()
const emu = usePubSubEmulator()

describe('competing consumer processes', () => {
  const target = useTestTarget({ scope: 'test' })
  const cli = useCli(emu)

  async function competing(
    args: string[],
    env: Record<string, string>,
    check: (e: ReturnType<typeof seedMessages>['expected']) => Promise<void>,
  ) {
    const { messages, expected } = seedMessages(N, 11)
    const { topic, sub } = await cli.topicAndSub()
    // --max-batch 500 caps each consumer's flow control at 1000 messages: all three get work
    const runs = [0, 1, 2].map(() =>
      cli.consumer(sub, ['--drain', '--idle', '3s', '--max-batch', '500', ...args], env),
    )
    await Promise.all(runs.map(started))
    await publishAll(topic, messages)
    const codes = await Promise.all(runs.map((r) => r.exit))
    expect(codes, runs.map((r) => r.stderr().slice(-2000)).join('\n---\n')).toEqual([0, 0, 0])
    const acked = runs.map((r) => summaryOf(r)?.acked ?? 0)
    for (const a of acked) expect(a).toBeGreaterThan(0)
    expect(acked.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(N)
    await check(expected)
  }

  it(`three consumers on one subscription write ${N} messages into exactly the expected graph`, async () => {
    await competing([], target.env(), (expected) => expectExactGraph(target.db, expected))
  }, 300_000)

  it('three consumers sharing one embedded data dir write exactly the expected graph', async () => {
    const dataDir = cli.tmpDir('gp-consume-shared-')
    await competing(['--data-dir', dataDir], {}, async (expected) => {
      const engine = await startEngineServer({ dataDir, port: 0 })
      const db = new Database({ url: engine.url })
      try {
        await expectExactGraph(db, expected)
      } finally {
        db.close()
        await engine.close()
      }
    })
  }, 300_000)
})
