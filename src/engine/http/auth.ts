/**
 * Authentication as ArangoDB does it (docs.arangodb.com 3.12 develop/http-api/authentication):
 * HTTP Basic for `root`, or a JWT from `POST /_open/auth` (HS256, claims
 * `{iss:"arangodb", preferred_username, iat, exp}`) sent as `Authorization: bearer <jwt>`.
 */
import crypto from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url')

export function signJwt(secret: string, username: string, lifetimeSeconds: number): string {
  const now = Math.floor(Date.now() / 1000)
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const payload = b64url(
    JSON.stringify({ iss: 'arangodb', preferred_username: username, iat: now, exp: now + lifetimeSeconds }),
  )
  const sig = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${sig}`
}

/** The username of a valid, unexpired token signed with `secret`, else undefined. */
export function verifyJwt(secret: string, token: string): string | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const expected = crypto.createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest()
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return undefined
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string }
    if (header.alg !== 'HS256') return undefined
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as {
      iss?: string
      preferred_username?: string
      exp?: number
    }
    if (claims.iss !== 'arangodb') return undefined
    if (typeof claims.exp === 'number' && claims.exp < Date.now() / 1000) return undefined
    return claims.preferred_username ?? 'root'
  } catch {
    return undefined
  }
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest()
  const hb = crypto.createHash('sha256').update(b).digest()
  return crypto.timingSafeEqual(ha, hb)
}

export function checkPassword(rootPassword: string, username: unknown, password: unknown): boolean {
  return username === 'root' && typeof password === 'string' && safeEqual(password, rootPassword)
}

/**
 * The user a request authenticates as (Basic root:password or a valid bearer JWT), else undefined.
 */
export function authenticatedUser(
  headers: IncomingHttpHeaders,
  rootPassword: string,
  secret: string,
): string | undefined {
  const h = headers.authorization
  if (typeof h !== 'string') return undefined
  const sp = h.indexOf(' ')
  if (sp < 0) return undefined
  const scheme = h.slice(0, sp).toLowerCase()
  const value = h.slice(sp + 1).trim()
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    const user = decoded.slice(0, colon)
    return checkPassword(rootPassword, user, decoded.slice(colon + 1)) ? user : undefined
  }
  if (scheme === 'bearer') return verifyJwt(secret, value)
  return undefined
}
