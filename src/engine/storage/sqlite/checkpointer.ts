/**
 * WAL checkpoints off the writer's thread. A checkpoint copies the WAL's pages into the database
 * file and syncs it: left to SQLite's autocheckpoint it runs inside whichever commit crosses the
 * threshold, on the engine's one request thread, which then answers nobody until the sync is
 * done (15-20 % of a 1,000,000-row import's time: bench/import.mjs). A thread of its own with its
 * own connection runs PASSIVE checkpoints instead, which never wait for or block a writer or a
 * reader (https://sqlite.org/c3ref/wal_checkpoint_v2.html), so the copying and the sync overlap
 * the writes.
 *
 * It checkpoints when the WAL file has grown past `thresholdBytes`. Writers set
 * `journal_size_limit` to the same size, so the file shrinks back to it whenever SQLite restarts
 * the WAL after a complete checkpoint: its size then tells how much has been written since, and
 * `PRAGMA data_version` whether anything was committed since the last complete checkpoint. The
 * writers keep an autocheckpoint of their own at twice that size (connection.ts says why).
 */
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

import { DEFAULTS } from '../../../config/defaults.js'

/** The WAL size past which the engine's checkpointer copies it (DEFAULTS.engine.checkpointMiB). */
export const CHECKPOINT_BYTES = DEFAULTS.engine.checkpointMiB * 1024 * 1024

export interface CheckpointerOptions {
  /** Checkpoint once the WAL file is larger than this. */
  thresholdBytes: number
  /** How often the WAL's size is looked at. */
  intervalMs: number
}

// Plain CommonJS run with `eval`: the thread needs only better-sqlite3 and fs, so it neither
// loads the engine nor needs a compiled file (tests run from the TypeScript sources).
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const Database = require(workerData.sqlite)
const db = new Database(workerData.file, { fileMustExist: true })
// never wait: a checkpoint another connection runs, or one that cannot go on, is tried next tick
db.pragma('busy_timeout = 0')
// a checkpoint reads WAL frames and writes database pages directly, not through the page cache
db.pragma('cache_size = -256')
let timer
// what was committed when a complete checkpoint last ran (PRAGMA data_version changes with every
// commit of another connection): an idle engine's WAL stays above the threshold until the next
// write restarts it, and is not checkpointed again meanwhile. (Not the file's size and mtime: a
// restarted WAL keeps its size, and a write within the clock tick of the last look left the
// mtime as it was, so a WAL with new frames looked unchanged until some later write.)
let done = -1
const tick = () => {
  let size = 0
  try {
    size = fs.statSync(workerData.file + '-wal').size
  } catch {}
  if (size > workerData.thresholdBytes) {
    try {
      const version = db.pragma('data_version', { simple: true })
      if (version !== done) {
        const startedAt = Date.now()
        const [r] = db.pragma('wal_checkpoint(PASSIVE)')
        // a commit after the version was read may be in this checkpoint or not: the version it
        // made differs from this one, so the next look checkpoints again (at worst once for nothing)
        if (r.log === r.checkpointed) done = version
        parentPort.postMessage({ type: 'checkpoint', startedAt, walFrames: r.log, copied: r.checkpointed })
      }
    } catch (e) {
      parentPort.postMessage({ type: 'busy', message: String(e && e.message) })
    }
  }
  timer = setTimeout(tick, workerData.intervalMs)
}
timer = setTimeout(tick, workerData.intervalMs)
parentPort.on('message', (m) => {
  if (m !== 'stop') return
  clearTimeout(timer)
  db.close()
  parentPort.close()
})
`

/** A checkpoint the thread ran: when it began (ms), the WAL's frames then and how many it copied. */
export interface CheckpointReport {
  startedAt: number
  walFrames: number
  copied: number
}

export class Checkpointer {
  /** Checkpoints run (tests, metrics). */
  checkpoints = 0
  last?: CheckpointReport
  private readonly worker: Worker
  private readonly exited: Promise<unknown>

  constructor(file: string, options: CheckpointerOptions) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(THREAD, {
      eval: true,
      workerData: { file, sqlite, ...options },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    })
    this.exited = once(this.worker, 'exit')
    this.worker.on('message', (m: { type: string } & CheckpointReport) => {
      if (m.type !== 'checkpoint') return
      this.checkpoints++
      this.last = { startedAt: m.startedAt, walFrames: m.walFrames, copied: m.copied }
    })
    // a thread that fails leaves the writers' autocheckpoint in charge: nothing is lost
    this.worker.on('error', () => undefined)
    this.worker.unref()
  }

  async close(): Promise<void> {
    // held again while it stops: with only unref'd handles left, the process would end here
    this.worker.ref()
    this.worker.postMessage('stop')
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, 2000)))
    const how = await Promise.race([this.exited.then(() => 'exited'), timeout])
    clearTimeout(timer)
    if (how !== 'exited') await this.worker.terminate()
  }
}
