#!/usr/bin/env node
// bench/import: the goals of issue 15 part 3 ("import at the speed of the store"), all measured in
// one run on one generated 1,000,000-row flights CSV (the graph-course layout: `_from`/`_to`
// columns, so graphpipe imports it into an edge collection), against peers measured in the same
// run on the same documents:
//   (a) the import's own CSV reader alone: src/import/delimited.ts + conversion, as produce()
//       runs it in the reading worker (split, convert, serialize), in one thread;
//   (b) plain better-sqlite3 inserting the same JSON documents (the JSON lines the import sends,
//       in memory before the clock starts) in one transaction: (key, JSON text), WAL;
//   (b') the same with the `_from`/`_to` columns and their two indexes an edge collection needs
//       (ArangoDB's edge index): a reference for what SQLite itself costs, not a goal's peer.
// Goals (ratios of rows/s, each from the best of BENCH_IMPORT_REPEAT interleaved runs):
//   1. graphpipe import end to end (engine in a worker thread, as the CLI runs it) >= 0.8 x the
//      slower of (a) and (b);
//   2. the engine's POST /_api/import of the same documents, bodies built before the clock starts,
//      in the import's batches and concurrency >= 0.8 x (b);
//   3. the client's own ceiling: the import against an HTTP sink (another process) that accepts and
//      discards /_api/import bodies, answering as ArangoDB does: rows/s and the client's
//      CPU-seconds per 1,000,000 rows (what the client can feed a real cluster);
//   Goals 1 and 2 are also measured into a document collection (engine-doc, import-doc: the same
//   documents, no edge index), which tells what the edge index costs from what the engine does.
//   4. peak RSS < 300 MB: the import (whole process, engine included), the import with --mapping
//      (airports vertices + flights edges; bench/flights-mapping.json) on BENCH_IMPORT_MAPPED_ROWS
//      rows (default 200,000: the mapped path is much slower), and with BENCH_IMPORT_GB=1 both on a
//      generated >= 1 GB CSV (the mapped one takes long: see docs/import.md).
// Every run is its own child process (its peak RSS, process.resourceUsage().maxRSS, is its own;
// CPU is the child's, all its threads). The load average (1 min) is logged with every run and
// printed with the figures: on the shared 2-core build machines wall times move with other work.
// BENCH_DIST points at another build's dist/ (the engine and import of another commit) to compare.
// Last stdout lines: JSON figures {"figure","value","unit","ratio","goal","met"} (see bench/run.js).
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { generate } from './lib/flights-csv.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const dist = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(here, '..', 'dist')
const log = (m) => process.stderr.write(`[bench/import] ${m}\n`)
const load1 = () => Number(os.loadavg()[0].toFixed(2))

/** Run one measurement in a child process; it prints one JSON line with its result. */
function child(mode, ...args) {
  return new Promise((resolve, reject) => {
    const loadBefore = load1()
    const c = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', mode, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: '1' },
    })
    let out = ''
    c.stdout.on('data', (d) => (out += d))
    c.on('close', (code) => {
      if (code !== 0) return reject(new Error(`child ${mode} exited ${code}`))
      resolve({ ...JSON.parse(out.trim().split('\n').pop()), load: [loadBefore, load1()] })
    })
  })
}

const rssMB = () => process.resourceUsage().maxRSS / 1024
const cpuS = (u) => (u.user + u.system) / 1e6

/** A timed section of a child: wall ms and the CPU-seconds of the whole process (every thread). */
async function timed(fn) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const rows = await fn()
  return { ms: performance.now() - t0, cpu: cpuS(process.cpuUsage(c0)), rows, rssMB: rssMB() }
}

/** The import's batch size and concurrency, as graphpipe import sends them. */
async function importDefaults() {
  const { DEFAULTS } = await import(path.join(dist, 'config/defaults.js'))
  return DEFAULTS
}

