/**
 * Run read-only query work inside one SQLite read transaction (BEGIN DEFERRED): in WAL mode it takes
 * no write lock (writers of other processes go on), gives the whole batch one consistent snapshot,
 * and makes each document lookup 2-3x cheaper than an implicit transaction per statement.
 *
 * The Store contract has no read-transaction method yet, so this uses the better-sqlite3 handle of
 * the SQLite store when it can find one and otherwise just runs `fn`. A `readSnapshot` on the Store
 * (storage area) would replace this.
 */
import type { Store } from '../storage/types.js'

interface SqliteHandle {
  exec(sql: string): unknown
  inTransaction: boolean
}

function handleOf(store: Store): SqliteHandle | null {
  const db = (store as unknown as { db?: unknown }).db as Partial<SqliteHandle> | undefined
  if (db && typeof db.exec === 'function' && typeof db.inTransaction === 'boolean') return db as SqliteHandle
  return null
}

export function readSnapshot<T>(store: Store, fn: () => T): T {
  const withSnapshot = store as Store & { readSnapshot?: (f: () => T) => T }
  if (typeof withSnapshot.readSnapshot === 'function') return withSnapshot.readSnapshot(fn)
  const db = handleOf(store)
  if (!db || db.inTransaction) return fn()
  db.exec('BEGIN')
  try {
    return fn()
  } finally {
    if (db.inTransaction) db.exec('COMMIT')
  }
}
