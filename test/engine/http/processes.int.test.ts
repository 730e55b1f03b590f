/**
 * Durability and multi-process safety of the embedded engine's data dir (engine-only: these
 * are properties of the data directory, so they do not run against TEST_ARANGODB_URL):
 * - a write acknowledged over HTTP survives `kill -9` of the server process;
 * - an import request killed mid-way leaves nothing of itself behind (one transaction);
 * - a stream transaction open when its server is killed leaves nothing behind;
 * - several processes, each with its own engine on one data dir, write at once without losing
 *   anything, without duplicate generated keys and without SQLITE_BUSY failures.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CHECKPOINT_BYTES, DB_FILE, SqliteStore } from '../../../src/engine/storage/sqlite-store.js'

const CHILD = path.resolve('test/engine/http/support/engine-child.ts')
const VITE_NODE = path.resolve('node_modules/.bin/vite-node')

function start(args: string[]): { child: ChildProcess; lines: AsyncIterableIterator<string> } {
  const child = spawn(VITE_NODE, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let buf = ''
  const queue: string[] = []
  let wake: (() => void) | undefined
  let ended = false
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    let nl
    while ((nl = buf.indexOf('\n')) >= 0) {
      queue.push(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
    }
    wake?.()
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  child.on('exit', () => {
    ended = true
    wake?.()
  })
  async function* lines(): AsyncIterableIterator<string> {
    for (;;) {
      if (queue.length > 0) {
        yield queue.shift()!
        continue
      }
      if (ended) throw new Error(`child ended without output; stderr: ${stderr}`)
      await new Promise<void>((r) => (wake = r))
      wake = undefined
    }
  }
  return { child, lines: lines() }
}

async function waitFor(lines: AsyncIterableIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const { value, done } = await lines.next()
    if (done) throw new Error(`no line starting with ${prefix}`)
    if (value.startsWith(prefix)) return value.slice(prefix.length).trim()
  }
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGKILL')
  await exited
}

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('engine data dir across processes', () => {
  let dir: string
  const children: ChildProcess[] = []

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-proc-'))
  })
  afterEach(async () => {
    for (const c of children.splice(0)) await killHard(c)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  async function serve(): Promise<{ child: ChildProcess; url: string }> {
    const { child, lines } = start(['serve', dir])
    children.push(child)
    return { child, url: await waitFor(lines, 'URL ') }
  }

  it('keeps every acknowledged write after kill -9 of the server', async () => {
    const { child, url } = await serve()
    await fetch(`${url}/_api/collection`, { method: 'POST', body: JSON.stringify({ name: 'acked' }) })
    const acked: string[] = []
    for (let i = 0; i < 100; i++) {
      const r = await fetch(`${url}/_api/document/acked`, { method: 'POST', body: JSON.stringify({ i }) })
      expect(r.status).toBe(202)
      acked.push(((await r.json()) as { _key: string })._key)
    }
    const imp = await fetch(`${url}/_api/import?collection=acked&type=documents`, {
      method: 'POST',
      body: Array.from({ length: 500 }, (_, i) => JSON.stringify({ _key: `imp${i}` })).join('\n'),
    })
    expect(((await imp.json()) as { created: number }).created).toBe(500)
    await killHard(child)

    const store = new SqliteStore(dir)
    try {
      expect(store.count('_system', 'acked')).toBe(600)
      for (const k of acked) expect(store.get('_system', 'acked', k)).toBeDefined()
    } finally {
      store.close()
    }
  })

  it('keeps every acknowledged write after kill -9 while the checkpointer copies the WAL into the database file, three times over', async () => {
    const db = path.join(dir, DB_FILE)
    const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0)
    const line = JSON.stringify({ pad: 'x'.repeat(1000) })
    const perRequest = 1000
    const body = Array.from({ length: perRequest }, () => line).join('\n')
    let acked = 0
    let caught = 0
    for (let round = 0; round < 3; round++) {
      const { child, url } = await serve()
      if (round === 0)
        await fetch(`${url}/_api/collection`, { method: 'POST', body: JSON.stringify({ name: 'big' }) })
      // only the checkpointer writes the database file while the WAL is under the writers' own
      // autocheckpoint (twice CHECKPOINT_BYTES): the file growing means a checkpoint is copying
      let killed: Promise<void> | undefined
      let last = size(db)
      const watch = setInterval(() => {
        const now = size(db)
        if (now > last && size(`${db}-wal`) >= CHECKPOINT_BYTES && !killed) {
          caught++
          killed = killHard(child)
        }
        last = now
      }, 1)
      try {
        for (let n = 0; n < 200 && !killed; n++) {
          const r = await fetch(`${url}/_api/import?collection=big&type=documents`, {
            method: 'POST',
            body,
          }).catch(() => undefined)
          if (r?.status === 201) acked += ((await r.json()) as { created: number }).created
        }
      } finally {
        clearInterval(watch)
      }
      await (killed ?? killHard(child))
      const store = new SqliteStore(dir)
      try {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok')
        // every acknowledged import is there; the one in flight at the kill is whole or absent
        const n = store.count('_system', 'big')
        expect([acked, acked + perRequest]).toContain(n)
        acked = n
      } finally {
        store.close()
      }
    }
    // a kill landed in a checkpoint each round (else the round wrote 200 MB without one)
    expect(caught).toBe(3)
  }, 120_000)

  it('leaves nothing of an import request killed mid-way (all-or-nothing)', async () => {
    const { child, url } = await serve()
    await fetch(`${url}/_api/collection`, { method: 'POST', body: JSON.stringify({ name: 'atomic' }) })
    const pad = 'x'.repeat(200)
    const body = Array.from({ length: 80_000 }, (_, i) => JSON.stringify({ i, pad })).join('\n')
    // send with node:http to know when the whole body has left this process
    let answered = false
    let sent!: () => void
    const bodySent = new Promise<void>((r) => (sent = r))
    const request = new Promise<void>((resolve) => {
      const req = http.request(
        `${url}/_api/import?collection=atomic&type=documents`,
        { method: 'POST' },
        (res) => {
          answered = true
          res.resume()
          res.on('end', resolve)
        },
      )
      req.on('error', () => resolve())
      req.end(body, () => sent())
    })
    await bodySent
    // 80,000 documents take the engine well over 100 ms (the storage limit alone is ~180k/s):
    // killing now interrupts the request's transaction mid-way
    await new Promise((r) => setTimeout(r, 100))
    expect(answered, 'the import finished before it could be interrupted').toBe(false)
    await killHard(child)
    await request

    const store = new SqliteStore(dir)
    try {
      expect(store.count('_system', 'atomic')).toBe(0)
    } finally {
      store.close()
    }
  })

  it('leaves nothing of a stream transaction after kill -9 of the server mid-transaction', async () => {
    const { child, url } = await serve()
    await fetch(`${url}/_api/collection`, { method: 'POST', body: JSON.stringify({ name: 'trx' }) })
    await fetch(`${url}/_api/document/trx`, { method: 'POST', body: JSON.stringify({ _key: 'before' }) })
    const begin = await fetch(`${url}/_api/transaction/begin`, {
      method: 'POST',
      body: JSON.stringify({ collections: { write: ['trx'] } }),
    })
    const id = ((await begin.json()) as { result: { id: string } }).result.id
    for (let i = 0; i < 50; i++) {
      const r = await fetch(`${url}/_api/document/trx`, {
        method: 'POST',
        headers: { 'x-arango-trx-id': id },
        body: JSON.stringify({ i }),
      })
      expect(r.status).toBe(202)
    }
    await killHard(child)

    const store = new SqliteStore(dir)
    try {
      expect(store.count('_system', 'trx')).toBe(1)
      expect(store.get('_system', 'trx', 'before')).toBeDefined()
    } finally {
      store.close()
    }
  })

  it('lets several processes write to one data dir at once without loss, duplicates or SQLITE_BUSY', async () => {
    const writers = ['a', 'b', 'c'].map((tag) => start(['write', dir, 'shared', '200', tag]))
    children.push(...writers.map((w) => w.child))
    // meanwhile this process reads the same data dir (a query while consumers write)
    const reader = new SqliteStore(dir)
    let done = false
    const counts: number[] = []
    const reading = (async () => {
      while (!done) {
        if (reader.getCollection('_system', 'shared')) counts.push(reader.count('_system', 'shared'))
        await new Promise((r) => setTimeout(r, 20))
      }
    })()
    const results = await Promise.all(
      writers.map(
        async (w) => JSON.parse(await waitFor(w.lines, 'DONE ')) as { created: number; failures: unknown[] },
      ),
    )
    done = true
    await reading
    reader.close()
    expect(counts.length).toBeGreaterThan(0)
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1])
    for (const r of results) {
      expect(r.failures).toEqual([])
      expect(r.created).toBe(200)
    }
    const store = new SqliteStore(dir)
    try {
      const docs = [...store.scan('_system', 'shared')]
      expect(docs).toHaveLength(600)
      expect(new Set(docs.map((d) => d._key)).size).toBe(600)
      for (const tag of ['a', 'b', 'c']) {
        const is = docs.filter((d) => d.tag === tag).map((d) => d.i as number)
        expect(new Set(is).size).toBe(200)
      }
    } finally {
      store.close()
    }
  })
})
