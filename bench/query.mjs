// `graphpipe query` streams: memory stays flat however long the result. Runs the built CLI
// (npm run build first) against `graphpipe server` in a separate process, so the peak RSS measured
// is the query client's alone, for results of 50 thousand, 500 thousand and 5 million rows
// (`FOR i IN 1..N RETURN {i, s: CONCAT("row", i)}`, --format jsonl, output read and discarded).
// Also: the 5-million-row run again with V8's old space capped (what the RSS is made of), the time
// from process start to the first row of the 5-million-row result, and rows/s.
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
  // The same large run with V8's old space capped: if the client held rows this would fail or
  // grow anyway; staying low shows the RSS above is garbage V8 lets accumulate before collecting.
  const capped = await runQuery(server.url, large, ['--max-old-space-size=96'])
  if (capped.lines !== large) throw new Error(`expected ${large} rows, got ${capped.lines}`)
  process.stderr.write(`${large} rows, --max-old-space-size=96: peak RSS ${capped.rssMB.toFixed(1)} MB\n`)
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
    figure: `query client peak RSS, ${l.n} rows with node --max-old-space-size=96, vs ${s.n} rows`,
    value: capped.rssMB,
    unit: 'MB',
    ratio: capped.rssMB / s.rssMB,
    goal: '<= 1.5',
    met: capped.rssMB / s.rssMB <= 1.5,
  })
  fig({ figure: `time to first row, ${l.n}-row result`, value: l.firstByteMs, unit: 'ms' })
  fig({ figure: `rows streamed per second, ${l.n}-row result`, value: l.n / l.seconds, unit: 'rows/s' })
} finally {
  server.child.kill('SIGTERM')
  await new Promise((r) => server.child.once('exit', r))
  rmSync(dataDir, { recursive: true, force: true })
}
for (const f of figures) process.stdout.write(`${JSON.stringify(f)}\n`)
