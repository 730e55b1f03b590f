/**
 * Named deployments ("profiles") in `<XDG config dir>/graphpipe/deployments.json`, mode 0600.
 * Secrets are never stored: a profile names the environment variables that hold them
 * (`passwordEnv`, `tokenEnv`).
 */
import fs from 'node:fs'
import path from 'node:path'

import { EXIT, GraphpipeError } from '../errors.js'
import { xdgConfigDir } from '../config/defaults.js'

export interface Profile {
  name: string
  /** One URL, or several comma-separated coordinator URLs of one cluster. */
  url: string
  database?: string
  username?: string
  /** Absolute path of a CA certificate file (PEM or Oasis's base64 form). */
  caCert?: string
  /** Name of the environment variable holding the password. */
  passwordEnv?: string
  /** Name of the environment variable holding a JWT. */
  tokenEnv?: string
  /** `graphpipe query` refuses statements that write unless given --no-read-only. */
  readOnly?: boolean
}

interface ProfileFile {
  version: 1
  deployments: Record<string, Omit<Profile, 'name'>>
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

export function profilesPath(): string {
  return path.join(xdgConfigDir(), 'deployments.json')
}

function bad(message: string): GraphpipeError {
  return new GraphpipeError('DEPLOYMENT_BAD_PROFILE', message, EXIT.USAGE)
}

function readFile(): ProfileFile {
  const file = profilesPath()
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, deployments: {} }
    throw bad(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    const parsed = JSON.parse(text) as ProfileFile
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      typeof parsed.deployments !== 'object' ||
      !parsed.deployments
    ) {
      throw new Error('no "deployments" object')
    }
    return { version: 1, deployments: parsed.deployments }
  } catch (err) {
    throw bad(`${file} is not a valid deployments file: ${(err as Error).message.split('\n')[0]}`)
  }
}

function writeFile(data: ProfileFile): void {
  const file = profilesPath()
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  // write-then-rename so a crash never leaves half a file; 0600 because it says where databases are
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 })
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, file)
}

/** Split and check a URL value: http(s) only, no credentials inside (passwords never go on argv). */
export function parseUrls(value: string, what = '--url'): string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
  if (urls.length === 0) throw bad(`${what}: no URL given`)
  return urls.map((u) => {
    let parsed: URL
    try {
      parsed = new URL(u)
    } catch {
      throw bad(`${what}: '${u}' is not a URL (expected e.g. https://host:8529)`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw bad(`${what}: '${u}' must start with http:// or https://`)
    }
    if (parsed.username || parsed.password) {
      throw bad(`${what}: credentials inside the URL are not accepted; use --username and ARANGO_PASSWORD`)
    }
    return u.replace(/\/+$/, '')
  })
}

export function validateProfile(p: Profile): Profile {
  if (!NAME.test(p.name)) {
    throw bad(
      `deployment name '${p.name}' must be 1-64 letters, digits, '_', '.', '-' (starting with a letter or digit)`,
    )
  }
  parseUrls(p.url)
  for (const key of ['passwordEnv', 'tokenEnv'] as const) {
    const v = p[key]
    if (v !== undefined && !ENV_NAME.test(v)) throw bad(`${key}: '${v}' is not an environment variable name`)
  }
  return p
}

export function listProfiles(): Profile[] {
  const { deployments } = readFile()
  return Object.keys(deployments)
    .sort()
    .map((name) => ({ name, ...deployments[name] }))
}

export function getProfile(name: string): Profile | undefined {
  const entry = readFile().deployments[name]
  return entry ? { name, ...entry } : undefined
}

/** Add (or with `replace`, overwrite) a profile. */
export function saveProfile(profile: Profile, opts: { replace?: boolean } = {}): Profile {
  validateProfile(profile)
  const data = readFile()
  if (data.deployments[profile.name] && !opts.replace) {
    throw new GraphpipeError(
      'DEPLOYMENT_EXISTS',
      `deployment '${profile.name}' exists already (remove it first, or use --force)`,
      EXIT.USAGE,
    )
  }
  const { name, ...rest } = profile
  const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Omit<
    Profile,
    'name'
  >
  data.deployments[name] = clean
  writeFile(data)
  return { name, ...clean }
}

/** Remove a profile; throws DEPLOYMENT_UNKNOWN when there is none of that name. */
export function removeProfile(name: string): void {
  const data = readFile()
  if (!data.deployments[name]) throw unknownProfile(name)
  delete data.deployments[name]
  writeFile(data)
}

export function unknownProfile(name: string): GraphpipeError {
  return new GraphpipeError(
    'DEPLOYMENT_UNKNOWN',
    `no deployment named '${name}' (see \`graphpipe deployments list\`; profiles live in ${profilesPath()})`,
    EXIT.USAGE,
  )
}
