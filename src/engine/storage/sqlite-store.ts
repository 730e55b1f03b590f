/**
 * The engine's storage over SQLite, behind the `Store` interface (./types.ts). The class is built
 * in layers, one module each (./sqlite/): the connection with its metadata cache and transactions
 * (connection.ts), databases and collections (catalog.ts), documents (documents.ts) and indexes
 * (indexes.ts); ./sqlite/rows.ts has the row layout they share.
 */
import { SqliteStore } from './sqlite/indexes.js'
import type { SqliteStoreOptions } from './sqlite/connection.js'

export { SqliteStore }
export { CHECKPOINT_BYTES, Checkpointer, type CheckpointerOptions } from './sqlite/checkpointer.js'
export { DB_FILE } from './sqlite/rows.js'
export { LocalLockBusy, type CollectionGuard, type SqliteStoreOptions } from './sqlite/connection.js'

/** Open (creating when missing) the store of a data dir. */
export function openStore(dataDir: string, opts?: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(dataDir, opts)
}