/** BENCH_IMPORT_BATCH / BENCH_IMPORT_CONCURRENCY: another --batch-size / --concurrency (for trying them). */
const batchOpt = () =>
  process.env.BENCH_IMPORT_BATCH ? { batchSize: Number(process.env.BENCH_IMPORT_BATCH) } : {}

/** JSON lines of a file, in memory (not timed). */
function jsonLines(file) {
  const lines = readFileSync(file, 'utf8').split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}

/** Plain better-sqlite3: the storage limit (b), or (b') with the edge index. */
async function plainInserts(file, edgeIndex) {
  const { default: Database } = await import('better-sqlite3')
  const lines = jsonLines(file)
  const ends = edgeIndex ? lines.map((l) => JSON.parse(l)) : null
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gp-bench-plain-'))
  const db = new Database(path.join(dir, 'plain.sqlite'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    if (edgeIndex) {
      db.exec('CREATE TABLE docs (k TEXT PRIMARY KEY, doc TEXT NOT NULL, f TEXT, t TEXT)')
      db.exec('CREATE INDEX docs_f ON docs (f); CREATE INDEX docs_t ON docs (t)')
    } else db.exec('CREATE TABLE docs (k TEXT PRIMARY KEY, doc TEXT NOT NULL)')
    const ins = db.prepare(
      edgeIndex
        ? 'INSERT INTO docs (k, doc, f, t) VALUES (?, ?, ?, ?)'
        : 'INSERT INTO docs (k, doc) VALUES (?, ?)',
    )
    return await timed(() => {
      db.transaction(() => {
        if (edgeIndex)
          for (let i = 0; i < lines.length; i++) ins.run(String(i + 1), lines[i], ends[i]._from, ends[i]._to)
        else for (let i = 0; i < lines.length; i++) ins.run(String(i + 1), lines[i])
      })()
      return lines.length
    })
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** An HTTP server answering what `runImport` asks of ArangoDB, keeping nothing of the imports. */
function startSink() {
  const created = new Set()
  const reply = (res, status, body) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url, 'http://sink')
      const p = url.pathname.replace(/^\/_db\/[^/]+/, '')
      if (req.method === 'POST' && p === '/_api/import') {
        // count lines without decoding: documents, and empty lines as ArangoDB counts them
        let created = 0
        let empty = 0
        for (const body of chunks.length ? [Buffer.concat(chunks)] : []) {
          let pos = 0
          while (pos <= body.length) {
            let nl = body.indexOf(10, pos)
            if (nl < 0) nl = body.length
            if (nl > pos) created++
            else if (nl < body.length) empty++
            pos = nl + 1
          }
        }
        return reply(res, 201, {
          error: false,
          created,
          errors: 0,
          empty,
          updated: 0,
          ignored: 0,
          details: [],
        })
      }
      if (req.method === 'GET' && p === '/_api/database/current')
        return reply(res, 200, {
          error: false,
          code: 200,
          result: { name: '_system', id: '1', path: '', isSystem: true },
        })
      const m = /^\/_api\/collection\/([^/]+)$/.exec(p)
      if (req.method === 'GET' && m && !created.has(decodeURIComponent(m[1])))
        return reply(res, 404, {
          error: true,
          code: 404,
          errorNum: 1203,
          errorMessage: 'collection or view not found',
        })
      if (req.method === 'POST' && p === '/_api/collection') {
        const b = JSON.parse(Buffer.concat(chunks).toString() || '{}')
        created.add(b.name)
        return reply(res, 200, {
          error: false,
          code: 200,
          id: '1',
          name: b.name,
          type: b.type ?? 2,
          status: 3,
          isSystem: false,
        })
      }
      process.stderr.write(`[bench/import sink] unexpected ${req.method} ${req.url}\n`)
      reply(res, 404, { error: true, code: 404, errorNum: 404, errorMessage: 'unknown path' })
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

/** The import client alone against a sink in another process: the client's ceiling. */
async function againstSink(file) {
  const srv = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', 'sink', '-'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  const url = await new Promise((resolve, reject) => {
    srv.stdout.on('data', (d) => {
      out += d
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve(JSON.parse(line).url)
    })
    srv.on('close', (code) => reject(new Error(`sink exited ${code}`)))
  })
  try {
    return await child('import-client', file, url)
  } finally {
    srv.stdin.end()
    await once(srv, 'close').catch(() => {})
  }
}

async function childMain(mode, file, extra) {
  if (mode === 'reader') {
    // (a): the reading half of the import (produce.ts), as the reading worker runs it
    const { produce } = await import(path.join(dist, 'import/produce.js'))
    return timed(async () => {
      let rows = 0
      for await (const parcel of produce({ file, type: 'csv', opts: {} })) rows += parcel.docs.lines.length
      return rows
    })
  }
  if (mode === 'preconvert') {
    // the documents graphpipe import sends, as JSON lines (not timed)
    const { produce } = await import(path.join(dist, 'import/produce.js'))
    const out = createWriteStream(extra, { highWaterMark: 1 << 20 })
    let rows = 0
    for await (const parcel of produce({ file, type: 'csv', opts: {} })) {
      if (parcel.docs.lines.length === 0) continue
      rows += parcel.docs.lines.length
      if (!out.write(Buffer.from(parcel.docs.body))) await once(out, 'drain')
      if (!out.write('\n')) await once(out, 'drain')
    }
    out.end()
    await once(out, 'finish')
    return { rows }
  }
  if (mode === 'plain') return plainInserts(file, false)
  if (mode === 'plain-edge') return plainInserts(file, true)
  if (mode === 'sink') {
    const server = await startSink()
    process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }) + '\n')
    await new Promise((resolve) => process.stdin.on('end', resolve).resume())
    server.close()
    return { done: true }
  }
  if (mode === 'import-client') {
    const { runImport } = await import(path.join(dist, 'import/importer.js'))
    const { Database } = await import('arangojs')
    const db = new Database({ url: extra })
    const r = await timed(
      async () => (await runImport(db, [file], { collection: 'flights', ...batchOpt() })).total.created,
    )
    db.close()
    return r
  }
  const { startEmbeddedEngine } = await import(path.join(dist, 'engine/index.js'))
  const DEFAULTS = await importDefaults()
  const { Database } = await import('arangojs')
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gp-bench-import-db-'))
  const engine = await startEmbeddedEngine({ dataDir, cacheMiB: DEFAULTS.engine.importCacheMiB })
  const db = new Database({ url: engine.url })
  try {
    if (mode === 'engine' || mode === 'engine-doc') {
      // goal 2: the engine's /_api/import, in the import's batches and concurrency, bodies ready;
      // engine-doc: into a document collection (no edge index), to tell the edge index's share
      if (mode === 'engine') await db.createEdgeCollection('flights')
      else await db.createCollection('flights')
      const lines = jsonLines(file)
      const batch = batchOpt().batchSize ?? DEFAULTS.import.batchSize
      const bodies = []
      for (let i = 0; i < lines.length; i += batch)
        bodies.push(Buffer.from(lines.slice(i, i + batch).join('\n')))
      lines.length = 0
      const agent = new http.Agent({
        keepAlive: true,
        maxSockets: batchOpt().concurrency ?? DEFAULTS.import.concurrency,
      })
      const url = `${engine.url}/_db/_system/_api/import?collection=flights&type=documents&details=true`
      const post = (body) =>
        new Promise((resolve, reject) => {
          const req = http.request(
            url,
            { method: 'POST', agent, headers: { 'content-type': 'application/octet-stream' } },
            (res) => {
              let text = ''
              res.setEncoding('utf8')
              res.on('data', (d) => (text += d))
              res.on('end', () => {
                const o = JSON.parse(text)
                if (res.statusCode !== 201 || o.errors)
                  reject(new Error(`import: ${res.statusCode} ${text.slice(0, 300)}`))
                else resolve(o.created)
              })
            },
          )
          req.on('error', reject)
          req.end(body)
        })
      return await timed(async () => {
        let next = 0
        let created = 0
        const worker = async () => {
          while (next < bodies.length) {
            const n = await post(bodies[next++])
            created += n
          }
        }
        await Promise.all(
          Array.from({ length: batchOpt().concurrency ?? DEFAULTS.import.concurrency }, worker),
        )
        return created
      })
    }
    if (mode === 'import' || mode === 'import-doc') {
      const { runImport } = await import(path.join(dist, 'import/importer.js'))
      let type
      // import-doc: --create-collection-type document, no edge index
      const opts = {
        collection: 'flights',
        ...batchOpt(),
        ...(mode === 'import-doc' ? { collectionType: 'document' } : {}),
      }
      const r = await timed(async () => {
        const res = await runImport(db, [file], opts)
        if (res.total.errors) throw new Error(`import: ${res.total.errors} rejected rows`)
        type = res.files[0].collectionType
        return res.total.created
      })
      return { ...r, type }
    }
    if (mode === 'mapped') {
      const { importMapped } = await import(path.join(dist, 'import/mapped.js'))
      return await timed(async () => {
        const res = await importMapped(db, [file], {}, { mapping: path.join(here, 'flights-mapping.json') })
        if (res.total.written !== res.total.rows)
          throw new Error(`mapped import: ${JSON.stringify(res.total)}`)
        return res.total.written
      })
    }
    throw new Error(`unknown mode ${mode}`)
  } finally {
    db.close()
    await engine.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'generate') {
  // node bench/import.mjs generate FILE ROWS [mapped]: just the data (for profiling by hand)
  await generate(process.argv[3], Number(process.argv[4] ?? 1_000_000), process.argv[5] === 'mapped')
  process.exit(0)
}
if (process.argv[2] === 'child') {
  const [mode, file, extra] = process.argv.slice(3)
  const r = await childMain(mode, file, extra)
  process.stdout.write(JSON.stringify(r) + '\n')
  process.exit(0)
}

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000)
const MAPPED_ROWS = Number(process.env.BENCH_IMPORT_MAPPED_ROWS ?? 200_000)
const REPEAT = Math.max(1, Number(process.env.BENCH_IMPORT_REPEAT ?? 3))
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-bench-import-'))
const figures = []
const fmtK = (n) => Math.round(n).toLocaleString('en-US')
const rate = (r) => (r.rows * 1000) / r.ms
try {
  const csv = path.join(tmp, 'flights.csv')
  log(`dist: ${dist}`)
  log(`generating ${fmtK(ROWS)} rows in ${csv}`)
  await generate(csv, ROWS)
  const mb = statSync(csv).size / 1e6
  log(
    `${mb.toFixed(0)} MB; converting the documents once for the peers (b), (b') and the engine's /_api/import`,
  )
  const jsonl = path.join(tmp, 'flights.jsonl')
  await child('preconvert', csv, jsonl)

  const MODES = [
    ['reader', '(a) the import’s CSV reader alone', csv],
    ['plain', '(b) plain better-sqlite3, one transaction', jsonl],
    ['plain-edge', '(b’) plain better-sqlite3 with the edge index', jsonl],
    ['engine', 'engine /_api/import of the ready documents', jsonl],
    ['engine-doc', 'the same into a document collection', jsonl],
    ['import', 'graphpipe import, end to end', csv],
    ['import-doc', 'the same into a document collection', csv],
  ]
  const runs = Object.fromEntries([...MODES.map(([m]) => [m, []]), ['sink', []]])
  const show = (r) =>
    `${(r.ms / 1000).toFixed(2)} s (${fmtK(rate(r))} rows/s), ${r.cpu.toFixed(2)} CPU-s, ` +
    `peak RSS ${r.rssMB.toFixed(0)} MB, load ${r.load[0]}..${r.load[1]}`
  for (let round = 1; round <= REPEAT; round++) {
    for (const [mode, label, file] of MODES) {
      const r = await child(mode, file)
      if (r.rows !== ROWS) throw new Error(`${mode} made ${r.rows} documents of ${ROWS}`)
      if (mode === 'import' && r.type !== 'edge') throw new Error(`import made a ${r.type} collection`)
      if (mode === 'import-doc' && r.type !== 'document')
        throw new Error(`import-doc made a ${r.type} collection`)
      runs[mode].push(r)
      log(`round ${round}/${REPEAT} ${label}: ${show(r)}`)
    }
    const s = await againstSink(csv)
    if (s.rows !== ROWS) throw new Error(`sink import counted ${s.rows} of ${ROWS}`)
    runs.sink.push(s)
    log(`round ${round}/${REPEAT} import client into a discarding sink: ${show(s)}`)
  }
  const best = (rs) => rs.reduce((a, b) => (b.ms < a.ms ? b : a))
  const B = Object.fromEntries(Object.entries(runs).map(([m, rs]) => [m, best(rs)]))
  const loads = Object.values(runs)
    .flat()
    .flatMap((r) => r.load)
  const loadText = `load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`
  const spread = (rs, peer) => {
    const ratios = rs.map((r, i) => rate(r) / rate(peer[i]))
    return `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
  }
  const slowerPeer = rate(B.reader) < rate(B.plain) ? 'reader' : 'plain'
  const slower = rate(B[slowerPeer])
  const slowerPerRound = runs.reader.map((r, i) => (rate(r) < rate(runs.plain[i]) ? r : runs.plain[i]))
  const g1 = rate(B.import) / slower
  const g2 = rate(B.engine) / rate(B.plain)
  const n = `${fmtK(ROWS)}-row flights CSV, ${mb.toFixed(0)} MB`
  figures.push(
    {
      figure: `(a) limit: the import's CSV reader alone, ${n}`,
      value: Math.round(rate(B.reader)),
      unit: 'rows/s',
    },
    {
      figure: '(b) limit: plain better-sqlite3 inserts of the same JSON documents, one transaction',
      value: Math.round(rate(B.plain)),
      unit: 'rows/s',
    },
    {
      figure: "(b') reference: plain better-sqlite3 with the edge index (_from/_to indexed), one transaction",
      value: Math.round(rate(B['plain-edge'])),
      unit: 'rows/s',
      ratio: Number((rate(B['plain-edge']) / rate(B.plain)).toFixed(3)),
    },
    {
      figure: `goal 1: graphpipe import end to end vs the slower of (a), (b) [${slowerPeer === 'reader' ? 'a' : 'b'}]; per round ${spread(runs.import, slowerPerRound)}; ${loadText}`,
      value: Math.round(rate(B.import)),
      unit: 'rows/s',
      ratio: Number(g1.toFixed(3)),
      goal: '>= 0.8',
      met: g1 >= 0.8,
    },
    {
      figure: `goal 2: engine /_api/import vs (b); per round ${spread(runs.engine, runs.plain)}; ${loadText}`,
      value: Math.round(rate(B.engine)),
      unit: 'rows/s',
      ratio: Number(g2.toFixed(3)),
      goal: '>= 0.8',
      met: g2 >= 0.8,
    },
    {
      figure: "engine /_api/import vs (b') (SQLite with the edge index)",
      value: Math.round(rate(B.engine)),
      unit: 'rows/s',
      ratio: Number((rate(B.engine) / rate(B['plain-edge'])).toFixed(3)),
    },
    {
      figure: `goal 2 without the edge index: engine /_api/import into a document collection vs (b); per round ${spread(runs['engine-doc'], runs.plain)}`,
      value: Math.round(rate(B['engine-doc'])),
      unit: 'rows/s',
      ratio: Number((rate(B['engine-doc']) / rate(B.plain)).toFixed(3)),
    },
    {
      figure: `goal 1 without the edge index: import into a document collection vs the slower of (a), (b); per round ${spread(runs['import-doc'], slowerPerRound)}`,
      value: Math.round(rate(B['import-doc'])),
      unit: 'rows/s',
      ratio: Number((rate(B['import-doc']) / slower).toFixed(3)),
    },
    {
      figure: 'goal 3: client ceiling, import into a discarding HTTP sink (ratio: vs (a))',
      value: Math.round(rate(B.sink)),
      unit: 'rows/s',
      ratio: Number((rate(B.sink) / rate(B.reader)).toFixed(3)),
    },
    {
      figure: 'goal 3: client CPU-seconds per 1,000,000 rows into the sink (reading worker + main thread)',
      value: Number(((Math.min(...runs.sink.map((r) => r.cpu)) * 1e6) / ROWS).toFixed(2)),
      unit: 'CPU-s',
    },
    {
      figure: `goal 4: import peak RSS, whole process with the engine (${fmtK(ROWS)} rows)`,
      value: Math.round(Math.max(...runs.import.map((r) => r.rssMB))),
      unit: 'MB',
      goal: '< 300',
      met: Math.max(...runs.import.map((r) => r.rssMB)) < 300,
    },
    {
      figure: `import client alone (into the sink): peak RSS (${fmtK(ROWS)} rows)`,
      value: Math.round(Math.max(...runs.sink.map((r) => r.rssMB))),
      unit: 'MB',
    },
  )

  const mappedCsv = path.join(tmp, 'flights-mapped.csv')
  await generate(mappedCsv, MAPPED_ROWS, true)
  const mapped = await child('mapped', mappedCsv)
  log(`import --mapping, ${fmtK(MAPPED_ROWS)} rows: ${show(mapped)}`)
  figures.push({
    figure: `goal 4: import --mapping (airports + flights edges) peak RSS, whole process (${fmtK(MAPPED_ROWS)} rows, ${fmtK(rate(mapped))} rows/s)`,
    value: Math.round(mapped.rssMB),
    unit: 'MB',
    goal: '< 300',
    met: mapped.rssMB < 300,
  })
  rmSync(mappedCsv, { force: true })

  if (process.env.BENCH_IMPORT_GB === '1') {
    rmSync(jsonl, { force: true })
    const big = path.join(tmp, 'flights-1gb.csv')
    const bigRows = Math.ceil((1.05e9 / (mb * 1e6)) * ROWS)
    log(`generating ${fmtK(bigRows)} rows (>= 1 GB)`)
    await generate(big, bigRows)
    const gb = statSync(big).size / 1e9
    const r = await child('import', big)
    log(`  import: ${gb.toFixed(2)} GB, ${show(r)}`)
    figures.push({
      figure: `goal 4: import peak RSS (${gb.toFixed(2)} GB CSV, ${fmtK(bigRows)} rows)`,
      value: Math.round(r.rssMB),
      unit: 'MB',
      goal: '< 300',
      met: r.rssMB < 300,
    })
    rmSync(big, { force: true })
    // the mapping's rows are shorter (airport codes, not handles): as many as make >= 1 GB
    const probe = path.join(tmp, 'probe.csv')
    await generate(probe, 100_000, true)
    const mappedRows = Math.ceil((1.05e9 / statSync(probe).size) * 100_000)
    rmSync(probe, { force: true })
    await generate(big, mappedRows, true)
    const mgb = statSync(big).size / 1e9
    const m = await child('mapped', big)
    log(`  import --mapping: ${mgb.toFixed(2)} GB, ${show(m)}`)
    figures.push({
      figure: `goal 4: import --mapping peak RSS (${mgb.toFixed(2)} GB CSV, ${fmtK(mappedRows)} rows, ${fmtK(rate(m))} rows/s)`,
      value: Math.round(m.rssMB),
      unit: 'MB',
      goal: '< 300',
      met: m.rssMB < 300,
    })
  } else {
    log('the >= 1 GB peak-RSS runs are off; BENCH_IMPORT_GB=1 turns them on')
  }
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
for (const f of figures) process.stdout.write(JSON.stringify(f) + '\n')
