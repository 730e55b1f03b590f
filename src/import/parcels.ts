/**
 * Where the reading half of an import runs: in a worker thread when it can (a file, not
 * --dry-run, compiled code; parse-worker.ts), else in this thread (produce.ts).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

import { GraphpipeError } from '../errors.js'
import { produce, type Parcel, type ProduceSpec } from './produce.js'

/** The parcels of one file, read in a worker thread when it can be. */
export function parcelsOf(spec: ProduceSpec): AsyncGenerator<Parcel> {
  const worker = workerScript()
  if (worker && spec.file !== '-' && !spec.opts.dryRun && spec.opts.workerThreads !== false)
    return produceInWorker(worker, spec)
  return produce(spec)
}

/** The compiled parse worker next to this module; absent when running from TypeScript sources (tests). */
function workerScript(): URL | undefined {
  const url = new URL('./parse-worker.js', import.meta.url)
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined
}

async function* produceInWorker(script: URL, spec: ProduceSpec): AsyncGenerator<Parcel> {
  // A small old space: the worker holds a few parcels at a time, and RSS is what the user sees.
  // A young generation that holds a parcel's rows until they are packed: with 4 MB they were
  // promoted and collected again as old objects (1,000,000 flights rows: 5.1 CPU-s at 4 MB,
  // 3.5 at 16, no better at 32; +14 MB RSS).
  const worker = new Worker(script, {
    workerData: spec,
    resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 96 },
  })
  type Msg =
    | { type: 'parcel'; parcel: Parcel }
    | { type: 'done' }
    | { type: 'error'; message: string; code?: string; exitCode?: number }
  const queue: Msg[] = []
  let wake: (() => void) | undefined
  let crashed: Error | undefined
  const push = (m: Msg): void => {
    queue.push(m)
    wake?.()
    wake = undefined
  }
  let ended = false
  worker.on('message', (m: Msg) => {
    if (m.type !== 'parcel') ended = true
    push(m)
  })
  worker.on('error', (e) => {
    crashed = e
    push({ type: 'done' })
  })
  // a worker that ends without saying done must not leave the import waiting forever
  worker.on('exit', (code) => {
    if (ended) return
    crashed ??= new Error(`the reading worker stopped (exit code ${code}) before the end of ${spec.file}`)
    push({ type: 'done' })
  })
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r))
      const m = queue.shift()!
      if (crashed) throw crashed
      if (m.type === 'done') return
      if (m.type === 'error') {
        throw m.code?.startsWith('IMPORT')
          ? new GraphpipeError(m.code, m.message, m.exitCode)
          : new Error(m.message)
      }
      yield m.parcel
      worker.postMessage({ type: 'ack' })
    }
  } finally {
    await worker.terminate()
  }
}
