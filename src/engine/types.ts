/** The embedded engine's public types (re-exported by engine/index.ts; imported by its server). */
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
  /**
   * A stream transaction idle this long is aborted (ArangoDB's
   * `--transaction.streaming-idle-timeout`, default DEFAULTS.engine.streamingIdleTimeoutSeconds).
   */
  streamingIdleTimeoutSeconds?: number
  /**
   * Query worker threads (default DEFAULTS.engine.queryWorkers, one per core): AQL runs there,
   * reads in parallel, never on the HTTP thread.
   */
  queryWorkers?: number
}

export interface RunningEngine {
  /** e.g. http://127.0.0.1:40123 */
  url: string
  close(): Promise<void>
}
