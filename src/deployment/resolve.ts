/**
 * Which deployment a command talks to. Each setting comes from the first of: its flag, its
 * environment variable, the selected profile (`--deployment` / GRAPHPIPE_DEPLOYMENT), the default.
 * With no URL anywhere the target is the embedded engine on the data dir.
 */
import path from 'node:path'

import { DEFAULTS, xdgDataDir } from '../config/defaults.js'
import { type CaCert, loadCaCert } from './ca-cert.js'
import { getProfile, parseUrls, type Profile, unknownProfile } from './profiles.js'
import type { DeploymentFlags } from './types.js'

export type Credentials =
  | { kind: 'token'; token: string; source: string }
  | { kind: 'password'; password: string; source: string }
  /** Nothing configured: connect as `username` with an empty password, prompt on 401 when on a TTY. */
  | { kind: 'none'; envHint?: string }

export type ResolvedDeployment =
  | { kind: 'embedded'; dataDir: string; database: string }
  | {
      kind: 'remote'
      urls: string[]
      database: string
      username: string
      credentials: Credentials
      ca?: CaCert
      profile?: string
    }

/** `--data-dir` > GRAPHPIPE_DATA_DIR > XDG data dir, read from `env` (defaults.ts reads process.env). */
function embeddedDataDir(flags: DeploymentFlags, env: NodeJS.ProcessEnv): string {
  const explicit = firstSet(flags['data-dir'], env.GRAPHPIPE_DATA_DIR)
  if (explicit) return path.resolve(explicit)
  const xdg = env.XDG_DATA_HOME
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'graphpipe')
  return xdgDataDir()
}

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== '')
}

/** Resolve flags + environment + profile. Reads the profile file and CA file; touches no network. */
export function resolveDeployment(
  flags: DeploymentFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedDeployment {
  const profileName = firstSet(flags.deployment, env.GRAPHPIPE_DEPLOYMENT)
  let profile: Profile | undefined
  if (profileName !== undefined) {
    profile = getProfile(profileName)
    if (!profile) throw unknownProfile(profileName)
  }
  const database = firstSet(flags.database, env.ARANGO_DATABASE, profile?.database) ?? DEFAULTS.database

  const urlValue = firstSet(flags.url, env.ARANGO_URL, profile?.url)
  if (urlValue === undefined) {
    return { kind: 'embedded', dataDir: embeddedDataDir(flags, env), database }
  }
  const urlWhat = flags.url ? '--url' : env.ARANGO_URL ? 'ARANGO_URL' : `deployment '${profileName}'`
  const urls = parseUrls(urlValue, urlWhat)
  const username = firstSet(flags.username, env.ARANGO_USERNAME, profile?.username) ?? DEFAULTS.username

  let credentials: Credentials
  const profileToken = profile?.tokenEnv ? firstSet(env[profile.tokenEnv]) : undefined
  const profilePassword = profile?.passwordEnv ? env[profile.passwordEnv] : undefined
  if (firstSet(env.ARANGO_TOKEN))
    credentials = { kind: 'token', token: env.ARANGO_TOKEN!, source: 'ARANGO_TOKEN' }
  else if (env.ARANGO_PASSWORD !== undefined)
    credentials = { kind: 'password', password: env.ARANGO_PASSWORD, source: 'ARANGO_PASSWORD' }
  else if (profileToken) credentials = { kind: 'token', token: profileToken, source: profile!.tokenEnv! }
  else if (profilePassword !== undefined)
    credentials = { kind: 'password', password: profilePassword, source: profile!.passwordEnv! }
  else credentials = { kind: 'none', envHint: profile?.passwordEnv ?? profile?.tokenEnv }

  const caFlag = firstSet(flags['ca-cert'])
  const caValue = firstSet(caFlag, env.ARANGO_CA_CERT, profile?.caCert)
  const caWhat = caFlag
    ? '--ca-cert'
    : env.ARANGO_CA_CERT
      ? 'ARANGO_CA_CERT'
      : `deployment '${profileName}' caCert`
  const ca = caValue !== undefined ? loadCaCert(caValue, caWhat) : undefined
  return { kind: 'remote', urls, database, username, credentials, ca, profile: profileName }
}

/** A short human description of where the data goes, e.g. "https://x:8529 (profile oasis)". */
export function describeTarget(d: ResolvedDeployment, engineUrl?: string): string {
  if (d.kind === 'embedded') return `embedded engine at ${d.dataDir}${engineUrl ? ` (${engineUrl})` : ''}`
  const where = d.urls.length > 1 ? `cluster ${d.urls.join(', ')}` : d.urls[0]
  return d.profile ? `${where} (profile ${d.profile})` : where
}

/**
 * The environment as seen when a profile is named explicitly (`deployments test NAME`): the
 * ARANGO_* connection variables would outrank the profile, so they are set aside; its password
 * and token variables too when the profile names its own.
 */
export function envForProfile(env: NodeJS.ProcessEnv, profileName: string): NodeJS.ProcessEnv {
  const profile = getProfile(profileName)
  if (!profile) throw unknownProfile(profileName)
  const out: NodeJS.ProcessEnv = { ...env }
  for (const k of [
    'ARANGO_URL',
    'ARANGO_DATABASE',
    'ARANGO_USERNAME',
    'ARANGO_CA_CERT',
    'GRAPHPIPE_DEPLOYMENT',
  ]) {
    delete out[k]
  }
  if (profile.passwordEnv || profile.tokenEnv) {
    delete out.ARANGO_PASSWORD
    delete out.ARANGO_TOKEN
  }
  return out
}
