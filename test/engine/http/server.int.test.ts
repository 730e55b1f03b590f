/**
 * Starting the engine: HTTPS with a certificate, refusal of unsafe hosts, a clear error for a
 * port in use, and startEmbeddedEngine (in-thread fallback when the compiled worker is absent).
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedEngine, startEngineServer, isLoopbackHost } from '../../../src/engine/http/server.js'

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('starting the engine', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-start-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('serves HTTPS with the given PEM certificate and key', async () => {
    const key = path.join(dir, 'key.pem')
    const cert = path.join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    const pem = { cert: fs.readFileSync(cert, 'utf8'), key: fs.readFileSync(key, 'utf8') }
    const engine = await startEngineServer({ dataDir: path.join(dir, 'tls'), tls: pem })
    try {
      expect(engine.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(`${engine.url}/_api/version`, { ca: pem.cert }, (res) => {
            let text = ''
            res.on('data', (d: Buffer) => (text += d.toString()))
            res.on('end', () => resolve(text))
          })
          .on('error', reject)
      })
      expect(JSON.parse(body)).toMatchObject({ server: 'arango' })
    } finally {
      await engine.close()
    }
  })

  it('accepts only loopback hosts without a root password', async () => {
    for (const h of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'])
      expect(isLoopbackHost(h)).toBe(true)
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com']) expect(isLoopbackHost(h)).toBe(false)
    await expect(startEngineServer({ dataDir: dir, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'ENGINE_UNSAFE_HOST',
    })
  })

  it('says which port is in use instead of crashing', async () => {
    const first = await startEngineServer({ dataDir: path.join(dir, 'a') })
    try {
      const port = Number(new URL(first.url).port)
      await expect(startEngineServer({ dataDir: path.join(dir, 'b'), port })).rejects.toThrow(
        new RegExp(`cannot listen on 127.0.0.1:${port}`),
      )
    } finally {
      await first.close()
    }
  })

  const compiled = path.resolve('dist/engine/index.js')
  it.skipIf(!fs.existsSync(path.resolve('dist/engine/worker.js')))(
    'startEmbeddedEngine runs the compiled engine in a worker thread (npm run build)',
    () => {
      const script = `
        const { startEmbeddedEngine } = await import(${JSON.stringify(compiled)})
        const e = await startEmbeddedEngine({ dataDir: ${JSON.stringify(path.join(dir, 'worker'))} })
        const r = await fetch(e.url + '/_api/document/_graphs', { method: 'POST', body: '{"_key":"g"}' })
        const inThread = 'store' in e
        await e.close()
        console.log(JSON.stringify({ status: r.status, inThread }))`
      const file = path.join(dir, 'worker-check.mjs')
      fs.writeFileSync(file, script)
      const env = { ...process.env }
      delete env.NODE_OPTIONS // vitest's loader options must not reach this plain node process
      const out = execFileSync(process.execPath, [file], { encoding: 'utf8', env })
      expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ status: 202, inThread: false })
    },
  )

  it('startEmbeddedEngine serves the data dir and closes cleanly', async () => {
    const engine = await startEmbeddedEngine({ dataDir: path.join(dir, 'emb') })
    const res = await fetch(`${engine.url}/_api/database/current`)
    expect(((await res.json()) as { result: { name: string } }).result.name).toBe('_system')
    await engine.close()
    await expect(fetch(`${engine.url}/_api/version`)).rejects.toThrow()
  })
})
