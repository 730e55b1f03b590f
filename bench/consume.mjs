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

import { resolveSettings, startConsumer } from '../dist/consume/index.js'
import { Consumer, subscriberOptions } from '../dist/consume/consumer.js'
import { OrderedWriter } from '../dist/consume/txwriter.js'
import { twitterMapper } from '../dist/mapping/mapping.js'
import { startEmbeddedEngine } from '../dist/engine/index.js'
import { startEmulator } from '../dist/pubsub/emulator.js'
import { TICK, jvmTicks, tasks } from './lib/cpu.mjs'
import { seedMessages } from './lib/seed-messages.mjs'
import { FLOOR_DOC, FloorWriter } from './lib/floor-writer.mjs'

const N = Number(process.env.BENCH_MESSAGES ?? 100_000)
const SEED_SAMPLE = Math.min(N, Number(process.env.BENCH_SEED_SAMPLE ?? 3000))
const SEED_CONCURRENCY = Number(process.env.BENCH_SEED_CONCURRENCY ?? 4)
const GOAL = 20
const log = (m) => process.stderr.write(`${m}\n`)

// Seed-shaped messages over n / 5 users (at least 100).
function messages(n) {
  const next = seedMessages(Math.max(100, Math.floor(n / 5)))
  return Array.from({ length: n }, (_, i) => next(i))
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

// --- CPU accounting from /proc (Linux): who used the 2 cores during a timed drain
function emulatorPid(port) {
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8')
      if (cmd.includes(`--port=${port}`) && cmd.includes('java')) return p
    } catch {
      // gone
    }
  }
  return undefined
}
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
/** Snapshot now; `cpuSince(snap)` gives cores used per party since. Engine threads: those not in `notEngine`. */
function cpuSnap(notEngine) {
  const total = process.cpuUsage()
  return {
    at: performance.now(),
    tasks: tasks(),
    total: (total.user + total.system) / 1e4, // µs -> ticks
    emu: emuPid ? jvmTicks(emuPid) : { jit: 0, gc: 0, work: 0 },
    notEngine,
  }
}
function cpuSince(a) {
  const b = cpuSnap(a.notEngine)
  const s = (b.at - a.at) / 1000
  const c = (x) => +(x / TICK / s).toFixed(2)
  const main = String(process.pid)
  let engine = 0
  // threads started meanwhile (the engine's query workers start on demand) count from 0
  if (a.notEngine)
    for (const [tid, v] of b.tasks) if (!a.notEngine.has(tid)) engine += v - (a.tasks.get(tid) ?? 0)
  const dMain = (b.tasks.get(main) ?? 0) - (a.tasks.get(main) ?? 0)
  return {
    emulator: c(b.emu.jit + b.emu.gc + b.emu.work - a.emu.jit - a.emu.gc - a.emu.work),
    // of which compiling itself (the emulator's JVM still warming up) and collecting garbage
    emulatorJit: c(b.emu.jit - a.emu.jit),
    emulatorGc: c(b.emu.gc - a.emu.gc),
    consumer: c(dMain), // the main thread: Pub/Sub client, parsing, mapping, resolving
    engine: c(engine), // the engine's HTTP worker and query workers
    other: c(b.total - a.total - dMain - engine), // GC helpers, libuv
  }
}
const fmtCpu = (c, seconds, n) =>
  `CPU cores: emulator ${c.emulator} (JIT ${c.emulatorJit}, GC ${c.emulatorGc}), consumer thread ${c.consumer}, engine threads ${c.engine}, other node threads ${c.other}` +
  (seconds
    ? `; CPU µs/message: ${['emulator', 'consumer', 'engine', 'other'].map((k) => `${k} ${Math.round((c[k] * seconds * 1e6) / n)}`).join(', ')}`
    : '')
let emuPid

