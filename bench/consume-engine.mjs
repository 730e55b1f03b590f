#!/usr/bin/env node
// bench/consume-engine: the consumer's write pattern against the embedded engine, alone (no
// Pub/Sub): per-document cost of what an ordered window sends, inside one stream transaction —
// the bookkeeping read by key (AQL `FILTER d._key IN @keys`, hits and misses), array inserts
// (`POST /_api/document/{c}`, overwriteMode replace/update) of new and of existing documents, at
// two document sizes — and the same writes outside a transaction (what --order none sends).
//
//   node bench/consume-engine.mjs            # 10,000 documents per request
//   BENCH_DOCS=20000 node bench/consume-engine.mjs
//
// Prints µs per document (wall, client included) and the engine's CPU per document.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { Database } from 'arangojs'

import { TOMB_INDEX } from '../dist/consume/txwriter.js'
import { startEmbeddedEngine } from '../dist/engine/index.js'
import { tasks } from './lib/cpu.mjs'

const N = Number(process.env.BENCH_DOCS ?? 10_000)
const log = (m) => process.stderr.write(`${m}\n`)
await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(os.tmpdir())))
const before = new Set(tasks().keys())
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-bench-ce-'))
const server = await startEmbeddedEngine({ dataDir })
const db = new Database({ url: server.url })
const engineTicks = () => {
  let n = 0
  for (const [t, v] of tasks()) if (!before.has(t)) n += v
  return n
}

const pad = (n) => 'x'.repeat(n)
const docs = (prefix, n, bytes) =>
  Array.from({ length: n }, (_, i) => ({
    _key: `${prefix}${i}`,
    kind: 'v',
    c: 'users',
    k: `u${i}`,
    pad: pad(bytes),
  }))

async function trx(collections, fn) {
  const t = await db.beginTransaction({ write: collections })
  try {
    const r = await fn(t)
    await t.commit()
    return r
  } catch (e) {
    await t.abort()
    throw e
  }
}
const step = (t, req) => t.step(() => db.request(req, (r) => r.parsedBody))
const insertReq = (c, body, mode) => ({
  method: 'POST',
  pathname: `/_api/document/${c}`,
  body,
  search: { overwriteMode: mode, silent: false },
})
const rows = []
async function time(name, n, fn) {
  const e0 = engineTicks()
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  const cpu = (engineTicks() - e0) * 10
  const row = {
    name,
    n,
    usPerDoc: +((ms * 1000) / n).toFixed(1),
    engineCpuUsPerDoc: +((cpu * 1000) / n).toFixed(1),
  }
  rows.push(row)
  log(
    `${name}: ${n} docs in ${ms.toFixed(0)} ms = ${row.usPerDoc} µs/doc wall, engine CPU ${row.engineCpuUsPerDoc} µs/doc`,
  )
}

