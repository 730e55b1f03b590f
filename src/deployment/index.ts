/**
 * Resolving a deployment to an arangojs Database: flags > env > profile > the embedded engine.
 * There is one code path to ArangoDB: the embedded engine is started in-process on a loopback
 * port and reached through arangojs over HTTP like any server.
 */
import { Database } from 'arangojs'

import { EXIT, GraphpipeError } from '../errors.js'
import { startEmbeddedEngine } from '../engine/index.js'
import { connectionError } from './connection-errors.js'
import { type PasswordPrompt, promptPassword } from './prompt.js'
import { describeTarget, type ResolvedDeployment, resolveDeployment } from './resolve.js'
import { tlsConfig } from './tls.js'
import type { Connection, DeploymentFlags } from './types.js'

export type { Connection, DeploymentFlags, TargetDescription } from './types.js'
export { resolveDeployment, describeTarget, envForProfile } from './resolve.js'
export type { ResolvedDeployment, Credentials } from './resolve.js'

export interface ConnectOptions {
  /** stdin is a TTY: a password may be prompted for when the server answers 401. */
  interactive: boolean
  /**
   * What to check before returning: 'database' (default) that the server answers, the
   * credentials work and the database exists; 'server' only the first two (for commands that
   * create the database); false nothing.
   */
  verify?: 'database' | 'server' | false
  /** Defaults to process.env (tests pass their own). */
  env?: NodeJS.ProcessEnv
  /** Defaults to a no-echo prompt on the terminal. */
  prompt?: PasswordPrompt
  /** Milliseconds for the verification request (default 15 s). */
  timeoutMs?: number
  /** For an embedded engine: its SQLite page cache, MiB (a bulk load needs less than queries). */
  engineCacheMiB?: number
}

const VERIFY_TIMEOUT_MS = 15_000

async function verify(db: Database, what: 'database' | 'server', timeout: number): Promise<void> {
  if (what === 'database') await db.request({ pathname: '/_api/database/current', timeout })
  // a missing database answers 1228 to every path below it: ask `_system` whether the server answers
  else await db.database('_system').request({ pathname: '/_api/version', timeout })
}

export async function connect(flags: DeploymentFlags, opts: ConnectOptions): Promise<Connection> {
  const env = opts.env ?? process.env
  const resolved = resolveDeployment(flags, env)
  return connectResolved(resolved, opts)
}

export async function connectResolved(
  resolved: ResolvedDeployment,
  opts: ConnectOptions,
): Promise<Connection> {
  const check = opts.verify ?? 'database'
  const timeout = opts.timeoutMs ?? VERIFY_TIMEOUT_MS

  if (resolved.kind === 'embedded') {
    const engine = await startEmbeddedEngine({ dataDir: resolved.dataDir, cacheMiB: opts.engineCacheMiB })
    const db = new Database({ url: engine.url, databaseName: resolved.database })
    const conn = closable(db, async () => engine.close(), {
      kind: 'embedded',
      label: describeTarget(resolved),
      urls: [engine.url],
      database: resolved.database,
    })
    if (check) {
      try {
        await verify(db, check, timeout)
      } catch (err) {
        await conn.close()
        throw connectionError(err, { where: describeTarget(resolved), database: resolved.database })
      }
    }
    return conn
  }

  const db = new Database({
    url: resolved.urls.length === 1 ? resolved.urls[0] : resolved.urls,
    databaseName: resolved.database,
    // several URLs are coordinators of one cluster: spread requests over them
    loadBalancingStrategy: resolved.urls.length > 1 ? 'ROUND_ROBIN' : 'NONE',
    ...tlsConfig(resolved.ca?.pem),
  })
  const creds = resolved.credentials
  if (creds.kind === 'token') db.useBearerAuth(creds.token)
  else db.useBasicAuth(resolved.username, creds.kind === 'password' ? creds.password : '')
  const conn = closable(db, async () => undefined, {
    kind: 'remote',
    label: describeTarget(resolved),
    urls: resolved.urls,
    database: resolved.database,
  })
  if (!check) return conn
  const ctx = {
    where: describeTarget(resolved),
    database: resolved.database,
    username: resolved.username,
    authHint:
      creds.kind === 'none'
        ? creds.envHint
          ? `the profile takes its secret from $${creds.envHint}, which is not set`
          : 'no password configured: set ARANGO_PASSWORD (or ARANGO_TOKEN for a JWT)'
        : `check ${creds.source}`,
  }
  try {
    try {
      await verify(db, check, timeout)
    } catch (err) {
      const auth = connectionError(err, ctx)
      // A server with a password but none configured here: ask on the terminal, once.
      if (auth.code !== 'DEPLOYMENT_AUTH' || creds.kind !== 'none' || !opts.interactive) throw auth
      const password = await (opts.prompt ?? promptPassword)(
        `Password for ${resolved.username} at ${describeTarget(resolved)}: `,
      )
      db.useBasicAuth(resolved.username, password)
      ctx.authHint = 'the password entered was not accepted'
      await verify(db, check, timeout)
    }
  } catch (err) {
    await conn.close()
    throw connectionError(err, ctx)
  }
  return conn
}

function closable(db: Database, stop: () => Promise<void>, target: Connection['target']): Connection {
  let closing: Promise<void> | undefined
  return {
    db,
    target,
    close() {
      closing ??= (async () => {
        db.close()
        await stop()
      })()
      return closing
    },
  }
}

export interface DeploymentCheck {
  target: string
  urls: string[]
  database: string
  server: string
  version: string
  license?: string
  /** Median round trip of a few `GET /_api/version` requests, in milliseconds. */
  roundTripMs: number
}

/** What `deployments test` reports: server version, database, round-trip time. */
export async function checkConnection(conn: Connection, samples = 3): Promise<DeploymentCheck> {
  const times: number[] = []
  let info: { server: string; version: string; license?: string } | undefined
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint()
    try {
      info = await conn.db.version()
    } catch (err) {
      throw connectionError(err, { where: conn.target.label, database: conn.target.database })
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  times.sort((a, b) => a - b)
  if (!info)
    throw new GraphpipeError('DEPLOYMENT_NO_VERSION', 'the server did not report a version', EXIT.CONNECTION)
  return {
    target: conn.target.label,
    urls: conn.target.urls,
    database: conn.target.database,
    server: info.server,
    version: info.version,
    license: info.license,
    roundTripMs: Math.round(times[Math.floor(times.length / 2)] * 100) / 100,
  }
}