// --- ordering on vs --order none vs the raw pull rate, each draining its own copy of one backlog.
// All three read a subscription made the same way, with the consumer's subscriber settings
// (flow control, lease), the same messages, and ack every message; the clock runs from opening
// the stream to the last message handled (raw: received and acked; consume: its window committed).
// A fourth drain measures the bookkeeping floor (bench/lib/floor-writer.mjs): --order none's
// consumer whose writer also reads and writes one small bookkeeping document per vertex in one
// transaction, deciding nothing; what no ordered writer keeping per-vertex bookkeeping can beat
// (BENCH_FLOOR_DOC=real: documents of the real ones' size instead, see floor-writer.mjs).
async function orderBench() {
  const M = Number(process.env.BENCH_ORDER_MESSAGES ?? Math.min(N, 20_000))
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3)
  const settings = resolveSettings({ window: '1s' })
  const subOpts = subscriberOptions(settings)
  let seq = 0
  const backlog = async (name, count = M) => {
    const id = `bench-${name}-${seq++}`
    const [t] = await client.createTopic(id)
    await t.createSubscription(`${id}-sub`, { ackDeadlineSeconds: 60 })
    for (let i = 0; i < count; i += 5000)
      await Promise.all(msgs.slice(i, Math.min(i + 5000, count)).map((m) => t.publishMessage({ json: m })))
    return `${id}-sub`
  }
  // every backlog of a round is published before its first timed run (the emulator's work of
  // taking them in stays out of the timed runs), then aged until its last window is due (1 s
  // window + the default 2 s grace), so that the drains measure writing, not the windows' wait
  const backlogs = async () => {
    const b = {
      receipt: await backlog('raw-receipt'),
      consumer: await backlog('raw-consumer'),
      'none-warm': await backlog('none-warm', Math.min(M, 4000)),
      none: await backlog('none'),
      'event-time-warm': await backlog('event-time-warm', Math.min(M, 4000)),
      'event-time': await backlog('event-time'),
      'floor-warm': await backlog('floor-warm', Math.min(M, 4000)),
      floor: await backlog('floor'),
    }
    await new Promise((r) => setTimeout(r, 5000))
    return b
  }
  // the raw pull, two ways: acking each message as it arrives, and (the limit the goal uses) the
  // consumer itself with a writer that writes nothing: its windows, flow control and acks (a
  // window's messages acked together once it is "written"), no parsing, no database
  const raw = async (subName, count = M, mode = 'consumer') => {
    const cpu0 = cpuSnap(undefined)
    const sub = client.subscription(subName, subOpts)
    const t1 = performance.now()
    if (mode === 'receipt')
      return new Promise((resolve) => {
        const seen = new Set()
        sub.on('message', (m) => {
          m.ack()
          seen.add(m.id)
          if (seen.size === count) {
            const s = (performance.now() - t1) / 1000
            const cpu = cpuSince(cpu0)
            sub.close().then(() => resolve({ rate: count / s, seconds: s, cpu }))
          }
        })
      })
    class NothingWriter extends OrderedWriter {
      async writeOrdered(messages) {
        return {
          vertices: 0,
          edges: 0,
          deadLetters: 0,
          deletes: 0,
          superseded: 0,
          writeMs: 0,
          n: messages.length,
        }
      }
    }
    const seen = new Set()
    let last = 0
    let cpu
    const consumer = new Consumer(
      sub,
      twitterMapper(),
      new NothingWriter(undefined, { deadLetterCollection: 'unused' }),
      { ...settings, drain: true, idleMs: 1000 },
      {
        onWindow: () => {
          last = performance.now()
        },
      },
    )
    sub.on('message', (m) => {
      seen.add(m.id)
    })
    const done = consumer.run()
    await new Promise((resolve) => {
      const poll = setInterval(() => {
        if (consumer.stats.acked >= count && seen.size >= count) {
          clearInterval(poll)
          cpu = cpuSince(cpu0)
          resolve()
        }
      }, 5)
    })
    await done
    const s = (last - t1) / 1000
    return { rate: count / s, seconds: s, cpu }
  }
  const drain = async (order, b) => {
    // tids that exist before the engine starts are not the engine's (libuv's pool started first)
    await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(os.tmpdir())))
    const before = new Set(tasks().keys())
    const e = await engine(`gp-bench-${order}-`)
    // warm-up (not timed): the same drain on a small backlog into another database of the same
    // engine, so that the timed drain runs warm code in both threads, as a running consumer does
    const warmDb = await e.db.createDatabase('warmup')
    const warmSub = b[`${order}-warm`]
    // the floor (bench/lib/floor-writer.mjs): --order none's consumer with the floor's writer
    const start =
      order === 'floor'
        ? async (db, subName, idle, hooks = {}) => {
            const writer = new FloorWriter(db, { deadLetterCollection: 'graphpipe_deadletters' })
            const mapper = twitterMapper()
            await writer.prepare(mapper)
            const settings = resolveSettings({ window: '1s', idle, order: 'none' })
            const consumer = new Consumer(
              client.subscription(subName, subscriberOptions(settings)),
              mapper,
              writer,
              { ...settings, drain: true, prefetch: process.env.BENCH_PREFETCH !== '0' },
              { onWindow: hooks.onWindow },
            )
            hooks.onStart?.()
            return { consumer, done: consumer.run() }
          }
        : (db, subName, idle, hooks) =>
            startConsumer(
              db,
              async (subscriber) => client.subscription(subName, subscriber),
              { window: '1s', drain: true, idle, order, prefetch: process.env.BENCH_PREFETCH !== '0' },
              hooks,
            )
    await (
      await start(warmDb, warmSub, '1s')
    ).done
    const subName = b[order]
    let last = 0
    let t1 = 0
    let cpu0
    let timeline
    let r
    r = await start(e.db, subName, '3s', {
      onStart: () => {
        t1 = performance.now()
        cpu0 = cpuSnap(before)
      },
      onWindow: (w) => {
        last = performance.now()
        if (process.env.BENCH_VERBOSE)
          log(
            `  ${order} ${((last - t1) / 1000).toFixed(2)}s: ${w.messages} messages, write ${w.writeMs} ms${w.early ? ' (early)' : ''}, received ${r?.consumer.stats.received ?? '?'}${w.phases ? ` ${JSON.stringify(w.phases)}` : ''}`,
          )
      },
    })
    if (process.env.BENCH_VERBOSE)
      timeline = setInterval(
        () =>
          log(
            `  ${order} ${((performance.now() - t1) / 1000).toFixed(2)}s received ${r.consumer.stats.received}`,
          ),
        250,
      )
    const cpuAtEnd = await new Promise((resolve) => {
      // CPU up to the last commit (the drain's idle wait after it is not timed)
      const poll = setInterval(() => {
        if (r.consumer.stats.acked >= M && last > 0) {
          clearInterval(poll)
          resolve(cpuSince(cpu0))
        }
      }, 20)
    })
    const sum = await r.done
    clearInterval(timeline)
    const versions = order === 'event-time' ? (await e.db.collection('graphpipe_versions').count()).count : 0
    await e.close()
    const s = (last - t1) / 1000
    return { rate: M / s, seconds: s, cpu: cpuAtEnd, acked: sum.acked, windows: sum.windows, versions }
  }
  // warm-up (not timed): the emulator's JIT and ours, so the first timed run is not the cold one
  await raw(await backlog('warm', Math.min(M, 5000)), Math.min(M, 5000))
  // The emulator is a JVM started for this run, and its compilers keep taking a share of a core
  // for tens of thousands of messages (0.3 of a core during the first round's `--order none`
  // drain, 0.05-0.15 in the next rounds), which a long-running emulator does not: the first
  // BENCH_WARM_ROUNDS rounds (default 1) run the same drains and are reported but not counted.
  const warmRounds = Number(process.env.BENCH_WARM_ROUNDS ?? 1)
  const runs = { raw: [], receipt: [], none: [], ordered: [], floor: [] }
  for (let i = 0; i < warmRounds + rounds; i++) {
    const counted = i >= warmRounds
    const b = process.env.BENCH_ONLY ? undefined : await backlogs()
    const l0 = loadavg()
    for (const [mode, list, what] of [
      ['receipt', runs.receipt, 'raw pull, acked on receipt'],
      ['consumer', runs.raw, "raw pull, the consumer's windows and acks, nothing written"],
    ]) {
      const rr = process.env.BENCH_ONLY ? { rate: NaN, seconds: NaN, cpu: {} } : await raw(b[mode], M, mode)
      log(
        `${counted ? '' : '(warm-up round, not counted) '}${what}: ${M} messages at ${Math.round(rr.rate)} messages/s (${rr.seconds.toFixed(2)} s); ${fmtCpu(rr.cpu, rr.seconds, M)}; load ${l0}`,
      )
      if (counted) list.push(rr)
    }
    for (const [order, list] of [
      ['none', runs.none],
      ['event-time', runs.ordered],
      ['floor', runs.floor],
    ].filter(([o]) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === o)) {
      const l = loadavg()
      const d = await drain(order, b ?? (await backlogs()))
      log(
        `${counted ? '' : '(warm-up round, not counted) '}consume --order ${order}: ${M} messages at ${Math.round(d.rate)} messages/s (${d.seconds.toFixed(2)} s, ${d.windows} writes, ${d.acked} acked, ${d.versions} bookkeeping documents); ${fmtCpu(d.cpu, d.seconds, M)}; load ${l}`,
      )
      if (counted) list.push(d)
    }
  }
  const median = (l) => [...l].sort((a, b) => a.rate - b.rate)[Math.floor(l.length / 2)]
  return {
    M,
    rounds,
    warmRounds,
    load: loadavg(),
    raw: median(runs.raw),
    receipt: median(runs.receipt),
    none: median(runs.none),
    ordered: median(runs.ordered),
    floor: median(runs.floor),
  }
}

