#!/usr/bin/env node
// Concurrency of the embedded engine (issue 13: queries off the request thread), through arangojs
// over HTTP against one engine with the default pool of query workers (one per core):
//   1. p99 latency of single-document reads from one client while 4 other clients run long
//      full-scan queries, against the same reads with no load: at most 3x and under 50 ms;
//   2. read-only query throughput with 2 clients against 1 client: >= 1.6x (on 2 cores);
//   3. SLEEP(10) with maxRuntime 1 answered 1500 in under 1.5 s, /_api/version meanwhile < 50 ms;
//   4. /_api/version every 10 ms while another client bulk-imports BENCH_CONC_IMPORT_DOCS
//      documents (1 MiB requests, 2 in flight, as graphpipe import sends them): its p99 and
//      slowest answer, which show how long the request thread is held (no goal: a reference).
// Prints one JSON line per figure: {"figure","value","unit","ratio","goal","met"}.
// Usage: npm run build && node bench/engine-concurrency.mjs [docs]   (BENCH_CONC_DOCS overrides;
// BENCH_DIST=DIR runs another build's dist/)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Database } from 'arangojs'

const dist = process.env.BENCH_DIST
  ? path.resolve(process.env.BENCH_DIST)
  : new URL('../dist', import.meta.url).pathname
const { startEngineServer } = await import(path.join(dist, 'engine/http/server.js'))

const DOCS = Number(process.argv[2] ?? process.env.BENCH_CONC_DOCS ?? 100_000)
const READS = 400
/** Scans each client runs in the throughput figure. */
const SCANS_PER_CLIENT = 8

