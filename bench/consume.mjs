#!/usr/bin/env node
// bench/consume: seed-shaped messages through publish -> graphpipe consume (window 1s) -> the
// embedded engine, end to end, against the seed's approach (per user: a GET, then an insert or
// an update, then one insert per follow edge; one request each) on the same messages in the
// same run. Starts its own Pub/Sub emulator and engines; needs `npm run build` first.
//
//   node bench/consume.mjs              # 100,000 messages; the seed approach on a 3,000 sample
//   BENCH_MESSAGES=20000 BENCH_SEED_SAMPLE=1000 node bench/consume.mjs
//
// The seed approach is timed on a sample (its rate per message does not depend on the count) and
// without Pub/Sub in the way, which only flatters it. Last stdout lines: JSON figure objects.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { PubSub } from '@google-cloud/pubsub'
import { Database } from 'arangojs'

import { startConsumer } from '../dist/consume/index.js'
import { startEmbeddedEngine } from '../dist/engine/index.js'
import { startEmulator } from '../dist/pubsub/emulator.js'

const N = Number(process.env.BENCH_MESSAGES ?? 100_000)
const SEED_SAMPLE = Math.min(N, Number(process.env.BENCH_SEED_SAMPLE ?? 3000))
const SEED_CONCURRENCY = Number(process.env.BENCH_SEED_CONCURRENCY ?? 4)
const GOAL = 20
const log = (m) => process.stderr.write(`${m}\n`)

// Seed-shaped messages: two users each, one following one user, one following two.
function messages(n) {
  let a = 12345 // mulberry32
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pool = Math.max(100, Math.floor(n / 5))
  const u = () => `user${Math.floor(rand() * pool)}`
  const out = []
  for (let i = 0; i < n; i++) {
    out.push({
      message: 'success',
      data: [
        {
          username: u(),
          first_name: `First${i}`,
          last_name: 'Example',
          email: `p${i}@example.com`,
          follow: u(),
        },
        { username: u(), first_name: `Other${i}`, city: 'Springfield', follow: [u(), u()] },
      ],
    })
  }
  return out
}

async function seedApproach(db, msgs) {
  const users = await db.createCollection('users')
  const follow = await db.createEdgeCollection('follow')
  let next = 0
  let errors = 0
  const worker = async () => {
    while (next < msgs.length) {
      const m = msgs[next++]
      for (const rec of m.data) {
        const { follow: f, ...attrs } = rec
        const doc = { _key: rec.username, ...attrs }
        try {
          const exists = await users.documentExists(rec.username)
          if (exists) await users.update(rec.username, attrs)
          else await users.save(doc)
        } catch {
          errors++ // the seed's race: another element inserted the same user first
        }
        for (const t of Array.isArray(f) ? f : f ? [f] : []) {
          await follow.save({ _from: `users/${rec.username}`, _to: `users/${t}` })
        }
      }
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker))
  const s = (performance.now() - t0) / 1000
  return { rate: msgs.length / s, seconds: s, errors }
}

