/**
 * Turning what arangojs throws while reaching a server into one line a user can act on, with exit
 * code 3 (EXIT.CONNECTION). arangojs wraps Node's fetch errors (FetchFailedError -> TypeError
 * "fetch failed" -> the system or TLS error), so the useful code sits somewhere down the cause chain.
 */
import { EXIT, GraphpipeError } from '../errors.js'

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
])

const TLS_WORDS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate is signed by an unknown (self-signed) CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is signed by an unknown CA',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name this host',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port (try http://)',
}

interface Chained {
  code?: unknown
  errorNum?: unknown
  message?: string
  cause?: unknown
  response?: { status?: number }
}

function causeChain(err: unknown): Chained[] {
  const out: Chained[] = []
  let e: unknown = err
  for (let i = 0; e && typeof e === 'object' && i < 8; i++) {
    out.push(e as Chained)
    e = (e as Chained).cause
  }
  return out
}

/** Message, code and exit code for a failure to reach `where` (a URL or a description). */
export function connectionError(
  err: unknown,
  ctx: { where: string; database: string; username?: string; authHint?: string },
): GraphpipeError {
  if (err instanceof GraphpipeError) return err
  const chain = causeChain(err)
  const codes = chain.map((c) => c.code).filter((c): c is string => typeof c === 'string')
  const errorNum = chain.map((c) => c.errorNum).find((n): n is number => typeof n === 'number')
  const status = chain
    .map((c) => (typeof c.code === 'number' ? c.code : c.response?.status))
    .find((n) => typeof n === 'number')
  const fail = (code: string, message: string) => new GraphpipeError(code, message, EXIT.CONNECTION)

  if (codes.includes('ECONNREFUSED')) {
    return fail(
      'DEPLOYMENT_REFUSED',
      `cannot connect to ${ctx.where}: connection refused (is the server running on that port?)`,
    )
  }
  const tlsCode = codes.find((c) => TLS_CODES.has(c) || c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL'))
  if (tlsCode) {
    const words = TLS_WORDS[tlsCode] ?? 'certificate verification failed'
    return fail(
      'DEPLOYMENT_TLS',
      `TLS failure talking to ${ctx.where}: ${words} (${tlsCode}); trust its CA with --ca-cert or ARANGO_CA_CERT`,
    )
  }
  if (errorNum === 1228) {
    return fail('DEPLOYMENT_DATABASE_NOT_FOUND', `database '${ctx.database}' not found at ${ctx.where}`)
  }
  if (status === 401 || errorNum === 11 || errorNum === 401) {
    return fail(
      'DEPLOYMENT_AUTH',
      `authentication failed at ${ctx.where} (401) for user '${ctx.username ?? 'root'}': ${ctx.authHint ?? 'check ARANGO_PASSWORD or ARANGO_TOKEN'}`,
    )
  }
  if (status === 403) {
    return fail(
      'DEPLOYMENT_FORBIDDEN',
      `access to database '${ctx.database}' at ${ctx.where} is forbidden (403) for user '${ctx.username ?? 'root'}'`,
    )
  }
  const sys = codes.find((c) => /^E[A-Z]+$/.test(c) || c.startsWith('UND_ERR'))
  if (sys) {
    const what: Record<string, string> = {
      ENOTFOUND: 'host not found',
      EAI_AGAIN: 'host name lookup failed',
      EHOSTUNREACH: 'host unreachable',
      ETIMEDOUT: 'timed out',
      ECONNRESET: 'connection reset by the server',
      UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
      UND_ERR_SOCKET: 'the connection closed unexpectedly',
    }
    return fail('DEPLOYMENT_UNREACHABLE', `cannot connect to ${ctx.where}: ${what[sys] ?? sys}`)
  }
  if (typeof status === 'number' && typeof errorNum !== 'number') {
    // an HTTP answer without ArangoDB's {error, errorNum} body: some other web server
    return fail(
      'DEPLOYMENT_NOT_ARANGODB',
      `${ctx.where} answered (HTTP ${status}) but is not an ArangoDB server; check the URL and port`,
    )
  }
  const deepest = [...chain].reverse().find((c) => c.message)?.message ?? String(err)
  if (typeof errorNum === 'number') {
    return fail(
      'DEPLOYMENT_SERVER_ERROR',
      `${ctx.where} answered with error ${errorNum}: ${deepest.split('\n')[0]}`,
    )
  }
  return fail('DEPLOYMENT_UNREACHABLE', `cannot connect to ${ctx.where}: ${deepest.split('\n')[0]}`)
}