const log = (m) => process.stderr.write(m + '\n')
const figure = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const client = (url) => new Database({ url, auth: { username: 'root', password: '' } })
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-bench-conc-'))
const engine = await startEngineServer({ dataDir: dir, port: 0 })
await engine.pool.warmUp()
log(
  `engine at ${engine.url} with ${engine.pool.size} query workers; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
)
const clients = []
const open = () => {
  const c = client(engine.url)
  clients.push(c)
  return c
}

try {
  const setup = open()
  const big = await setup.createCollection('big')
  const t0 = performance.now()
  for (let i = 0; i < DOCS; i += 10_000) {
    const n = Math.min(10_000, DOCS - i)
    await big.import(
      Array.from({ length: n }, (_, j) => ({ _key: `k${i + j}`, x: i + j, s: `row ${i + j}` })),
    )
  }
  log(`loaded ${DOCS} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  // a full scan that returns little: the engine reads every document
  const SCAN = 'FOR d IN big FILTER d.x % 1000 == 7 COLLECT WITH COUNT INTO n RETURN n'

  // 1. single-document reads, alone and beside 4 clients scanning
  const reader = open()
  const readAll = async () => {
    const lat = []
    for (let i = 0; i < READS; i++) {
      const t = performance.now()
      await reader.collection('big').document(`k${(i * 7919) % DOCS}`)
      lat.push(performance.now() - t)
    }
    return lat
  }
  await readAll() // warm-up
  const idle = p99(await readAll())
  let stop = false
  let scans = 0
  const scanners = Array.from({ length: 4 }, () => {
    const c = open()
    return (async () => {
      while (!stop) {
        await (await c.query(SCAN)).all()
        scans++
      }
    })()
  })
  await new Promise((r) => setTimeout(r, 200))
  const loaded = p99(await readAll())
  stop = true
  await Promise.all(scanners)
  log(
    `document reads p99: ${idle.toFixed(2)} ms idle, ${loaded.toFixed(2)} ms beside 4 scanning clients (${scans} scans)`,
  )
  figure({
    figure: 'engine: p99 single-document read beside 4 clients running full scans (vs idle)',
    value: Number(loaded.toFixed(2)),
    unit: 'ms',
    ratio: Number((loaded / idle).toFixed(2)),
    goal: '<= 3x idle and < 50 ms',
    met: loaded <= 3 * idle && loaded < 50,
  })

  // 2. read-only query throughput, 1 client against 2
  const throughput = async (n) => {
    const cs = Array.from({ length: n }, open)
    const t = performance.now()
    const cpu0 = process.cpuUsage()
    await Promise.all(
      cs.map(async (c) => {
        for (let i = 0; i < SCANS_PER_CLIENT; i++) await (await c.query(SCAN)).all()
      }),
    )
    const wall = (performance.now() - t) / 1000
    const cpu = process.cpuUsage(cpu0)
    // CPU seconds of all the process's threads per wall second: how many cores the engine got
    const cores = (cpu.user + cpu.system) / 1e6 / wall
    return { rate: (n * SCANS_PER_CLIENT) / wall, cores }
  }
  const r1 = await throughput(1)
  const r2 = await throughput(2)
  const one = r1.rate
  const two = r2.rate
  log(
    `scan queries: ${one.toFixed(2)}/s with 1 client (${r1.cores.toFixed(2)} cores busy), ${two.toFixed(2)}/s with 2 (${r2.cores.toFixed(2)} cores busy); load ${os.loadavg()[0].toFixed(1)}`,
  )
  figure({
    figure: `engine: read-only query throughput, 2 clients vs 1 (full scan of ${DOCS} documents)`,
    value: Number(two.toFixed(2)),
    unit: 'queries/s',
    ratio: Number((two / one).toFixed(2)),
    goal: '>= 1.6x with 2 clients',
    met: two / one >= 1.6,
  })

  // 3. SLEEP(10) with maxRuntime 1, /_api/version probed meanwhile
  const prober = open()
  let versionMax = 0
  let probes = 0
  let sleeping = true
  const probing = (async () => {
    while (sleeping) {
      const t = performance.now()
      await prober.version()
      versionMax = Math.max(versionMax, performance.now() - t)
      probes++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const ts = performance.now()
  let errorNum
  try {
    await open().query('RETURN SLEEP(10)', {}, { maxRuntime: 1 })
  } catch (e) {
    errorNum = e.errorNum
  }
  const killedAfter = (performance.now() - ts) / 1000
  sleeping = false
  await probing
  log(
    `SLEEP(10) maxRuntime 1: errorNum ${errorNum} after ${killedAfter.toFixed(3)} s; ${probes} version probes, slowest ${versionMax.toFixed(2)} ms`,
  )
  figure({
    figure: 'engine: SLEEP(10) with maxRuntime 1 answered 1500',
    value: Number(killedAfter.toFixed(3)),
    unit: 's',
    ratio: Number(versionMax.toFixed(2)),
    goal: '1500 in < 1.5 s; ratio: slowest /_api/version meanwhile, ms (< 50)',
    met: errorNum === 1500 && killedAfter < 1.5 && versionMax < 50,
  })

  // 4. the request thread during a bulk import: every request is one transaction, answered in turn
  const IMPORT_DOCS = Number(process.env.BENCH_CONC_IMPORT_DOCS ?? 1_000_000)
  const bodies = []
  for (let i = 0, lines = [], size = 0; i < IMPORT_DOCS; i++) {
    const line = JSON.stringify({
      Year: 2008,
      Month: 1 + (i % 12),
      DayofMonth: 1 + (i % 28),
      DepTime: 1200 + (i % 600),
      UniqueCarrier: 'WN',
      FlightNum: 100 + (i % 5000),
      TailNum: `N${1000 + (i % 9000)}`,
      Origin: 'LAX',
      Dest: 'SFO',
      Distance: 300 + (i % 2000),
      seq: i,
    })
    lines.push(line)
    size += line.length + 1
    if (size >= 1 << 20 || i === IMPORT_DOCS - 1) {
      bodies.push(lines.join('\n'))
      lines = []
      size = 0
    }
  }
  const importer = open()
  await importer.createCollection('bulk')
  const probe = open()
  const lat = []
  let importing = true
  const probingImport = (async () => {
    while (importing) {
      const t = performance.now()
      await probe.version()
      lat.push(performance.now() - t)
      await new Promise((r) => setTimeout(r, 10))
    }
  })()
  const ti = performance.now()
  let nextBody = 0
  await Promise.all(
    [0, 1].map(async () => {
      while (nextBody < bodies.length)
        await importer.request({
          method: 'POST',
          pathname: '/_api/import',
          search: { collection: 'bulk', type: 'documents' },
          body: bodies[nextBody++],
        })
    }),
  )
  const importSeconds = (performance.now() - ti) / 1000
  importing = false
  await probingImport
  const slowest = Math.max(...lat)
  log(
    `bulk import of ${IMPORT_DOCS} documents in ${importSeconds.toFixed(1)} s; ${lat.length} version probes, p99 ${p99(lat).toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`,
  )
  figure({
    figure: `engine: slowest /_api/version during a bulk import of ${IMPORT_DOCS} documents (1 MiB requests, 2 in flight)`,
    value: Number(slowest.toFixed(0)),
    unit: 'ms',
    ratio: Number(p99(lat).toFixed(0)),
    goal: 'reference; ratio: p99 of the same probes, ms',
  })
} finally {
  for (const c of clients) c.close()
  await engine.close()
  fs.rmSync(dir, { recursive: true, force: true })
}
