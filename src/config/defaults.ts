/** Every default graphpipe uses, in one place. Commands and cores import from here. */
import os from 'node:os'
import path from 'node:path'

export const DEFAULTS = {
  database: '_system',
  username: 'root',
  serverPort: 8529,
  serverHost: '127.0.0.1',
  import: {
    /**
     * Documents per /_api/import request, and the request's size limit (arangoimport's
     * --batch-size, 1 MiB): about 3,900 flights rows. Each request is one engine transaction, and
     * commits cost: 1,000-row requests made the embedded import 1.5x slower (bench/import.mjs).
     */
    batchSize: 10_000,
    batchBytes: 1 << 20,
    concurrency: 2,
    errorsShown: 20,
    /** Checkpoints of resumable imports (--resume), beside the data as consume's graphpipe_versions. */
    checkpointCollection: 'graphpipe_checkpoints',
    /**
     * Rows per transaction of a resumable import: each also begins, writes the checkpoint and
     * commits, so larger is cheaper per row; but the engine holds a batch as objects while it
     * writes it (1,000,000 flights rows: peak RSS 299 MB at 5,000, 323 MB at 10,000, 359 MB at
     * 20,000; docs/import.md "Resuming").
     */
    resumableBatchSize: 5_000,
  },
  engine: {
    /**
     * SQLite page cache of the embedded engine, MiB (SQLite's own default is 2). Index lookups on
     * collections larger than the cache re-read pages from the OS on every lookup: 64 MiB measured
     * 3-4x faster edge-index traversals on 300k edges (bench/aql.mjs).
     */
    cacheMiB: 64,
    /**
     * The same for the engine `graphpipe import` starts: bulk appends touch few pages (the key
     * index's right edge, the edge indexes' hot spots), and a large cache only fills with pages
     * written once. Measured on 1,000,000 flights (bench/import.mjs): no slower, 45 MB less RSS.
     */
    importCacheMiB: 16,
    /**
     * The engine's checkpointer thread copies the WAL into the database file once the WAL is
     * larger than this (MiB), looking every `checkpointIntervalMs`. Off the request thread, a
     * 1,000,000-row import into a document collection took 7.7-8.5 s instead of 10.4-11.0 s.
     */
    checkpointMiB: 32,
    checkpointIntervalMs: 200,
    /** Stream transactions idle this long are aborted (ArangoDB's --transaction.streaming-idle-timeout). */
    streamingIdleTimeoutSeconds: 60,
    /** A stream transaction's default lockTimeout (arangod transaction::Options::defaultLockTimeout). */
    lockTimeoutSeconds: 900,
    /**
     * Time limit of one call of a user-defined AQL function (its node:vm context). ArangoDB has
     * none (only the query's maxRuntime); a limit here keeps a runaway function from holding a
     * query worker, and 1 s is far above what a per-row function should need.
     */
    userFunctionCallTimeoutMs: 1000,
    /**
     * How long a write outside any transaction waits for the engine's write turn (a stream
     * transaction or a modification query holding it) before it answers 18 "lock timeout";
     * the same bound for SQLite's busy timeout on another process's write lock.
     */
    writeWaitMs: 30_000,
    /** Query worker threads of the engine (`server --query-workers`): one per core. */
    queryWorkers: Math.max(1, os.availableParallelism()),
  },
  cursor: { batchSize: 1000, ttlSeconds: 30 },
  consume: {
    /** The built-in mapping (the seed's tweet shape) used without --mapping/--transform. */
    mapping: 'twitter',
    window: '1m',
    grace: '2s',
    maxBatch: 10_000,
    idle: '10s',
    ackDeadlineSeconds: 60,
    deadLetterCollection: 'graphpipe_deadletters',
    maxBatchBytes: 10 * 1024 * 1024,
    /** Per write request: a server that stops answering is retried after this. */
    requestTimeout: '30s',
    /** Backoff between retries of a failed write: first delay, doubling up to the cap. */
    retryInitialMs: 200,
    retryMaxMs: 10_000,
    /** A dead letter's reason is cut to this many characters in its Pub/Sub attribute. */
    deadLetterReasonChars: 1024,
    /** How long the Pub/Sub client extends leases of held messages (retries through an outage). */
    maxExtension: '60m',
    /** First lease of a received message; also how soon a crashed consumer's messages return. */
    minAckDeadline: '30s',
    /** Deletes and unfollows are remembered this long; older events may resurrect what they removed. */
    tombstoneTtl: '7d',
    /** Event-time bookkeeping beside the data (per-attribute and per-edge versions, tombstones). */
    versionsCollection: 'graphpipe_versions',
  },
  deadletters: {
    /** Dead letters `deadletters list` shows (the reason counts cover all). */
    listLimit: 20,
    /** Transient write errors `deadletters replay --mapping` retries before it gives up. */
    replayRetries: 5,
    /** Messages published before their dead letters are removed. */
    publishChunk: 1000,
  },
  pubsub: {
    /** Project id used against the emulator when none is given (the emulator accepts any). */
    emulatorProject: 'graphpipe',
  },
  publish: {
    /** Flow control: messages published but not yet acknowledged by Pub/Sub. */
    maxOutstanding: 5000,
    /** Flow control in bytes, so a run of 10 MB messages cannot pile up in memory. */
    maxOutstandingBytes: 64 * 1024 * 1024,
    errorsShown: 20,
    /** Publisher batching when no --batch-max-* flag is given: the client library's own defaults. */
    batching: { maxMessages: 100, maxBytes: 1024 * 1024, maxMilliseconds: 10 },
    /** How often progress is reported while publishing. */
    progressIntervalMs: 100,
  },
  query: {
    /** Rows held back to choose table/CSV columns and widths before streaming the rest. */
    sampleRows: 100,
    /** The interactive shell's history: file name in the XDG state dir, entries kept. */
    historyFile: 'query_history',
    historySize: 1000,
  },
  jwtLifetimeSeconds: 3600,
} as const

function xdg(envName: string, fallback: string[]): string {
  const fromEnv = process.env[envName]
  if (fromEnv && path.isAbsolute(fromEnv)) return path.join(fromEnv, 'graphpipe')
  return path.join(os.homedir(), ...fallback, 'graphpipe')
}

/** XDG base directories (https://specifications.freedesktop.org/basedir-spec/latest/). */
export const xdgDataDir = (): string => xdg('XDG_DATA_HOME', ['.local', 'share'])
export const xdgConfigDir = (): string => xdg('XDG_CONFIG_HOME', ['.config'])
export const xdgStateDir = (): string => xdg('XDG_STATE_HOME', ['.local', 'state'])

/** The embedded engine's data dir: `--data-dir` > GRAPHPIPE_DATA_DIR > XDG data dir. */
export function defaultDataDir(flag?: string): string {
  return flag ?? process.env.GRAPHPIPE_DATA_DIR ?? xdgDataDir()
}
