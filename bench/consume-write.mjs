#!/usr/bin/env node
// bench/consume-write: the consumer's write path alone (no Pub/Sub: the messages are made here and
// handed to the writer as the consumer hands them over), against the embedded engine, as the
// graph grows. Seed-shaped messages (two users each, three follows; BENCH_USERS distinct users)
// are written in writes of BENCH_WRITE messages, one after the other (mapping, plan, requests,
// commit), and the rate is printed per BENCH_CHUNK messages with the number of follow edges:
// what a long-running consumer sees as its graph grows.
//
//   node bench/consume-write.mjs                      # 160,000 messages per run
//   BENCH_MESSAGES=400000 node bench/consume-write.mjs
//
// Runs: --order none with writes of 4,000 and of 10,000 messages (--max-batch's default), and
// --order event-time with writes of 4,000 and of 10,000, and of 4,000 by three writers taking
// the writes in turn (as competing consumers do). Each figure says the CPU per message of the writer's
// thread and of the engine's threads.
// Last stdout lines: JSON figure objects.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Database } from 'arangojs'

import { GraphWriter } from '../dist/consume/writer.js'
import { OrderedWriter, writeMessages } from '../dist/consume/txwriter.js'
import { twitterMapper } from '../dist/mapping/mapping.js'
import { startEmbeddedEngine } from '../dist/engine/index.js'
import { TICK, tasks } from './lib/cpu.mjs'
import { seedMessages } from './lib/seed-messages.mjs'

const N = Number(process.env.BENCH_MESSAGES ?? 160_000)
const USERS = Number(process.env.BENCH_USERS ?? 20_000)
const CHUNK = Number(process.env.BENCH_CHUNK ?? 40_000)
const log = (m) => process.stderr.write(`${m}\n`)

/** Messages [from, from + n) as the consumer hands them to the writer (ids, publish times). */
function generator() {
  const next = seedMessages(USERS)
  return (from, n) =>
    Array.from({ length: n }, (_, j) => {
      const i = from + j
      return {
        id: String(i),
        seq: i,
        publishTime: 1e12 + i,
        attributes: {},
        data: Buffer.from(JSON.stringify(next(i))),
      }
    })
}

/** CPU µs per message of the writer's (main) thread and the engine's (threads started after `before`). */
function cpuPerMessage(before, a, b, n) {
  const main = String(process.pid)
  let engine = 0
  for (const [t, v] of b) if (!before.has(t)) engine += v - (a.get(t) ?? 0)
  const us = (ticks) => Math.round((ticks * 1e6) / TICK / n)
  return { writer: us((b.get(main) ?? 0) - (a.get(main) ?? 0)), engine: us(engine) }
}

async function run(order, write, { writers: count = 1 } = {}) {
  const before = new Set(tasks().keys())
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-bench-cw-'))
  const server = await startEmbeddedEngine({ dataDir })
  const db = new Database({ url: server.url })
  const mapper = twitterMapper()
  const opts = { deadLetterCollection: 'graphpipe_deadletters' }
  const writers = Array.from({ length: count }, () =>
    order === 'none' ? new GraphWriter(db, opts) : new OrderedWriter(db, opts),
  )
  for (const w of writers) await w.prepare(mapper)
  const messages = generator()
  const chunks = []
  let t0 = performance.now()
  let cpu0 = tasks()
  for (let i = 0, n = 0; i < N; i += write, n++) {
    await writeMessages(writers[n % count], mapper, messages(i, Math.min(write, N - i)), {
      tombstoneTtlMs: 7 * 86_400_000,
    })
    const done = Math.min(N, i + write)
    if (done % CHUNK === 0 || done === N) {
      const s = (performance.now() - t0) / 1000
      const cpu1 = tasks()
      const edges = (await db.collection('follow').count()).count
      const n = done - (chunks.at(-1)?.upTo ?? 0)
      const cpu = cpuPerMessage(before, cpu0, cpu1, n)
      chunks.push({ upTo: done, rate: n / s, edges, cpu })
      log(
        `--order ${order}, writes of ${write} (writers: ${count}): messages up to ${done} at ${Math.round(n / s)} messages/s; follow edges ${edges}; CPU µs/message: writer ${cpu.writer}, engine ${cpu.engine}`,
      )
      t0 = performance.now()
      cpu0 = tasks()
    }
  }
  db.close()
  await server.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
  return chunks
}

const figures = []
for (const [order, write, how, label] of [
  ['none', 4000],
  ['none', 10_000],
  ['event-time', 4000],
  ['event-time', 10_000],
  ['event-time', 4000, { writers: 3 }, 'three writers in turn'],
]) {
  const c = await run(order, write, how)
  const first = c[0]
  const last = c.at(-1)
  const what = `--order ${order}, writes of ${write}${label ? `, ${label}` : ''}`
  const cpu = (x) => `CPU µs/message: writer thread ${x.cpu.writer}, engine threads ${x.cpu.engine}`
  figures.push(
    {
      figure: `consume-write: ${what}, first ${first.upTo} messages`,
      value: Math.round(first.rate),
      unit: 'messages/s',
      cpu: cpu(first),
    },
    {
      figure: `consume-write: ${what}, last ${last.upTo - (c.at(-2)?.upTo ?? 0)} messages (${last.edges} follow edges)`,
      value: Math.round(last.rate),
      unit: 'messages/s',
      ratio: +(last.rate / first.rate).toFixed(2),
      cpu: cpu(last),
    },
  )
}
for (const f of figures) console.log(JSON.stringify(f))
