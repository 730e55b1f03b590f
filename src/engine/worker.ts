/**
 * Worker-thread entry of the embedded engine (see startEmbeddedEngine in http/server.ts):
 * `workerData` is the EngineOptions; it answers {type:'ready', url} or {type:'error', message},
 * and on {type:'close'} stops the server and answers {type:'closed'}.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { EngineOptions } from './types.js'
import { startEngineServer } from './http/server.js'

const port = parentPort
if (port) {
  try {
    const engine = await startEngineServer(workerData as EngineOptions)
    port.on('message', (m: { type?: string }) => {
      if (m.type !== 'close') return
      void engine.close().finally(() => port.postMessage({ type: 'closed' }))
    })
    port.postMessage({ type: 'ready', url: engine.url })
  } catch (e) {
    const err = e as { message?: string; code?: string }
    port.postMessage({ type: 'error', message: err.message ?? String(e), code: err.code })
  }
}
