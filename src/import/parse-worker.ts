/**
 * Worker-thread entry of the reading half of an import (see produce.ts). On a busy machine a
 * main thread that parses reacts late to the server's answers and the server idles between
 * batches; with the parsing here, the main thread only moves parcels into requests.
 * workerData is a ProduceSpec; it posts {type:'parcel', parcel}, then {type:'done'} or
 * {type:'error', message, code, exitCode}; it keeps at most MAX_AHEAD parcels unacknowledged
 * ({type:'ack'} from the main thread), which bounds memory.
 */
import { parentPort, workerData } from 'node:worker_threads'

import { produce, type ProduceSpec } from './produce.js'

const MAX_AHEAD = 8

/** produce() gives every part of a parcel its own ArrayBuffer (see toDocBytes). */
const ownBuffer = (a: ArrayLike<number>): ArrayBuffer => (a as Uint8Array).buffer as ArrayBuffer

const port = parentPort
if (port) {
  let unacked = 0
  let wake: (() => void) | undefined
  port.on('message', (m: { type?: string }) => {
    if (m.type !== 'ack') return
    unacked--
    wake?.()
    wake = undefined
  })
  try {
    for await (const parcel of produce(workerData as ProduceSpec)) {
      // the document bytes and their offsets move to the main thread without a copy
      const { docs } = parcel
      port.postMessage(
        { type: 'parcel', parcel },
        docs.body.byteLength > 0 ? [docs.body, docs.lines, docs.ends].map(ownBuffer) : [],
      )
      unacked++
      while (unacked >= MAX_AHEAD) await new Promise<void>((r) => (wake = r))
    }
    port.postMessage({ type: 'done' })
  } catch (e) {
    const err = e as { message?: string; code?: string; exitCode?: number }
    port.postMessage({
      type: 'error',
      message: err.message ?? String(e),
      code: err.code,
      exitCode: err.exitCode,
    })
  }
}
