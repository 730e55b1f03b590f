/**
 * The contract between the engine's storage (src/engine/storage/) and its consumers: the REST
 * routes (src/engine/http/) and the AQL executor (src/engine/aql/). Everything is synchronous
 * (better-sqlite3). Every failure is thrown as an `ArangoError` (../errors.ts) with ArangoDB's
 * errorNum, so REST and AQL report the same errors for the same cause.
 */

/** A stored document as ArangoDB returns it: `_key`, `_id`, `_rev` (and `_from`/`_to` for edges) included. */
export type Doc = Record<string, unknown> & { _key: string; _id: string; _rev: string }

export type CollectionType = 2 | 3 // 2 document, 3 edge (ArangoDB's numbers)

export interface CollectionInfo {
  /** Numeric string id, stable for the life of the collection. */
  id: string
  name: string
  type: CollectionType
  isSystem: boolean
  globallyUniqueId: string
  waitForSync: boolean
  keyOptions: {
    type: 'traditional' | 'autoincrement' | 'uuid' | 'padded'
    allowUserKeys: boolean
    increment?: number
    offset?: number
  }
  schema: unknown | null
}

export interface IndexInfo {
  /** `coll/<n>`; the primary index is `coll/0`, the edge index `coll/2` (ArangoDB's numbering). */
  id: string
  name: string
  type: 'primary' | 'edge' | 'persistent'
  fields: string[]
  unique: boolean
  sparse: boolean
  /** Persistent indexes: an array index stores each document's equal members once (default true). */
  deduplicate?: boolean
}

/** What ensureIndex is asked for (POST /_api/index); `hash` and `skiplist` are ArangoDB's aliases of persistent. */
export interface IndexSpec {
  type: string
  fields: string[]
  unique?: boolean
  sparse?: boolean
  deduplicate?: boolean
  name?: string
}

export type OverwriteMode = 'conflict' | 'ignore' | 'replace' | 'update'

export interface WriteOptions {
  /** insert: what to do when `_key` exists (default conflict -> 1210). */
  overwriteMode?: OverwriteMode
  /** update: attributes set to null are removed when false (default true). */
  keepNull?: boolean
  /** update: deep-merge objects (default true); arrays are always replaced. */
  mergeObjects?: boolean
  /** update/replace/remove: when false, a `_rev` in the input must match (else 1200). Default true. */
  ignoreRevs?: boolean
  /** A revision that must match (the REST `If-Match` header); mismatch -> 1200 with HTTP 412. */
  ifMatch?: string
  waitForSync?: boolean
}

export interface WriteResult {
  _id: string
  _key: string
  _rev: string
  _oldRev?: string
  /** The document after the write (null for overwriteMode ignore when nothing was written). */
  new: Doc | null
  /** The document before the write (null when there was none). */
  old: Doc | null
  /** True when overwriteMode ignore skipped an existing document. */
  ignored?: boolean
}

/** A half-open or closed range of one indexed attribute, for persistent-index lookups. */
export interface IndexCondition {
  eq?: unknown[] // equality values for a prefix of the index fields, in field order
  /** optional range on the field right after the equality prefix */
  lower?: { value: unknown; inclusive: boolean }
  upper?: { value: unknown; inclusive: boolean }
}

export interface Store {
  /** Close the SQLite handle (after a checkpoint). */
  close(): void
  /** Secret for signing JWTs, shared by every server on this data dir. */
  jwtSecret(): string

  // --- databases (names only; `_system` always exists)
  listDatabases(): string[]
  hasDatabase(name: string): boolean
  createDatabase(name: string): void // 1229 bad name, 1207 duplicate
  dropDatabase(name: string): void // 1228 unknown, 1230 `_system`
  /** Numeric id of a database (for `/_api/database/current`). */
  databaseId(name: string): string | undefined

