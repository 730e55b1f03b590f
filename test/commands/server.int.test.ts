/**
 * `graphpipe server` end to end: the built CLI (bin/run.js, `npm run build` first) in a child
 * process, reached with arangojs and node:https like any ArangoDB server.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { Database } from 'arangojs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makeTlsFixture, type TlsFixture } from '../deployment/tls-fixture.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const bin = path.join(root, 'bin', 'run.js')

interface Running {
  child: ChildProcessWithoutNullStreams
  url: string
  stderr: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  delete env.ARANGO_URL
  if (!('ARANGO_ROOT_PASSWORD' in extra)) delete env.ARANGO_ROOT_PASSWORD
  return env
}

/** Start `graphpipe server ARGS` and wait for the URL it prints on stdout. */
function startServer(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [bin, 'server', ...args], { cwd: root, env: cleanEnv(env) })
  let out = ''
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m) resolve({ child, url: m[1], stderr: () => err, exited })
    })
    void exited.then(({ code }) =>
      reject(new Error(`server exited (${code}) before listening: ${err.trim()}`)),
    )
  })
}

/** Run `graphpipe server ARGS` expecting it to refuse to start. */
function runToExit(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, 'server', ...args], { cwd: root, env: cleanEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

function httpsStatus(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${url}/_api/version`, { ca }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
  })
}

describe('graphpipe server (built CLI)', () => {
  let dataDir: string
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist', 'commands', 'server.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before this test (npm test does it in pretest)')
    }
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-server-'))
  })
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('serves arangojs on the printed URL, stops on SIGTERM, and keeps the data for the next start', async () => {
    const s = await startServer(['--port', '0', '--data-dir', dataDir])
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const db = new Database({ url: s.url })
    expect((await db.version()).version).toMatch(/^3\.12\./)
    const col = await db.createCollection('airports')
    await col.save({ _key: 'LAX', name: 'Los Angeles' })
    db.close()
    s.child.kill('SIGTERM')
    expect(await s.exited).toEqual({ code: 0, signal: null })
    expect(s.stderr()).toContain('SIGTERM: stopping')

    const again = await startServer(['--port', '0', '--data-dir', dataDir])
    const db2 = new Database({ url: again.url })
    expect((await db2.collection('airports').document('LAX')).name).toBe('Los Angeles')
    db2.close()
    again.child.kill('SIGINT')
    expect((await again.exited).code).toBe(0)
  })

  it('refuses a non-loopback host without ARANGO_ROOT_PASSWORD, in one line with exit code 2', async () => {
    const r = await runToExit(['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('refusing to listen on 0.0.0.0 without authentication')
  })

  it('starts --query-workers N query worker threads, and refuses 0 in one line with exit code 2', async () => {
    const s = await startServer(['--port', '0', '--data-dir', dataDir, '--query-workers', '3'])
    const db = new Database({ url: s.url })
    expect(await (await db.query('RETURN 1 + 1')).all()).toEqual([2])
    db.close()
    expect(s.stderr()).toContain('3 query workers')
    s.child.kill('SIGTERM')
    expect((await s.exited).code).toBe(0)
    const r = await runToExit(['--port', '0', '--data-dir', dataDir, '--query-workers', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('query-workers')
  })

  it('--transaction-idle-timeout takes the duration grammar: an idle stream transaction is gone after 1500ms; a bad value is one line, exit 2', async () => {
    const s = await startServer([
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--transaction-idle-timeout',
      '1500ms',
    ])
    const db = new Database({ url: s.url })
    await db
      .collection('idle')
      .create()
      .catch(() => undefined)
    const trx = await db.beginTransaction({ write: ['idle'] })
    expect((await trx.get()).status).toBe('running')
    // arangod aborts an idle streaming transaction after the timeout; asking for it then finds none
    // (or an aborted one) instead of a running transaction
    const deadline = Date.now() + 10_000
    let status = 'running'
    while (status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250))
      status = await trx.get().then(
        (t) => t.status,
        () => 'gone',
      )
    }
    expect(status).not.toBe('running')
    db.close()
    s.child.kill('SIGTERM')
    expect((await s.exited).code).toBe(0)
    const r = await runToExit(['--port', '0', '--data-dir', dataDir, '--transaction-idle-timeout', 'soon'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('--transaction-idle-timeout')
  })

  it('with ARANGO_ROOT_PASSWORD serves any host and requires authentication (401 without it)', async () => {
    const s = await startServer(['--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], {
      ARANGO_ROOT_PASSWORD: 'pw',
    })
    const url = s.url.replace('0.0.0.0', '127.0.0.1')
    const anonymous = await fetch(`${url}/_api/version`)
    expect(anonymous.status).toBe(401)
    const db = new Database({ url, auth: { username: 'root', password: 'pw' } })
    expect((await db.version()).server).toBe('arango')
    db.close()
    expect(s.stderr()).toContain('authentication on')
    s.child.kill('SIGTERM')
    expect((await s.exited).code).toBe(0)
  })

  describe('TLS', () => {
    let tls: TlsFixture
    beforeAll(() => {
      tls = makeTlsFixture()
    })
    afterAll(() => tls.cleanup())

    it('serves HTTPS with --tls-cert/--tls-key: trusted through the CA, rejected without it', async () => {
      const s = await startServer([
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--tls-cert',
        tls.certFile,
        '--tls-key',
        tls.keyFile,
      ])
      expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect(await httpsStatus(s.url, tls.caPem)).toBe(200)
      await expect(httpsStatus(s.url)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
      s.child.kill('SIGTERM')
      expect((await s.exited).code).toBe(0)
    })
  })
})
