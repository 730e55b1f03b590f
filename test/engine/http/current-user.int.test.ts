/**
 * CURRENT_USER() is the user of the request's Authorization header with authentication on, and
 * null with it off (ArangoDB's manual, AQL miscellaneous functions), through arangojs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Database, aql } from 'arangojs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngineServer, type EngineServer } from '../../../src/engine/http/server.js'

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('CURRENT_USER()', () => {
  let dir: string
  let open: EngineServer
  let guarded: EngineServer
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-user-'))
    open = await startEngineServer({ dataDir: path.join(dir, 'open') })
    guarded = await startEngineServer({ dataDir: path.join(dir, 'auth'), rootPassword: 's3cret' })
  })
  afterAll(async () => {
    await open.close()
    await guarded.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const current = async (db: Database) => (await db.query(aql`RETURN CURRENT_USER()`)).all()

  it('is null when authentication is off, whatever credentials are sent', async () => {
    expect(await current(new Database({ url: open.url }))).toEqual([null])
    expect(await current(new Database({ url: open.url, auth: { username: 'root', password: 'x' } }))).toEqual(
      [null],
    )
  })

  it('is the authenticated user with Basic auth and with a JWT', async () => {
    const basic = new Database({ url: guarded.url, auth: { username: 'root', password: 's3cret' } })
    expect(await current(basic)).toEqual(['root'])
    const jwt = new Database({ url: guarded.url })
    await jwt.login('root', 's3cret')
    expect(await current(jwt)).toEqual(['root'])
    const rows = await (await basic.query('FOR i IN 1..3 RETURN CONCAT(CURRENT_USER(), i)')).all()
    expect(rows).toEqual(['root1', 'root2', 'root3'])
  })
})
