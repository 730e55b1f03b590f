// `graphpipe query` streams: memory stays flat however long the result. Runs the built CLI
// (npm run build first) against `graphpipe server` in a separate process, so the peak RSS measured
// is the query client's alone, for results of 50 thousand, 500 thousand and 5 million rows
// (`FOR i IN 1..N RETURN {i, s: CONCAT("row", i)}`, --format jsonl, output read and discarded).
// Also: the 5-million-row run again with V8's default heap growth (`node --heap-growing-percent=0`,
// a choice graphpipe leaves alone, so the tight growth it sets while streaming is off: the peer
// that shows what that costs and saves), the time from process start to the first row of the
// 5-million-row result, and rows/s.
// Last stdout lines: JSON figures {"figure","value","unit","ratio","goal","met"}.
// Sizes can be overridden: node bench/query.mjs 50000 500000 5000000
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
if (!existsSync(join(root, 'dist', 'commands', 'query.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n')
  process.exit(1)
}
const sizes = process.argv.slice(2).map(Number)
const [small, middle, large] = sizes.length === 3 ? sizes : [50_000, 500_000, 5_000_000]
const dataDir = mkdtempSync(join(tmpdir(), 'gp-bench-query-'))
const env = { ...process.env }
for (const k of Object.keys(env)) if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete env[k]

// The child reports its own peak RSS (getrusage maxrss, KiB) as it exits.
const PROBE =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss="+process.resourceUsage().maxRSS+"\\n"))'

function startServer() {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', '--data-dir', dataDir], { env })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /listening on (\S+)/.exec(out)
      if (m) resolve({ child, url: m[1] })
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)))
  })
}

function runQuery(url, n, nodeFlags = []) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const query = `FOR i IN 1..${n} RETURN {i, s: CONCAT("row", i)}`
    const child = spawn(
      process.execPath,
      [...nodeFlags, '--import', PROBE, bin, 'query', query, '--url', url, '--format', 'jsonl', '--quiet'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let firstByteMs
    let lines = 0
    let err = ''
    child.stdout.on('data', (chunk) => {
      firstByteMs ??= performance.now() - started
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => {
      const m = /maxrss=(\d+)/.exec(err)
      if (code !== 0 || !m) return reject(new Error(`query of ${n} rows failed (${code}): ${err.trim()}`))
      resolve({
        n,
        lines,
        rssMB: Number(m[1]) / 1024,
        firstByteMs,
        seconds: (performance.now() - started) / 1000,
      })
    })
  })
}

const figures = []
const server = await startServer()
try {
  const results = []
  for (const n of [small, middle, large]) {
    const r = await runQuery(server.url, n)
    if (r.lines !== n) throw new Error(`expected ${n} rows, got ${r.lines}`)
    process.stderr.write(
      `${n} rows: peak RSS ${r.rssMB.toFixed(1)} MB, first row after ${r.firstByteMs.toFixed(0)} ms, ${r.seconds.toFixed(1)} s\n`,
    )
    results.push(r)
  }
  // The same large run with V8's own heap growth: graphpipe leaves a --heap-growing-percent given
  // on the node command line alone (src/runtime/heap.ts), and 0 is V8's default (dynamic, up to 4x).
  const dflt = await runQuery(server.url, large, ['--heap-growing-percent=0'])
  if (dflt.lines !== large) throw new Error(`expected ${large} rows, got ${dflt.lines}`)
  process.stderr.write(
    `${large} rows, V8's default heap growth: peak RSS ${dflt.rssMB.toFixed(1)} MB, ${dflt.seconds.toFixed(1)} s\n`,
  )
  const [s, m, l] = results
  const fig = (o) => figures.push(o)
  fig({ figure: `query client peak RSS, ${s.n} rows`, value: s.rssMB, unit: 'MB' })
  fig({ figure: `query client peak RSS, ${m.n} rows`, value: m.rssMB, unit: 'MB' })
  const ratio = l.rssMB / s.rssMB
  fig({
    figure: `query client peak RSS, ${l.n} rows vs ${s.n} rows`,
    value: l.rssMB,
    unit: 'MB',
    ratio,
    goal: '<= 1.5',
    met: ratio <= 1.5,
  })
  const steady = l.rssMB / m.rssMB
  fig({
    figure: `query client peak RSS, ${l.n} rows vs ${m.n} rows`,
    value: l.rssMB,
    unit: 'MB',
    ratio: steady,
    goal: '<= 1.2 (flat)',
    met: steady <= 1.2,
  })
  fig({
    figure: `query client peak RSS, ${l.n} rows with V8's default heap growth (peer), vs ${s.n} rows`,
    value: dflt.rssMB,
    unit: 'MB',
    ratio: dflt.rssMB / s.rssMB,
  })
  fig({ figure: `time to first row, ${l.n}-row result`, value: l.firstByteMs, unit: 'ms' })
  fig({
    figure: `rows streamed per second, ${l.n}-row result (ratio: vs V8's default heap growth)`,
    value: l.n / l.seconds,
    unit: 'rows/s',
    ratio: dflt.seconds / l.seconds,
  })
} finally {
  server.child.kill('SIGTERM')
  await new Promise((r) => server.child.once('exit', r))
  rmSync(dataDir, { recursive: true, force: true })
}
for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`)
