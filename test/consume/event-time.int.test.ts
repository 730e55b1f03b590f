/**
 * End to end with the emulator and the built CLI: conflicting updates, follows, unfollows and
 * deletions published in shuffled order with the event time in an attribute, consumed by three
 * competing `graphpipe consume --event-time-attribute ts`, one killed with SIGKILL mid-run and a
 * fresh one started: the graph equals the event-time truth (attributes, deleted users absent,
 * every edge present or gone as it should).
 */
import { describe, expect, it } from 'vitest'

import { prng } from '../helpers/prng.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import {
  emptyGraph,
  requireBuild,
  sleep,
  started,
  useCli,
  waitForExactGraph,
  type ExpectedGraph,
} from './support.js'
import { truth, type Rec } from './truth.js'

requireBuild()
const emu = usePubSubEmulator()

const N = 1500
const USERS = 150

function workload(seed: number): { records: Rec[]; times: number[] } {
  const rand = prng(seed)
  const u = () => `u${Math.floor(rand() * USERS)}`
  const base = Date.now() - 3_600_000
  const records: Rec[] = []
  const times: number[] = []
  for (let i = 0; i < N; i++) {
    const r = rand()
    const user = u()
    if (r < 0.6) records.push({ username: user, email: `${user}-${i}@x`, score: i, follow: u() })
    else if (r < 0.85) records.push({ username: user, unfollow: u() })
    else if (r < 0.93) records.push({ username: user, deleted: true })
    else records.push({ username: user, score: i })
    times.push(base + i * 7) // unique event times: the order is the truth's, no ties to break
  }
  return { records, times }
}

describe('event time end to end', () => {
  const target = useTestTarget()
  const cli = useCli(emu)

  it(
    'shuffled publish order, three competing consumers, a kill -9 and a restart: the event-time truth',
    async () => {
      const { records, times } = workload(41)
      const t = truth(records.map((r, i) => ({ id: String(i), eventTime: times[i], records: [r] })))
      const expected: ExpectedGraph = emptyGraph()
      for (const [k, doc] of t.users) expected.users.set(k, { ...doc, _key: k })
      for (const e of t.edges) {
        const [f, to] = e.split('\t')
        expected.edges.add(`users/${f}\tusers/${to}`)
      }
      const { topic, sub } = await cli.topicAndSub(10)
      const rand = prng(9)
      const order = records.map((_, i) => i).sort(() => rand() - 0.5)
      const extra = ['--event-time-attribute', 'ts', '--min-ack-deadline', '10s', '--max-batch', '200']
      const consumers = [0, 1, 2].map(() => cli.consumer(sub, extra, target.env()))
      for (const c of consumers) await started(c)
      const publisher = (async () => {
        for (let i = 0; i < order.length; i += 100) {
          await Promise.all(
            order.slice(i, i + 100).map((j) =>
              topic.publishMessage({
                data: Buffer.from(JSON.stringify({ message: 'success', data: [records[j]] })),
                // half epoch ms, half RFC 3339: both are event times
                attributes: { ts: j % 2 ? String(times[j]) : new Date(times[j]).toISOString() },
              }),
            ),
          )
          await sleep(50)
        }
      })()
      await sleep(800)
      consumers[1].child.kill('SIGKILL')
      await consumers[1].exit
      const restarted = cli.consumer(sub, extra, target.env())
      await started(restarted)
      await publisher
      // redelivery rounds of the emulator and, when the kill hit a window, the engine's write lock
      // held until the 60 s streaming idle timeout (see crash.int.test.ts)
      await waitForExactGraph(target.db, expected, 150_000)
      // the bookkeeping is beside the data
      const stray = await (
        await target.db.query(
          'FOR u IN users FILTER LENGTH(ATTRIBUTES(u, true)) > 0 FOR a IN ATTRIBUTES(u, true) FILTER a NOT IN ["username", "email", "score"] LIMIT 1 RETURN a',
        )
      ).all()
      expect(stray).toEqual([])
      for (const c of [consumers[0], consumers[2], restarted]) c.child.kill('SIGTERM')
      for (const c of [consumers[0], consumers[2], restarted]) expect(await c.exit).toBe(0)
    },
    { timeout: 240_000 },
  )
})
