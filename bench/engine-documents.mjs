#!/usr/bin/env node
// bench/engine-documents: the engine's write path as graphpipe consume (and import --resume) use
// it, through arangojs against the engine in its worker thread: stream transactions each holding
// BENCH_DOCS_PER_TRX documents written as 1,000-document arrays (POST /_api/document/{c},
// overwriteMode replace, silent), user documents (randomusers) then edges between them, half of
// each new and half replacing; then reads by key, `FOR d IN c FILTER d._key IN @keys` and
// `PUT /_api/document/{c}?onlyget=true`, 1,000 keys each. No goal: the figures compare builds
// (BENCH_DIST=<other dist/>, e.g. main's, in the same sitting) and show what the store's work
// did for the consumer. Needs `npm run build`.
// Last stdout lines: JSON figures {"figure","value","unit"} (see bench/run.js).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from 'arangojs'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(here, '..', 'dist')
const { startEmbeddedEngine } = await import(path.join(dist, 'engine', 'index.js'))
const log = (m) => process.stderr.write(`[bench/engine-documents] ${m}\n`)

const N = Number(process.env.BENCH_DOCS ?? 60_000)
const PER_TRX = Number(process.env.BENCH_DOCS_PER_TRX ?? 1000)
const BATCH = 1000
const ROUNDS = Number(process.env.BENCH_DOCS_ROUNDS ?? 2)
const users = fs
  .readFileSync(path.join(here, '..', '..', 'shared', 'datasets', 'randomusers', 'names_10000.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l))
const KEYS = Math.floor(N / 2)
const docs = Array.from({ length: N }, (_, i) => ({ ...users[i % users.length], _key: `u${i % KEYS}` }))
const edges = Array.from({ length: N }, (_, i) => ({
  _key: `e${i % KEYS}`,
  _from: `users/u${i % KEYS}`,
  _to: `users/u${(i * 7919) % KEYS}`,
  since: i,
}))

async function once() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-bench-docs-'))
  const engine = await startEmbeddedEngine({ dataDir: dir })
  const db = new Database({ url: engine.url })
  try {
    const uc = await db.createCollection('users')
    const fc = await db.createEdgeCollection('follows')
    const write = async (col, items) => {
      const t0 = performance.now()
      for (let i = 0; i < items.length; i += PER_TRX) {
        const trx = await db.beginTransaction({ write: [col.name] })
        for (let j = i; j < Math.min(items.length, i + PER_TRX); j += BATCH)
          await trx.step(() =>
            col.saveAll(items.slice(j, j + BATCH), { overwriteMode: 'replace', silent: true }),
          )
        await trx.commit()
      }
      return (items.length * 1000) / (performance.now() - t0)
    }
    const usersPerS = await write(uc, docs)
    const edgesPerS = await write(fc, edges)
    const keySets = Array.from({ length: 20 }, (_, r) =>
      Array.from({ length: 1000 }, (_, j) => `u${(r * 1000 + j * 37) % KEYS}`),
    )
    let t0 = performance.now()
    for (const keys of keySets)
      await (await db.query('FOR d IN users FILTER d._key IN @keys RETURN d', { keys })).all()
    const aqlMs = (performance.now() - t0) / keySets.length
    t0 = performance.now()
    for (const keys of keySets) await uc.documents(keys)
    const onlygetMs = (performance.now() - t0) / keySets.length
    return { usersPerS, edgesPerS, aqlMs, onlygetMs }
  } finally {
    db.close()
    await engine.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const runs = []
for (let r = 1; r <= ROUNDS; r++) {
  const load = os.loadavg()[0].toFixed(2)
  const o = await once()
  runs.push(o)
  log(
    `round ${r}: users ${o.usersPerS.toFixed(0)}/s, edges ${o.edgesPerS.toFixed(0)}/s, ` +
      `FILTER _key IN ${o.aqlMs.toFixed(1)} ms, onlyget ${o.onlygetMs.toFixed(1)} ms (load ${load})`,
  )
}
const best = (k, hi) => runs.map((r) => r[k]).reduce((a, b) => (hi ? Math.max(a, b) : Math.min(a, b)))
const fig = [
  [
    `documents written in stream transactions of ${PER_TRX} (arrays of ${BATCH}, replace, silent)`,
    best('usersPerS', true),
    'docs/s',
  ],
  ['edges written the same way', best('edgesPerS', true), 'docs/s'],
  ['FOR d IN users FILTER d._key IN @keys, 1,000 keys', best('aqlMs', false), 'ms'],
  ['PUT /_api/document/users?onlyget=true, 1,000 keys', best('onlygetMs', false), 'ms'],
]
for (const [figure, value, unit] of fig)
  process.stdout.write(
    JSON.stringify({ figure, value: Number(value.toFixed(unit === 'ms' ? 1 : 0)), unit }) + '\n',
  )
