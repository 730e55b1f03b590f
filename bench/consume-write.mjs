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
// --order event-time with writes of 4,000. Last stdout lines: JSON figure objects.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Database } from 'arangojs'

import { GraphWriter } from '../dist/consume/writer.js'
import { OrderedWriter, writeMessages } from '../dist/consume/txwriter.js'
import { twitterMapper } from '../dist/mapping/mapping.js'
import { startEmbeddedEngine } from '../dist/engine/index.js'
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

async function run(order, write) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-bench-cw-'))
  const server = await startEmbeddedEngine({ dataDir })
  const db = new Database({ url: server.url })
  const mapper = twitterMapper()
  const opts = { deadLetterCollection: 'graphpipe_deadletters' }
  const writer = order === 'none' ? new GraphWriter(db, opts) : new OrderedWriter(db, opts)
  await writer.prepare(mapper)
  const messages = generator()
  const chunks = []
  let t0 = performance.now()
  for (let i = 0; i < N; i += write) {
    await writeMessages(writer, mapper, messages(i, Math.min(write, N - i)), {
      tombstoneTtlMs: 7 * 86_400_000,
    })
    const done = Math.min(N, i + write)
    if (done % CHUNK === 0 || done === N) {
      const s = (performance.now() - t0) / 1000
      const edges = (await db.collection('follow').count()).count
      const n = done - (chunks.at(-1)?.upTo ?? 0)
      chunks.push({ upTo: done, rate: n / s, edges })
      log(
        `--order ${order}, writes of ${write}: messages up to ${done} at ${Math.round(n / s)} messages/s; follow edges ${edges}`,
      )
      t0 = performance.now()
    }
  }
  db.close()
  await server.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
  return chunks
}

const figures = []
for (const [order, write] of [
  ['none', 4000],
  ['none', 10_000],
  ['event-time', 4000],
]) {
  const c = await run(order, write)
  const first = c[0]
  const last = c.at(-1)
  const what = `--order ${order}, writes of ${write}`
  figures.push(
    {
      figure: `consume-write: ${what}, first ${first.upTo} messages`,
      value: Math.round(first.rate),
      unit: 'messages/s',
    },
    {
      figure: `consume-write: ${what}, last ${last.upTo - (c.at(-2)?.upTo ?? 0)} messages (${last.edges} follow edges)`,
      value: Math.round(last.rate),
      unit: 'messages/s',
      ratio: +(last.rate / first.rate).toFixed(2),
    },
  )
}
for (const f of figures) console.log(JSON.stringify(f))