const emulator = await startEmulator()
emuPid = emulatorPid(emulator.port)
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
  result.order = await orderBench()
} finally {
  await client.close()
  await emulator.stop()
}

if (result.seedRate) {
  const ratio = result.gpRate / result.seedRate
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
}
if (result.order) {
  const { raw, receipt, none, ordered, floor, M, rounds, warmRounds, load } = result.order
  const cpu = (c) =>
    `emulator ${c.emulator}, consumer ${c.consumer}, engine ${c.engine}, other ${c.other} cores`
  console.log(
    JSON.stringify({
      figure: `consume: raw Pub/Sub pull of ${M} messages, acked on receipt (emulator, the consumer's subscriber settings)`,
      value: Math.round(receipt.rate),
      unit: 'messages/s',
      cpu: cpu(receipt.cpu),
    }),
  )
  console.log(
    JSON.stringify({
      figure: `consume: raw Pub/Sub pull of ${M} messages, acked as the consumer acks (its windows, nothing written): the limit`,
      value: Math.round(raw.rate),
      unit: 'messages/s',
      cpu: cpu(raw.cpu),
      rounds,
      warmRounds,
      load,
    }),
  )
  console.log(
    JSON.stringify({
      figure: `consume --order none: ${M} messages backlog (vs raw pull)`,
      value: Math.round(none.rate),
      unit: 'messages/s',
      ratio: +(none.rate / raw.rate).toFixed(2),
      goal: 0.9,
      met: none.rate / raw.rate >= 0.9,
      cpu: cpu(none.cpu),
    }),
  )
  console.log(
    JSON.stringify({
      figure: `consume --order event-time: ${M} messages backlog (vs --order none)`,
      value: Math.round(ordered.rate),
      unit: 'messages/s',
      ratio: +(ordered.rate / none.rate).toFixed(2),
      goal: 0.7,
      met: ordered.rate / none.rate >= 0.7,
      cpu: cpu(ordered.cpu),
    }),
  )
  if (floor)
    console.log(
      JSON.stringify({
        figure: `consume, the bookkeeping floor: --order none's writes in one transaction plus one bookkeeping document read and written per vertex (${FLOOR_DOC === 'small' ? 'a small one' : `BENCH_FLOOR_DOC=${FLOOR_DOC}`}), nothing resolved (bench/lib/floor-writer.mjs): ${M} messages backlog (vs --order none)`,
        value: Math.round(floor.rate),
        unit: 'messages/s',
        ratio: +(floor.rate / none.rate).toFixed(2),
        eventTimeOfFloor: +(ordered.rate / floor.rate).toFixed(2),
        cpu: cpu(floor.cpu),
      }),
    )
}
