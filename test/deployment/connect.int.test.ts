/**
 * connect(): every way to reach a deployment, against real engines (embedded, password-protected,
 * TLS with a private CA) and the shared test target, and the one-line error (exit code 3) for
 * each way it fails.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { EXIT, GraphpipeError } from '../../src/errors.js'
import { startEngineServer, type EngineServer } from '../../src/engine/http/server.js'
import { checkConnection, connect } from '../../src/deployment/index.js'
import { useTestTarget } from '../helpers/target.js'
import { makeTlsFixture, type TlsFixture } from './tls-fixture.js'

async function connectError(p: Promise<unknown>): Promise<GraphpipeError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(GraphpipeError)
    const err = e as GraphpipeError
    expect(err.message).not.toContain('\n')
    return err
  }
  throw new Error('expected connect to fail')
}

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

const noEnv = {}

describe('connect: the embedded default', () => {
  let dataDir: string
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-embedded-'))
  })
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('starts the engine for the data dir when no URL or profile is configured, and stops it on close', async () => {
    const conn = await connect({ 'data-dir': dataDir }, { interactive: false, env: noEnv })
    expect(conn.target.kind).toBe('embedded')
    expect(conn.target.label).toBe(`embedded engine at ${dataDir}`)
    expect(conn.target.database).toBe('_system')
    expect(conn.target.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await conn.db.collection('kept').create()
    await conn.db.collection('kept').save({ _key: 'x' })
    const url = conn.target.urls[0]
    await conn.close()
    await expect(fetch(`${url}/_api/version`)).rejects.toThrow()
    // the data stays in the data dir for the next command
    const again = await connect({}, { interactive: false, env: { GRAPHPIPE_DATA_DIR: dataDir } })
    expect((await again.db.collection('kept').document('x'))._key).toBe('x')
    await again.close()
  })

  it('fails in one line (exit 3) for a database the embedded engine does not have', async () => {
    const err = await connectError(
      connect({ 'data-dir': dataDir, database: 'nope' }, { interactive: false, env: noEnv }),
    )
    expect(err.code).toBe('DEPLOYMENT_DATABASE_NOT_FOUND')
    expect(err.exitCode).toBe(EXIT.CONNECTION)
    expect(err.message).toBe(`database 'nope' not found at embedded engine at ${dataDir}`)
  })
})

describe('connect: a server by URL (the test target)', () => {
  const target = useTestTarget()
  const env = () => (target.password !== undefined ? { ARANGO_PASSWORD: target.password } : {})

  it('connects to --url/--database and reports version, database and round-trip time', async () => {
    const conn = await connect(
      { url: target.url, database: target.dbName, username: target.username },
      { interactive: false, env: env() },
    )
    expect(conn.target).toMatchObject({ kind: 'remote', label: target.url, database: target.dbName })
    const check = await checkConnection(conn)
    expect(check.server).toBe('arango')
    expect(check.version).toMatch(/^3\.12\./)
    expect(check.database).toBe(target.dbName)
    expect(check.roundTripMs).toBeGreaterThan(0)
    await conn.close()
  })

  it('takes URL and database from ARANGO_URL / ARANGO_DATABASE', async () => {
    const conn = await connect(
      {},
      { interactive: false, env: { ...env(), ARANGO_URL: target.url, ARANGO_DATABASE: target.dbName } },
    )
    expect((await conn.db.get()).name).toBe(target.dbName)
    await conn.close()
  })

  it('treats comma-separated URLs as coordinators of one cluster', async () => {
    const conn = await connect(
      { url: `${target.url},${target.url}/`, database: target.dbName },
      { interactive: false, env: env() },
    )
    expect(conn.target.urls).toEqual([target.url, target.url])
    expect(conn.target.label).toBe(`cluster ${target.url}, ${target.url}`)
    for (let i = 0; i < 4; i++) expect((await conn.db.version()).server).toBe('arango')
    await conn.close()
  })

  it('spreads requests over the coordinators round robin', async () => {
    // two TCP relays in front of the target stand in for two coordinators; each counts its connections
    const upstream = new URL(target.url)
    const counts = [0, 0]
    const relays = await Promise.all(
      counts.map(async (_, i) => {
        const srv = net.createServer((client) => {
          counts[i]++
          const up = net.connect(Number(upstream.port), upstream.hostname)
          client.pipe(up).pipe(client)
          client.on('error', () => up.destroy())
          up.on('error', () => client.destroy())
        })
        await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
        return srv
      }),
    )
    try {
      const urls = relays.map((r) => `http://127.0.0.1:${(r.address() as net.AddressInfo).port}`)
      const conn = await connect(
        { url: urls.join(','), database: target.dbName },
        { interactive: false, env: env() },
      )
      await Promise.all(Array.from({ length: 6 }, () => conn.db.version()))
      await conn.close()
      expect(counts[0]).toBeGreaterThan(0)
      expect(counts[1]).toBeGreaterThan(0)
    } finally {
      for (const r of relays) {
        r.close()
        ;(r as net.Server & { closeAllConnections?: () => void }).closeAllConnections?.()
      }
    }
  })

  it('reports an unknown database as DEPLOYMENT_DATABASE_NOT_FOUND (1228), exit 3', async () => {
    const err = await connectError(
      connect({ url: target.url, database: 'no_such_db' }, { interactive: false, env: env() }),
    )
    expect(err.code).toBe('DEPLOYMENT_DATABASE_NOT_FOUND')
    expect(err.exitCode).toBe(EXIT.CONNECTION)
    expect(err.message).toContain("database 'no_such_db' not found")
  })

  it("with verify 'server' does not require the database to exist (for commands that create it)", async () => {
    const conn = await connect(
      { url: target.url, database: 'not_yet' },
      { interactive: false, env: env(), verify: 'server' },
    )
    await conn.close()
  })
})

describe('connect: failures and authentication', () => {
  let secured: EngineServer
  let dataDir: string
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-auth-'))
    secured = await startEngineServer({ dataDir, port: 0, rootPassword: 's3cret' })
  })
  afterAll(async () => {
    await secured.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('reports connection refused in one line, exit 3', async () => {
    const port = await closedPort()
    const err = await connectError(
      connect({ url: `http://127.0.0.1:${port}` }, { interactive: false, env: noEnv }),
    )
    expect(err.code).toBe('DEPLOYMENT_REFUSED')
    expect(err.exitCode).toBe(EXIT.CONNECTION)
    expect(err.message).toBe(
      `cannot connect to http://127.0.0.1:${port}: connection refused (is the server running on that port?)`,
    )
  })

  it('reports bad credentials (401) in one line without the password, exit 3', async () => {
    const err = await connectError(
      connect({ url: secured.url }, { interactive: false, env: { ARANGO_PASSWORD: 'wrong' } }),
    )
    expect(err.code).toBe('DEPLOYMENT_AUTH')
    expect(err.exitCode).toBe(EXIT.CONNECTION)
    expect(err.message).toContain('(401)')
    expect(err.message).toContain('check ARANGO_PASSWORD')
    expect(err.message).not.toContain('wrong')
  })

  it('authenticates with ARANGO_PASSWORD', async () => {
    const conn = await connect(
      { url: secured.url },
      { interactive: false, env: { ARANGO_PASSWORD: 's3cret' } },
    )
    expect((await conn.db.version()).server).toBe('arango')
    await conn.close()
  })

  it('authenticates with a JWT from ARANGO_TOKEN', async () => {
    const res = await fetch(`${secured.url}/_open/auth`, {
      method: 'POST',
      body: JSON.stringify({ username: 'root', password: 's3cret' }),
    })
    const { jwt } = (await res.json()) as { jwt: string }
    const conn = await connect({ url: secured.url }, { interactive: false, env: { ARANGO_TOKEN: jwt } })
    expect((await conn.db.version()).server).toBe('arango')
    await conn.close()
    const bad = await connectError(
      connect({ url: secured.url }, { interactive: false, env: { ARANGO_TOKEN: 'x.y.z' } }),
    )
    expect(bad.code).toBe('DEPLOYMENT_AUTH')
  })

  it('asks for the password on a terminal when the server wants one and none is configured', async () => {
    const questions: string[] = []
    const conn = await connect(
      { url: secured.url },
      {
        interactive: true,
        env: noEnv,
        prompt: async (q) => {
          questions.push(q)
          return 's3cret'
        },
      },
    )
    expect(questions).toEqual([`Password for root at ${secured.url}: `])
    await conn.close()
  })

  it('reports a wrong password typed at the prompt as such', async () => {
    const err = await connectError(
      connect({ url: secured.url }, { interactive: true, env: noEnv, prompt: async () => 'typo' }),
    )
    expect(err.code).toBe('DEPLOYMENT_AUTH')
    expect(err.message).toContain('the password entered was not accepted')
    expect(err.message).not.toContain('typo')
  })

  it('never prompts when not interactive', async () => {
    let asked = false
    const err = await connectError(
      connect(
        { url: secured.url },
        { interactive: false, env: noEnv, prompt: async () => ((asked = true), '') },
      ),
    )
    expect(asked).toBe(false)
    expect(err.code).toBe('DEPLOYMENT_AUTH')
    expect(err.message).toContain('no password configured: set ARANGO_PASSWORD')
  })
})

describe('connect: TLS with a private CA', () => {
  let tls: TlsFixture
  let server: EngineServer
  let dataDir: string
  beforeAll(async () => {
    tls = makeTlsFixture()
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-tls-engine-'))
    server = await startEngineServer({ dataDir, port: 0, tls: { cert: tls.cert, key: tls.key } })
  })
  afterAll(async () => {
    await server.close()
    tls.cleanup()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('rejects a server certificate from an unknown CA in one line, exit 3 (verification stays on)', async () => {
    expect(server.url).toMatch(/^https:/)
    const err = await connectError(connect({ url: server.url }, { interactive: false, env: noEnv }))
    expect(err.code).toBe('DEPLOYMENT_TLS')
    expect(err.exitCode).toBe(EXIT.CONNECTION)
    expect(err.message).toMatch(/^TLS failure talking to https:\/\/127\.0\.0\.1:\d+: .*--ca-cert/)
  })

  it('trusts the CA given as a PEM file with --ca-cert', async () => {
    const conn = await connect({ url: server.url, 'ca-cert': tls.caFile }, { interactive: false, env: noEnv })
    expect((await conn.db.version()).server).toBe('arango')
    await conn.close()
  })

  it("trusts the CA given in Oasis's base64 form through ARANGO_CA_CERT", async () => {
    const b64 = Buffer.from(tls.caPem).toString('base64')
    const conn = await connect({ url: server.url }, { interactive: false, env: { ARANGO_CA_CERT: b64 } })
    expect((await conn.db.version()).server).toBe('arango')
    await conn.close()
  })

  it('keeps two connections with different private CAs working at once, whichever closes first', async () => {
    const other = makeTlsFixture()
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-tls-engine2-'))
    const server2 = await startEngineServer({
      dataDir: otherDir,
      port: 0,
      tls: { cert: other.cert, key: other.key },
    })
    try {
      const a = await connect({ url: server.url, 'ca-cert': tls.caFile }, { interactive: false, env: noEnv })
      const b = await connect(
        { url: server2.url, 'ca-cert': other.caFile },
        { interactive: false, env: noEnv },
      )
      await a.close()
      // a fresh connection (new sockets) to server2 must still verify against its CA
      const b2 = await connect(
        { url: server2.url, 'ca-cert': other.caFile },
        { interactive: false, env: noEnv },
      )
      expect((await b2.db.version()).server).toBe('arango')
      await b2.close()
      expect((await b.db.version()).server).toBe('arango')
      await b.close()
    } finally {
      await server2.close()
      other.cleanup()
      fs.rmSync(otherDir, { recursive: true, force: true })
    }
  })

  it('stops trusting the CA once the connection that needed it is closed', async () => {
    const err = await connectError(connect({ url: server.url }, { interactive: false, env: noEnv }))
    expect(err.code).toBe('DEPLOYMENT_TLS')
  })
})
