/** Run AQL directly against a real SqliteStore in a temp dir (no HTTP), for executor unit tests. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileQuery, type QueryOptions } from '../../../src/engine/aql/executor.js'
import { FUNCTION_LIBRARY } from '../../../src/engine/aql/library.js'
import { openStore, type SqliteStore } from '../../../src/engine/storage/sqlite-store.js'

export interface TestDb {
  store: SqliteStore
  q(query: string, bindVars?: Record<string, unknown>, opts?: QueryOptions): Promise<unknown[]>
  run(
    query: string,
    bindVars?: Record<string, unknown>,
    opts?: QueryOptions,
  ): Promise<{ result: unknown[]; stats: Record<string, unknown>; warnings: unknown[] }>
  close(): void
}

export function openTestDb(): TestDb {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-aql-'))
  const store = openStore(dir)
  const run = async (query: string, bindVars: Record<string, unknown> = {}, opts: QueryOptions = {}) => {
    const c = compileQuery(store, '_system', query, bindVars, FUNCTION_LIBRARY, opts)
    const result = c.all()
    return { result, stats: c.ctx.stats as unknown as Record<string, unknown>, warnings: c.ctx.warnings }
  }
  return {
    store,
    run,
    q: async (query, bindVars, opts) => (await run(query, bindVars, opts)).result,
    close: () => {
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