async function engine(prefix) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  // as the CLI does: the engine in a worker thread, so its SQLite work never blocks the Pub/Sub client
  const server = await startEmbeddedEngine({ dataDir })
  const db = new Database({ url: server.url })
  return {
    db,
    close: async () => {
      db.close()
      await server.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const emulator = await startEmulator()
const projectId = 'bench-consume'
const client = new PubSub({ apiEndpoint: emulator.host, projectId, emulatorMode: true })
const msgs = messages(N)
let result = {}
try {
  // BENCH_ORDER_ONLY=1: only the ordering/none/raw-pull part (e.g. for profiling it)
  if (!process.env.BENCH_ORDER_ONLY) {
    // --- graphpipe consume, end to end
    const gp = await engine('gp-bench-consume-')
    const [topic] = await client.createTopic('bench-users')
    await topic.createSubscription('bench-users-sub', { ackDeadlineSeconds: 60 })
    let acked = 0
    let lastCommit = 0
    let writes = 0
    let t0 = performance.now()
    const running = await startConsumer(
      gp.db,
      async (subscriber) => client.subscription('bench-users-sub', subscriber),
      // the first message may take seconds to arrive on a loaded machine: idle is not timed
      { window: '1s', drain: true, idle: '10s' },
      {
        onWindow: (w) => {
          acked += w.messages
          writes++
          lastCommit = performance.now()
          if (process.env.BENCH_VERBOSE)
            log(
              `${((lastCommit - t0) / 1000).toFixed(1)}s window ${w.windowStart} ${w.messages} msgs write ${w.writeMs} ms`,
            )
        },
      },
    )
    t0 = performance.now()
    for (let i = 0; i < msgs.length; i += 5000) {
      await Promise.all(msgs.slice(i, i + 5000).map((m) => topic.publishMessage({ json: m })))
    }
    const published = performance.now()
    log(`published ${N} messages in ${((published - t0) / 1000).toFixed(1)} s`)
    const summary = await running.done
    const e2e = (lastCommit - t0) / 1000
    // unique messages: a publish retried under load may deliver a message twice, which only costs us
    const gpRate = N / e2e
    const users = (await gp.db.collection('users').count()).count
    const edges = (await gp.db.collection('follow').count()).count
    log(
      `graphpipe consume: ${summary.acked} deliveries of ${N} messages (${acked} in window reports) in ${writes} writes, ${e2e.toFixed(1)} s end to end = ${Math.round(gpRate)} messages/s; ${users} users, ${edges} edges`,
    )
    await gp.close()

    // --- the seed's approach on a sample of the same messages
    const seed = await engine('gp-bench-seed-')
    const s = await seedApproach(seed.db, msgs.slice(0, SEED_SAMPLE))
    log(
      `seed approach: ${SEED_SAMPLE} messages in ${s.seconds.toFixed(1)} s = ${Math.round(s.rate)} messages/s (${SEED_CONCURRENCY} in parallel, ${s.errors} failed requests)`,
    )
    await seed.close()
    result = { gpRate, seedRate: s.rate }
  }

  // --- ordering on vs --order none vs the raw pull rate, each draining the same backlog
  const M = Number(process.env.BENCH_ORDER_MESSAGES ?? Math.min(N, 20_000))
  const backlog = async (name) => {
    const [t] = await client.createTopic(`bench-${name}`)
    await t.createSubscription(`bench-${name}-sub`, { ackDeadlineSeconds: 60 })
    for (let i = 0; i < M; i += 5000)
      await Promise.all(msgs.slice(i, i + 5000).map((m) => t.publishMessage({ json: m })))
    // a backlog is old: wait until its last window is due (1 s window + the default 2 s grace),
    // so that the drains measure writing, not the windows' wait (the raw pull waits the same)
    await new Promise((r) => setTimeout(r, 3000))
    return `bench-${name}-sub`
  }
  const rawSub = await backlog('raw')
  const rawRate = await new Promise((resolve) => {
    const sub = client.subscription(rawSub, { flowControl: { maxMessages: 20_000 } })
    let n = 0
    const t1 = performance.now()
    sub.on('message', (m) => {
      m.ack()
      if (++n === M) {
        const r = M / ((performance.now() - t1) / 1000)
        sub.close().then(() => resolve(r))
      }
    })
  })
  log(`raw pull: ${M} messages at ${Math.round(rawRate)} messages/s`)
  const drain = async (order) => {
    const e = await engine(`gp-bench-${order}-`)
    const subName = await backlog(order)
    let last = 0
    let reads = 0
    const t1 = performance.now()
    const r = await startConsumer(
      e.db,
      async (subscriber) => client.subscription(subName, subscriber),
      { window: '1s', drain: true, idle: '3s', order },
      {
        onWindow: (w) => {
          last = performance.now()
          if (process.env.BENCH_VERBOSE)
            log(
              `  ${order} ${((last - t1) / 1000).toFixed(2)}s: ${w.messages} messages, write ${w.writeMs} ms${w.early ? ' (early)' : ''}`,
            )
        },
        onStart: () =>
          process.env.BENCH_VERBOSE &&
          log(`  ${order} started ${((performance.now() - t1) / 1000).toFixed(2)}s`),
      },
    )
    const sum = await r.done
    const versions = order === 'none' ? 0 : (await e.db.collection('graphpipe_versions').count()).count
    reads = versions
    await e.close()
    const rate = sum.acked / ((last - t1) / 1000)
    log(
      `consume --order ${order}: ${sum.acked} messages at ${Math.round(rate)} messages/s (${reads} bookkeeping documents)`,
    )
    return rate
  }
  const orderedRate = await drain('event-time')
  const noneRate = await drain('none')
  result.order = { rawRate, orderedRate, noneRate, M }
} finally {
  await client.close()
  await emulator.stop()
}

const ratio = result.gpRate / result.seedRate
if (result.seedRate)
  console.log(
    JSON.stringify({
      figure: 'consume: seed approach (GET + insert/update + edge insert per user)',
      value: Math.round(result.seedRate),
      unit: 'messages/s',
    }),
  )
console.log(
  JSON.stringify({
    figure: `consume: ${N} messages publish -> consume (1s windows) -> embedded, end to end`,
    value: Math.round(result.gpRate),
    unit: 'messages/s',
    ratio: +ratio.toFixed(1),
    goal: GOAL,
    met: ratio >= GOAL,
  }),
)
if (result.order) {
  const { rawRate, orderedRate, noneRate, M } = result.order
  console.log(
    JSON.stringify({
      figure: `consume: raw Pub/Sub pull of ${M} messages (emulator)`,
      value: Math.round(rawRate),
      unit: 'messages/s',
    }),
  )
  console.log(
    JSON.stringify({
      figure: `consume --order none: ${M} messages backlog`,
      value: Math.round(noneRate),
      unit: 'messages/s',
      ratio: +(noneRate / rawRate).toFixed(2),
      goal: 0.9,
      met: noneRate / rawRate >= 0.9,
    }),
  )
  console.log(
    JSON.stringify({
      figure: `consume --order event-time: ${M} messages backlog (cost vs --order none)`,
      value: Math.round(orderedRate),
      unit: 'messages/s',
      ratio: +(orderedRate / noneRate).toFixed(2),
      goal: 0.7,
      met: orderedRate / noneRate >= 0.7,
    }),
  )
}
