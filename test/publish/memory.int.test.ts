/**
 * Memory stays flat: the built CLI validates 40 MB of input (JSON lines and a --split array) with
 * V8's heap capped at 64 MB, of which the CLI's own live heap takes about 40 MB. Holding the input
 * would crash it (heap out of memory); streaming finishes and reports the one invalid message at
 * the very end. Nothing is timed.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, expect, it } from 'vitest'

import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const repo = path.resolve(import.meta.dirname, '../..')
const emu = usePubSubEmulator()
let dir: string

const record = (i: number): string =>
  JSON.stringify({
    message: 'success',
    data: [{ username: `user${i}`, first_name: 'x'.repeat(250), follow: `user${i + 1}` }],
  })

function writeLarge(file: string, bytes: number, asArray: boolean): number {
  const fd = fs.openSync(file, 'w')
  let written = 0
  let n = 0
  let buf = asArray ? '[\n' : ''
  while (written < bytes) {
    buf += asArray ? `${n ? ',\n' : ''}  ${record(n)}` : `${record(n)}\n`
    n++
    if (buf.length > 1 << 20) {
      written += fs.writeSync(fd, buf)
      buf = ''
    }
  }
  buf += asArray ? ',\n  {"broken": }\n]\n' : ''
  fs.writeSync(fd, buf)
  fs.closeSync(fd)
  return n
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-publish-mem-'))
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

it('validates 40 MB with a 64 MB heap, reporting the invalid element at the end', () => {
  const lines = path.join(dir, 'big.jsonl')
  const array = path.join(dir, 'big-array.json')
  const n1 = writeLarge(lines, 20e6, false)
  const n2 = writeLarge(array, 20e6, true)
  const r = spawnSync(
    process.execPath,
    [path.join(repo, 'bin/run.js'), 'publish', lines, array, '--split', '--topic', emu.unique('mem')],
    {
      cwd: repo,
      env: { ...process.env, ...emu.env(), NODE_OPTIONS: '--max-old-space-size=64' },
      encoding: 'utf8',
    },
  )
  expect(r.stderr).not.toMatch(/heap out of memory/i)
  expect(r.stderr).toMatch(new RegExp(`big-array\\.json:${n2 + 2}: invalid JSON`))
  expect(r.stderr).toContain(
    `nothing published: 1 invalid message (${(n1 + n2).toLocaleString('en-US')} valid)`,
  )
  expect(r.status).toBe(1)
})
