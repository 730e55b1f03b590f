#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.mjs, each a standalone script) one after the
// other, collects the JSON figure lines each prints on stdout
// ({"figure","value","unit","ratio","goal","met"}), and writes a markdown table to
// bench/RESULTS.md and stdout. `npm run bench` builds first; `node bench/run.js import aql` runs a subset.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.includes(basename(f, '.mjs')))
  .sort()

function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--expose-gc', join(here, file)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CI: process.env.CI ?? '' },
    })
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      process.stderr.write(d)
    })
    child.on('close', (code) => {
      const figures = []
      for (const line of out.split('\n')) {
        const t = line.trim()
        if (!t.startsWith('{')) continue
        try {
          const o = JSON.parse(t)
          if (o && typeof o.figure === 'string') figures.push(o)
        } catch {
          // not a figure line
        }
      }
      resolve({ file, code, figures, seconds: (Date.now() - started) / 1000 })
    })
  })
}

const fmt = (v) =>
  typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v ?? '')

const resultsPath = join(here, 'RESULTS.md')
// A subset run keeps the rows of the benchmarks it did not run.
const rows = []
if (only.length > 0 && existsSync(resultsPath)) {
  for (const line of readFileSync(resultsPath, 'utf8').split('\n')) {
    const bench = /^\| ([a-z][\w-]*) \|/.exec(line)?.[1]
    if (bench && bench !== 'bench' && !benches.includes(`${bench}.mjs`)) rows.push(line)
  }
}
let failed = 0
for (const file of benches) {
  process.stderr.write(`\n== ${file}\n`)
  const r = await runOne(file)
  const name = basename(file, '.mjs')
  if (r.code !== 0 || r.figures.length === 0) {
    failed++
    rows.push(`| ${name} | run failed (exit ${r.code}) | | | | no |`)
    continue
  }
  for (const f of r.figures) {
    const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**'
    const ratio = f.ratio === undefined ? '' : fmt(f.ratio)
    rows.push(
      `| ${name} | ${f.figure} | ${fmt(f.value)} ${f.unit ?? ''} | ${ratio} | ${f.goal ?? ''} | ${met} |`,
    )
  }
}

const table = [
  `# Benchmark results`,
  '',
  `${only.length ? `Rows of ${only.join(', ')} measured` : 'Measured'} by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}${only.length ? ' (the other rows are from earlier runs)' : ''}, Node ${process.version}, ` +
    `${(await import('node:os')).cpus().length} cores. Ratios compare against a limit or peer measured in the same run ` +
    '(`node bench/<name>.mjs` runs one; `node bench/run.js <name>...` re-runs some and keeps the other rows).',
  '',
  '| bench | figure | measured | ratio | goal | met |',
  '| --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n')
writeFileSync(resultsPath, table)
process.stdout.write(`\n${table}`)
process.exitCode = failed ? 1 : 0
