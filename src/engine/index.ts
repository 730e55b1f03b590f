/**
 * Public entry of the embedded engine. Commands never call storage directly: they start the
 * engine and talk to it through arangojs over HTTP, exactly as to a real ArangoDB.
 */
export interface EngineOptions {
  /** Directory holding the SQLite files; created when missing. */
  dataDir: string
  /** Default 127.0.0.1. A non-loopback host requires `rootPassword`. */
  host?: string
  /** 0 (default) picks a free port. */
  port?: number
  /** When set, Basic and JWT auth are required as ArangoDB does them (401, errorNum 11). */
  rootPassword?: string
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { cert: string; key: string }
  /** SQLite page cache, MiB (default DEFAULTS.engine.cacheMiB). */
  cacheMiB?: number
}

export interface RunningEngine {
  /** e.g. http://127.0.0.1:40123 */
  url: string
  close(): Promise<void>
}

export { startEngineServer, startEmbeddedEngine } from './http/server.js'
