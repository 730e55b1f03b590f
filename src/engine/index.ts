/**
 * Public entry of the embedded engine. Commands never call storage directly: they start the
 * engine and talk to it through arangojs over HTTP, exactly as to a real ArangoDB.
 */
export type { EngineOptions, RunningEngine } from './types.js'
export { startEngineServer, startEmbeddedEngine, EngineStartError } from './http/server.js'
export { isLoopbackHost, requiresPassword } from './http/loopback.js'
