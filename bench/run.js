#!/usr/bin/env node
// Runs every benchmark in bench/ (files named *.mjs, each a standalone script) one after the
// other, collects the JSON figure lines each prints on stdout
// ({"figure","value","unit","ratio","goal","met"}), and writes a markdown table to
// bench/RESULTS.md and stdout. `npm run bench` builds first; `node bench/run.js import aql` runs a subset.
import { spawn } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
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

const rows = []
let failed = 0
for (const file of benches) {
  process.stderr.write(`\n== ${file}\n`)
  const r = await runOne(file)
  if (r.code !== 0 || r.figures.length === 0) {
    failed++
    rows.push(`| ${basename(file, '.mjs')} | run failed (exit ${r.code}) | | | | no |`)
    continue
  }
  for (const f of r.figures) {
    const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**'
    rows.push(
      `| ${f.figure} | ${fmt(f.value)} ${f.unit ?? ''} | ${f.ratio === undefined ? '' : fmt(f.ratio)} | ${f.goal ?? ''} | ${met} |`,
    )
  }
}

const table = [
  `# Benchmark results`,
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
    `${(await import('node:os')).cpus().length} cores. Ratios compare against a limit or peer measured in the same run.`,
  '',
  '| figure | measured | ratio | goal | met |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n')
writeFileSync(join(here, 'RESULTS.md'), table)
process.stdout.write(`\n${table}`)
process.exitCode = failed ? 1 : 0