  // --- collections
  getCollection(db: string, name: string): CollectionInfo | undefined
  /** Like getCollection but throws 1203 "collection or view not found: <name>". */
  requireCollection(db: string, name: string): CollectionInfo
  /** Resolve a collection by name or by its numeric id (the REST API accepts both). */
  getCollectionByNameOrId(db: string, nameOrId: string): CollectionInfo | undefined
  listCollections(db: string): CollectionInfo[]
  createCollection(
    db: string,
    name: string,
    opts?: {
      type?: CollectionType
      waitForSync?: boolean
      keyOptions?: Partial<CollectionInfo['keyOptions']>
      schema?: unknown
      isSystem?: boolean
    },
  ): CollectionInfo
  /** Change waitForSync / schema (PUT /_api/collection/{c}/properties). */
  setCollectionProperties(
    db: string,
    name: string,
    props: { waitForSync?: boolean; schema?: unknown },
  ): CollectionInfo
  dropCollection(db: string, name: string): void
  truncateCollection(db: string, name: string): void
  renameCollection(db: string, name: string, newName: string): CollectionInfo
  count(db: string, coll: string): number
  /** The last generated key (`keyOptions.lastValue`). */
  lastKeyValue(db: string, coll: string): number
  /** The collection's revision: its newest document revision ('0' when empty). */
  revision(db: string, coll: string): string

  // --- reads
  get(db: string, coll: string, key: string): Doc | undefined
  /** The document as JSON text (REST reads send it without re-serializing). */
  getRaw(db: string, coll: string, key: string): { rev: string; json: string } | undefined
  /**
   * Full scan in insertion order (ArangoDB's RocksDB order), in chunks (no SQLite statement
   * stays open between chunks, so callers may run other statements while iterating); documents
   * inserted after the scan started are not visited.
   */
  scan(db: string, coll: string, chunkSize?: number): Iterable<Doc>
  /** Edge index: edges of `edgeColl` whose `_from` (out) or `_to` (in) equals `vertexId`. */
  edges(db: string, edgeColl: string, direction: 'out' | 'in', vertexId: string): Doc[]
  listIndexes(db: string, coll: string): IndexInfo[]
  /**
   * Candidates from a persistent index; callers re-check their filter (type subtleties). For an
   * array index (`tags[*]`) `cond.eq` holds the member value sought (`x IN doc.tags`) and the
   * values of the fields after it; ranges do not apply.
   */
  indexLookup(db: string, coll: string, indexId: string, cond: IndexCondition): Doc[]

  // --- writes (each validates keys, `_from`/`_to`, unique indexes, and generates `_rev`)
  /** `rawJson`: the text `doc` was parsed from, stored as is when possible (imports). */
  insert(
    db: string,
    coll: string,
    doc: Record<string, unknown>,
    opts?: WriteOptions,
    rawJson?: string,
  ): WriteResult
  /**
   * Bulk import, inside the request's transaction: a function storing one JSON text (UTF-8 bytes
   * `start`..`end` of the request body) as received
   * under a generated key when nothing needs the parsed document, answering false (nothing
   * changed) when it cannot, so that the caller parses the text and calls `insert`; null when
   * the collection never allows it (see the SQLite store).
   */
  jsonInserter(
    db: string,
    coll: string,
    opts?: WriteOptions,
    prefixes?: { from?: string; to?: string },
  ): ((body: Buffer, start: number, end: number) => boolean) | null
  update(
    db: string,
    coll: string,
    key: string,
    patch: Record<string, unknown>,
    opts?: WriteOptions,
  ): WriteResult
  replace(
    db: string,
    coll: string,
    key: string,
    doc: Record<string, unknown>,
    opts?: WriteOptions,
  ): WriteResult
  /** `rev`: a revision the document must have (ignoreRevs false), as from a `_rev` in the body. */
  remove(db: string, coll: string, key: string, opts?: WriteOptions & { rev?: string }): WriteResult

  // --- indexes
  ensureIndex(db: string, coll: string, spec: IndexSpec): IndexInfo & { isNewlyCreated: boolean }
  dropIndex(db: string, coll: string, indexId: string): void

  /**
   * Run `fn` atomically (all or nothing), serialized against other processes on the same data
   * dir (BEGIN IMMEDIATE with a busy timeout). Nested calls become savepoints. `sync`: the
   * commit is fsynced before this returns (ArangoDB's waitForSync).
   */
  transaction<T>(fn: () => T, opts?: { sync?: boolean }): T

  /** Run reads on one consistent snapshot without taking the write lock. */
  readSnapshot<T>(fn: () => T): T
}

/**
 * Named graphs live where ArangoDB keeps them: as documents of the `_graphs` system collection of
 * each database (`{_key: name, name, edgeDefinitions: [{collection, from, to}], orphanCollections}`),
 * so the AQL executor resolves `GRAPH 'g'` with `store.get(db, '_graphs', g)`.
 */
export const GRAPHS_COLLECTION = '_graphs'
