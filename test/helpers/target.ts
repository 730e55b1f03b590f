/**
 * The ArangoDB target for integration tests (`*.int.test.ts`).
 *
 * - With TEST_ARANGODB_URL set (and TEST_ARANGODB_PASSWORD, TEST_ARANGODB_USERNAME default
 *   `root`): that real server.
 * - Otherwise: the embedded engine, started in this process (`startEngineServer`) on a free
 *   loopback port over a fresh temporary data dir, stopped and deleted afterwards.
 *
 * Either way every `useTestTarget()` gets its own fresh database (created before, dropped after),
 * so test files never see each other's data.
 *
 *   import { useTestTarget } from '../helpers/target.js'
 *   describe('import', () => {
 *     const target = useTestTarget()                 // registers beforeAll/afterAll
 *     // const target = useTestTarget({ scope: 'test' }) // fresh database per test (beforeEach/afterEach)
 *     it('...', async () => {
 *       const col = await target.db.createCollection('users')   // arangojs Database on target.dbName
 *       // target.url, target.username, target.password (undefined when none),
 *       // target.kind ('embedded' | 'real'), target.dataDir (embedded only),
 *       // target.system (arangojs Database on _system), target.engine (embedded only: the
 *       // running server, e.g. target.engine.store for white-box checks)
 *       // target.env(): environment for a child process (the built CLI) pointed at the target:
 *       //   ARANGO_URL, ARANGO_DATABASE, ARANGO_USERNAME, ARANGO_PASSWORD (when set)
 *     })
 *   })
 *
 * Must be called at describe (or file) level, not inside a test.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Database } from 'arangojs'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startEngineServer, type EngineServer } from '../../src/engine/http/server.js'
import type { EngineOptions } from '../../src/engine/types.js'

export interface TestTarget {
  readonly kind: 'embedded' | 'real'
  readonly url: string
  readonly username: string
  readonly password: string | undefined
  /** The fresh database of this file (or of the current test with scope 'test'). */
  readonly dbName: string
  /** arangojs Database on `dbName`. */
  readonly db: Database
  /** arangojs Database on `_system`. */
  readonly system: Database
  /** Embedded only: the engine's data dir (undefined for a real server). */
  readonly dataDir: string | undefined
  /** Embedded only: the running engine (undefined for a real server). */
  readonly engine: EngineServer | undefined
  /** Environment variables pointing a child process (the built CLI) at this target's database. */
  env(): Record<string, string>
}

export interface TestTargetOptions {
  /** 'file' (default): one database for all tests of the describe; 'test': one per test. */
  scope?: 'file' | 'test'
  /** Embedded only: options of the engine started for it (e.g. a short streamingIdleTimeoutSeconds). */
  engine?: Omit<EngineOptions, 'dataDir' | 'port'>
}

function uniqueDbName(): string {
  return `gp_test_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`
}

export function useTestTarget(options: TestTargetOptions = {}): TestTarget {
  const realUrl = process.env.TEST_ARANGODB_URL
  const username = process.env.TEST_ARANGODB_USERNAME ?? 'root'
  const password = realUrl ? process.env.TEST_ARANGODB_PASSWORD : undefined
  let engine: EngineServer | undefined
  let dataDir: string | undefined
  let url = realUrl ?? ''
  let system: Database | undefined
  let db: Database | undefined
  let dbName = ''

  const connect = (name: string) =>
    new Database({ url, databaseName: name, auth: { username, password: password ?? '' } })

  const createDb = async () => {
    dbName = uniqueDbName()
    await system!.createDatabase(dbName)
    db = connect(dbName)
  }
  const dropDb = async () => {
    if (!dbName) return
    const name = dbName
    db?.close()
    db = undefined
    dbName = ''
    await system!.dropDatabase(name).catch(() => undefined)
  }

  beforeAll(async () => {
    if (!realUrl) {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-engine-test-'))
      engine = await startEngineServer({ ...options.engine, dataDir, port: 0 })
      url = engine.url
    }
    system = connect('_system')
    if (options.scope !== 'test') await createDb()
  })
  if (options.scope === 'test') {
    beforeEach(createDb)
    afterEach(dropDb)
  }
  afterAll(async () => {
    await dropDb()
    system?.close()
    if (engine) await engine.close()
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined)
      throw new Error(`test target: ${what} is only available inside tests (after beforeAll)`)
    return v
  }

  return {
    kind: realUrl ? 'real' : 'embedded',
    get url() {
      return url
    },
    username,
    password,
    get dbName() {
      return dbName
    },
    get db() {
      return need(db, 'db')
    },
    get system() {
      return need(system, 'system')
    },
    get dataDir() {
      return dataDir
    },
    get engine() {
      return engine
    },
    env() {
      const e: Record<string, string> = {
        ARANGO_URL: url,
        ARANGO_DATABASE: dbName,
        ARANGO_USERNAME: username,
      }
      if (password !== undefined) e.ARANGO_PASSWORD = password
      return e
    },
  }
}
