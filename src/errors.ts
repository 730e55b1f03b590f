/**
 * graphpipe's own errors: one class with a code and an exit code. Each domain (import, publish,
 * consume, query, deployment) throws it with its own code prefix, e.g. `IMPORT_FILE_NOT_FOUND`.
 */
export class GraphpipeError extends Error {
  readonly code: string
  readonly exitCode: number

  constructor(code: string, message: string, exitCode = 1) {
    super(message)
    this.name = 'GraphpipeError'
    this.code = code
    this.exitCode = exitCode
  }
}

/** Exit codes shared by all commands. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, CONNECTION: 3, INTERRUPTED: 130 } as const

// UND_ERR_SOCKET: undici's "other side closed", a server that went away mid-request
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
])

/** One line for the user and the exit code for an error of any origin. */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof GraphpipeError) return { message: err.message, exitCode: err.exitCode }
  const e = err as { message?: string; code?: string | number; errorNum?: number; cause?: unknown }
  // arangojs nests the system error: FetchFailedError -> TypeError('fetch failed') -> { code }
  let sysCode: string | undefined
  let link: unknown = err
  for (let i = 0; link && typeof link === 'object' && i < 8 && !sysCode; i++) {
    const c = (link as { code?: unknown }).code
    if (typeof c === 'string' && CONNECTION_CODES.has(c)) sysCode = c
    link = (link as { cause?: unknown }).cause
  }
  if (sysCode && CONNECTION_CODES.has(sysCode)) {
    return {
      message: `cannot reach the server (${sysCode}): ${e.message ?? ''}`.trim(),
      exitCode: EXIT.CONNECTION,
    }
  }
  if (typeof e.errorNum === 'number') {
    // 11/401 bad credentials, 1228 unknown database: the deployment is wrong, not the data
    const exitCode =
      e.errorNum === 11 || e.errorNum === 401 || e.errorNum === 1228 ? EXIT.CONNECTION : EXIT.FAILED
    return { message: `ArangoDB error ${e.errorNum}: ${e.message}`, exitCode }
  }
  const firstLine = String(e.message ?? err).split('\n')[0]
  return { message: firstLine, exitCode: EXIT.FAILED }
}
