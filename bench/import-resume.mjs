// bench/import-resume: what --resume costs. The built CLI imports the same generated
// flights-shaped CSV into a fresh embedded engine, plain (`/_api/import`, 2 requests in flight)
// and resumable (`--resume`: array inserts plus the checkpoint, one stream transaction per batch),
// in turn, REPEAT times each; the best wall time of each counts. Also: how long a resume takes
// to find its place (reading the rows a checkpoint covers again, here all of them, without
// writing them; hashing the prefix to check it comes on top, at disk speed).
//
//   npm run build && node bench/import-resume.mjs
//   BENCH_RESUME_ROWS=1000000 BENCH_RESUME_REPEAT=2 BENCH_RESUME_BATCH=10000 (defaults)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
// the rows of bench/import.mjs
import { generate } from './lib/flights-csv.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const ROWS = Number(process.env.BENCH_RESUME_ROWS ?? 1_000_000)
const REPEAT = Number(process.env.BENCH_RESUME_REPEAT ?? 2)
const BATCH = process.env.BENCH_RESUME_BATCH

/** One import by the built CLI into a fresh data dir: wall seconds, CPU seconds (the whole process tree). */
function run(tmp, file, args) {
  const dataDir = mkdtempSync(path.join(tmp, 'data-'))
  const t0 = performance.now()
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%U %S %M',
      process.execPath,
      path.join(root, 'bin', 'run.js'),
      'import',
      file,
      '--collection',
      'flights',
      '--json',
      ...args,
    ],
    { env: { ...process.env, GRAPHPIPE_DATA_DIR: dataDir }, encoding: 'utf8', maxBuffer: 64 << 20 },
  )
  const wall = (performance.now() - t0) / 1000
  rmSync(dataDir, { recursive: true, force: true })
  if (r.status !== 0) throw new Error(`import ${args.join(' ')} failed: ${r.stderr}`)
  const [user, sys, rssKb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number)
  const res = JSON.parse(r.stdout)
  if (res.total.created !== ROWS) throw new Error(`expected ${ROWS} created, got ${res.total.created}`)
  return { wall, cpu: user + sys, rssMb: rssKb / 1024 }
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-bench-resume-'))
try {
  const file = path.join(tmp, 'flights.csv')
  await generate(file, ROWS)
  const mb = statSync(file).size / 1e6
  const modes = {
    plain: [],
    resume: ['--resume', ...(BATCH ? ['--batch-size', BATCH] : [])],
  }
  const best = {}
  for (let i = 0; i < REPEAT; i++)
    for (const [mode, args] of Object.entries(modes)) {
      const m = run(tmp, file, args)
      console.error(
        `${mode} #${i + 1}: ${m.wall.toFixed(1)} s, ${m.cpu.toFixed(1)} CPU-s, ${m.rssMb.toFixed(0)} MB`,
      )
      if (!best[mode] || m.wall < best[mode].wall) best[mode] = m
    }
  const rate = (m) => Math.round(ROWS / m.wall)
  console.log(
    `${ROWS.toLocaleString('en-US')} flights rows (${mb.toFixed(0)} MB), embedded engine, best of ${REPEAT}:`,
  )
  for (const [mode, m] of Object.entries(best))
    console.log(
      `  ${mode.padEnd(6)} ${m.wall.toFixed(1)} s  ${rate(m).toLocaleString('en-US')} rows/s  ${m.cpu.toFixed(1)} CPU-s  peak RSS ${m.rssMb.toFixed(0)} MB`,
    )
  console.log(`  --resume / plain: ${(rate(best.resume) / rate(best.plain)).toFixed(2)} of the rows/s`)
  const { produce } = await import(path.join(root, 'dist', 'import', 'produce.js'))
  const t0 = performance.now()
  for await (const _ of produce({ file, type: 'csv', opts: {}, skipRows: ROWS, hashPrefix: true })) void _
  const skip = (performance.now() - t0) / 1000
  console.log(
    `  finding the place after ${ROWS.toLocaleString('en-US')} committed rows: ${skip.toFixed(1)} s (one thread)`,
  )
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
