/**
 * Bad input gets ArangoDB's error shape and number, never a crash or a 500 with a stack:
 * malformed JSON (600), invalid names (1208/1229), oversized or illegal keys (1221), bodies of
 * the wrong type, unknown paths (404), unsupported features (501/9), unknown databases (1228).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Database } from 'arangojs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngineServer, type EngineServer } from '../../../src/engine/http/server.js'
import { useTestTarget } from '../../helpers/target.js'

interface Answer {
  status: number
  body: Record<string, unknown>
}

describe('bad input', () => {
  const target = useTestTarget()

  async function call(method: string, p: string, body?: string, db = target.dbName): Promise<Answer> {
    const headers: Record<string, string> = {}
    if (target.password !== undefined) {
      headers.authorization =
        'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64')
    }
    const res = await fetch(`${target.url}/_db/${encodeURIComponent(db)}${p}`, { method, body, headers })
    const text = await res.text()
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
  }

  function expectError(a: Answer, status: number, errorNum: number): void {
    expect(a.status).toBe(status)
    expect(a.body).toMatchObject({ error: true, code: status, errorNum })
    expect(typeof a.body.errorMessage).toBe('string')
    expect(String(a.body.errorMessage)).not.toMatch(/\n\s+at /) // no stack trace
  }

  beforeAll(async () => {
    await target.db.createCollection('c')
    await target.db.createEdgeCollection('e')
  })

  it('answers malformed JSON with 400/600 on every JSON endpoint', async () => {
    expectError(await call('POST', '/_api/document/c', '{ 1: "World" }'), 400, 600)
    expectError(await call('POST', '/_api/collection', '{"name":'), 400, 600)
    expectError(await call('POST', '/_api/index?collection=c', 'nope'), 400, 600)
    expectError(await call('PATCH', '/_api/document/c/x', '{'), 400, 600)
    expectError(await call('POST', '/_api/database', '[1,', '_system'), 400, 600)
  })

  it('rejects invalid collection and database names', async () => {
    for (const name of ['', '1abc', 'a/b', ' lead', 'trail ', '.dot', 'x'.repeat(257), 'ctl\u0001']) {
      expectError(await call('POST', '/_api/collection', JSON.stringify({ name })), 400, 1208)
    }
    expectError(await call('POST', '/_api/collection', JSON.stringify({ name: 42 })), 400, 1208)
    expectError(await call('POST', '/_api/collection', JSON.stringify({ name: '_sys' })), 400, 1208)
    for (const name of ['1db', 'a:b', '_x', 'x'.repeat(129)]) {
      expectError(await call('POST', '/_api/database', JSON.stringify({ name }), '_system'), 400, 1229)
    }
    expectError(await call('POST', '/_api/collection', JSON.stringify({ name: 'c' })), 409, 1207)
  })

  it('rejects oversized and illegal keys with 1221', async () => {
    expectError(await call('POST', '/_api/document/c', JSON.stringify({ _key: 'k'.repeat(255) })), 400, 1221)
    expectError(await call('POST', '/_api/document/c', JSON.stringify({ _key: 'a/b' })), 400, 1221)
    expectError(await call('POST', '/_api/document/c', JSON.stringify({ _key: 'ü' })), 400, 1221)
    expectError(await call('POST', '/_api/document/c', JSON.stringify({ _key: '' })), 400, 1221)
    expectError(await call('POST', '/_api/document/c', JSON.stringify({ _key: null })), 400, 1221)
    const ok = await call('POST', '/_api/document/c', JSON.stringify({ _key: 'k'.repeat(254) }))
    expect(ok.status).toBe(202)
    // keys with reserved URL characters are percent-decoded per path segment
    await call('POST', '/_api/document/c', JSON.stringify({ _key: "a:b@c(d)+e,f=g;h$i!j*k'l%m" }))
    const got = await call('GET', `/_api/document/c/${encodeURIComponent("a:b@c(d)+e,f=g;h$i!j*k'l%m")}`)
    expect(got.status).toBe(200)
  })

  it('rejects bodies of the wrong type', async () => {
    expectError(await call('POST', '/_api/document/c', '"a string"'), 400, 1227)
    expectError(await call('POST', '/_api/document/c', '42'), 400, 1227)
    expectError(await call('POST', '/_api/document/c', ''), 400, 1227)
    const arr = await call('POST', '/_api/document/c', '[1, "x", null]')
    expect(arr.status).toBe(202)
    expect(arr.body).toEqual(
      [1, 2, 3].map(() => ({ error: true, errorNum: 1227, errorMessage: 'invalid document type' })),
    )
    expectError(await call('PATCH', '/_api/document/c/x', '[1]'), 400, 1227)
    expectError(await call('POST', '/_api/collection', '[]'), 400, 400)
    expectError(await call('POST', '/_api/import?collection=c&type=list', '{"a":1}'), 400, 400)
    expectError(await call('POST', '/_api/import?collection=c', '{"a":1}'), 400, 400)
    expectError(await call('POST', '/_api/import', '{"a":1}'), 400, 1204)
    expectError(
      await call('POST', '/_api/index?collection=c', JSON.stringify({ type: 'persistent', fields: [] })),
      400,
      400,
    )
    expectError(await call('POST', '/_api/document/e', JSON.stringify({ _from: 12, _to: 'c/1' })), 400, 1233)
  })

  it('answers unknown paths 404, unknown methods 405 and unsupported features 501/9', async () => {
    const u = await call('GET', '/_api/x')
    expectError(u, 404, 404)
    expect(u.body.errorMessage).toBe("unknown path '/_api/x'")
    expectError(await call('PUT', '/_api/version'), 405, 405)
    for (const p of ['/_api/transaction', '/_api/view', '/_api/analyzer', '/_api/user', '/_api/foxx']) {
      // POST /_api/transaction is a JavaScript transaction
      const a = await call(p.endsWith('transaction') ? 'POST' : 'GET', p)
      expectError(a, 501, 9)
      expect(a.body.errorMessage).toMatch(/not implemented/)
    }
    // a stream transaction without a body, or without collections
    expectError(await call('POST', '/_api/transaction/begin'), 400, 400)
    expectError(await call('POST', '/_api/transaction/begin', '{"collections": 3}'), 400, 400)
    expectError(await call('GET', '/_api/version', undefined, 'no_such_db'), 404, 1228)
    expectError(await call('GET', '/_api/document/c/%E0%A4%A'), 400, 400)
    expectError(await call('GET', '/_api/collection/nope'), 404, 1203)
  })

  it('never answers 500 for any combination of endpoint and malformed body', async () => {
    const endpoints: [string, string][] = [
      ['POST', '/_api/collection'],
      ['PUT', '/_api/collection/c/properties'],
      ['PUT', '/_api/collection/c/rename'],
      ['PUT', '/_api/collection/c/truncate'],
      ['POST', '/_api/document/c'],
      ['POST', '/_api/document/e'],
      ['PUT', '/_api/document/c'],
      ['PUT', '/_api/document/c?onlyget=true'],
      ['PATCH', '/_api/document/c'],
      ['DELETE', '/_api/document/c'],
      ['PUT', '/_api/document/c/k1'],
      ['PATCH', '/_api/document/c/k1'],
      ['POST', '/_api/import?collection=c&type=documents'],
      ['POST', '/_api/import?collection=c&type=list'],
      ['POST', '/_api/import?collection=e&type=auto&details=true'],
      ['POST', '/_api/import?collection=c'],
      ['POST', '/_api/index?collection=c'],
      ['POST', '/_api/database'],
      ['POST', '/_open/auth'],
    ]
    const bodies = [
      '',
      '{',
      '[]',
      '{}',
      '"x"',
      '123',
      'null',
      '[{"_key":1}]',
      '{"name":{}}',
      '[null,[],"k"]',
      '\u0000',
    ]
    for (const [method, p] of endpoints) {
      for (const body of bodies) {
        const a = await call(method, p, body)
        const where = `${method} ${p} ${JSON.stringify(body)} -> ${a.status} ${JSON.stringify(a.body)}`
        expect(a.status < 500 || a.status === 501, where).toBe(true)
        if (a.status >= 400) expect(a.body, where).toMatchObject({ error: true, code: a.status })
      }
    }
  })

  it('treats the string "undefined" as an unset option and only true/1 as true', async () => {
    const r = await call(
      'POST',
      '/_api/document/c?returnNew=undefined&waitForSync=yes',
      JSON.stringify({ a: 1 }),
    )
    expect(r.status).toBe(202)
    expect(r.body).not.toHaveProperty('new')
    const r2 = await call('POST', '/_api/document/c?returnNew=1&waitForSync=true', JSON.stringify({ a: 1 }))
    expect(r2.status).toBe(201)
    expect(r2.body).toHaveProperty('new')
  })
})

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('authentication with a root password', () => {
  let engine: EngineServer
  let dir: string

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-auth-'))
    engine = await startEngineServer({ dataDir: dir, rootPassword: 's3cret' })
  })
  afterAll(async () => {
    await engine.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('refuses requests without valid credentials with 401/11', async () => {
    for (const authorization of [
      undefined,
      'Basic ' + Buffer.from('root:wrong').toString('base64'),
      'bearer abc.def.ghi',
    ]) {
      const res = await fetch(`${engine.url}/_api/version`, {
        headers: authorization ? { authorization } : {},
      })
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ error: true, code: 401, errorNum: 11 })
    }
  })

  it('accepts Basic auth and JWTs from /_open/auth (arangojs login)', async () => {
    const basic = new Database({ url: engine.url, auth: { username: 'root', password: 's3cret' } })
    expect((await basic.version()).server).toBe('arango')
    const jwtDb = new Database({ url: engine.url })
    const token = await jwtDb.login('root', 's3cret')
    const [, payload] = token.split('.')
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({
      iss: 'arangodb',
      preferred_username: 'root',
    })
    expect((await jwtDb.version()).server).toBe('arango')
    const bad = await fetch(`${engine.url}/_open/auth`, {
      method: 'POST',
      body: JSON.stringify({ username: 'root', password: 'nope' }),
    })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toMatchObject({ errorNum: 401 })
  })

  it('refuses to serve a non-loopback host without a root password', async () => {
    await expect(startEngineServer({ dataDir: dir, host: '0.0.0.0' })).rejects.toThrow(/root password/)
  })
})