await db.createCollection('v')
await db.createCollection('w')
for (const bytes of [100, 1000]) {
  const a = docs(`a${bytes}-`, N, bytes)
  await time(`trx insert new (replace), ${bytes} B`, N, () =>
    trx(['v'], (t) => step(t, insertReq('v', a, 'replace'))),
  )
  await time(`trx insert existing (replace), ${bytes} B`, N, () =>
    trx(['v'], (t) => step(t, insertReq('v', a, 'replace'))),
  )
  await time(`trx insert existing (update, mergeObjects false), ${bytes} B`, N, () =>
    trx(['v'], (t) =>
      step(t, {
        ...insertReq('v', a, 'update'),
        search: { overwriteMode: 'update', mergeObjects: false, keepNull: false },
      }),
    ),
  )
  const keys = a.map((d) => d._key)
  await time(`trx AQL read by key, hits, ${bytes} B`, N, () =>
    trx(['v'], (t) =>
      step(t, {
        method: 'POST',
        pathname: '/_api/cursor',
        body: {
          query: 'FOR d IN @@c FILTER d._key IN @keys RETURN d',
          bindVars: { '@c': 'v', keys },
          batchSize: 1e6,
        },
      }),
    ),
  )
  await time(`trx PUT onlyget, hits, ${bytes} B`, N, () =>
    trx(['v'], (t) =>
      step(t, { method: 'PUT', pathname: '/_api/document/v', search: { onlyget: 'true' }, body: keys }),
    ),
  )
  const miss = keys.map((k) => `miss-${k}`)
  await time(`trx AQL read by key, misses`, N, () =>
    trx(['v'], (t) =>
      step(t, {
        method: 'POST',
        pathname: '/_api/cursor',
        body: {
          query: 'FOR d IN @@c FILTER d._key IN @keys RETURN d',
          bindVars: { '@c': 'v', keys: miss },
          batchSize: 1e6,
        },
      }),
    ),
  )
  const b = docs(`b${bytes}-`, N, bytes)
  await time(`no trx insert new (replace), ${bytes} B`, N, () => db.request(insertReq('w', b, 'replace')))
  await time(`no trx insert existing (replace, silent), ${bytes} B`, N, () =>
    db.request({ ...insertReq('w', b, 'replace'), search: { overwriteMode: 'replace', silent: true } }),
  )
  await time(`trx insert existing (replace, silent), ${bytes} B`, N, () =>
    trx(['w'], (t) =>
      step(t, { ...insertReq('w', b, 'replace'), search: { overwriteMode: 'replace', silent: true } }),
    ),
  )
  await time(`trx PUT onlyget, misses`, N, () =>
    trx(['v'], (t) =>
      step(t, { method: 'PUT', pathname: '/_api/document/v', search: { onlyget: 'true' }, body: miss }),
    ),
  )
  await time(`no trx insert existing (update), ${bytes} B`, N, () => db.request(insertReq('w', b, 'update')))
}
await time('trx begin+commit (empty), x100', 100, async () => {
  for (let i = 0; i < 100; i++) await trx(['v'], async () => undefined)
})

// The consumer's tombstone purge (once a minute, in a window's transaction) over a bookkeeping
// collection of BENCH_PURGE_VERTICES version documents, one in 1,000 holding a tombstone: a scan
// of every document without the collection's sparse index on `tomb`, a range read with it.
const PV = Number(process.env.BENCH_PURGE_VERTICES ?? 200_000)
for (const indexed of [false, true]) {
  const name = indexed ? 'versions_indexed' : 'versions_plain'
  const vc = await db.createCollection(name)
  if (indexed) await vc.ensureIndex(TOMB_INDEX)
  for (let i = 0; i < PV; i += 10_000)
    await vc.import(
      Array.from({ length: Math.min(10_000, PV - i) }, (_, j) => {
        const n = i + j
        return {
          _key: `users:user${n}`,
          f: 3,
          c: 'users',
          k: `user${n}`,
          v: ['000cre66jw7421031', '000cre66jw8421041'],
          a: { first_name: 0, last_name: 0, email: 1 },
          t: 1,
          // format 3: an edge collection's entries as one text (src/consume/versions.ts)
          e: { follow: `users/user${n + 1} 1 1|users/user${n + 7} 0 1` },
          ...(n % 1000 === 0 ? { tomb: 1000 + n, vt: 1000 + n } : {}),
        }
      }),
    )
  const purge = () =>
    db
      .query('FOR d IN @@c FILTER d.tomb != null AND d.tomb < @cutoff LIMIT @n RETURN d', {
        '@c': name,
        cutoff: Date.now(),
        n: 5000,
      })
      .then((c) => c.all())
  await purge() // warm
  await time(
    `purge of old tombstones, ${PV} vertices, ${indexed ? 'sparse index on tomb' : 'no index'} (per vertex)`,
    PV,
    purge,
  )
}
db.close()
await server.close()
fs.rmSync(dataDir, { recursive: true, force: true })
for (const r of rows)
  console.log(
    JSON.stringify({
      figure: `consume-engine: ${r.name}`,
      value: r.usPerDoc,
      unit: 'µs/doc',
      engineCpu: r.engineCpuUsPerDoc,
    }),
  )
