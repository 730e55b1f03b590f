import { EXIT, GraphpipeError } from '../errors.js'
import { connectionError } from '../deployment/connection-errors.js'
import { OutputClosedError } from './format/sink.js'

export interface Position {
  line: number
  column: number
}

/** `… at position 3:14` in an ArangoDB parse error: 1-based line and column. */
export function parsePosition(message: string): Position | undefined {
  const m = /at position (\d+):(\d+)/.exec(message)
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined
}

/** The text after `near '` in a parse error: where the parser gave up. */
function nearText(message: string): string | undefined {
  const m = /near '((?:[^']|'(?! at position))*)'/.exec(message)
  const near = m?.[1]?.split('\n')[0]
  return near ? near : undefined
}

const WINDOW = 100

/**
 * The query line the error points at with a caret under the position, e.g.
 *
 *     2 | FILTER a.x = 1
 *       |            ^
 *
 * The column comes from `at position L:C`; when the message also quotes the text `near` the error
 * and that text is on the line, the caret goes to its nearest occurrence (the token the parser
 * stopped at). Long lines are cut to a window around the caret.
 */
export function renderCaret(query: string, message: string): string | undefined {
  const pos = parsePosition(message)
  if (!pos) return undefined
  const lines = query.split(/\r?\n/)
  const line = lines[pos.line - 1]
  if (line === undefined) return undefined
  let col = Math.min(Math.max(pos.column - 1, 0), line.length)
  const near = nearText(message)
  if (near) {
    let best = -1
    for (let i = line.indexOf(near); i !== -1; i = line.indexOf(near, i + 1)) {
      if (best === -1 || Math.abs(i - col) < Math.abs(best - col)) best = i
    }
    if (best !== -1) col = best
  }
  let text = line.replace(/\t/g, ' ')
  let caretAt = col
  if (text.length > WINDOW) {
    const start = Math.max(0, Math.min(col - Math.floor(WINDOW / 2), text.length - WINDOW))
    const end = start + WINDOW
    text = (start > 0 ? '…' : '') + text.slice(start, end) + (end < line.length ? '…' : '')
    caretAt = col - start + (start > 0 ? 1 : 0)
  }
  const gutter = String(pos.line)
  return `  ${gutter} | ${text}\n  ${' '.repeat(gutter.length)} | ${' '.repeat(caretAt)}^`
}

interface Causal {
  message?: string
  code?: unknown
  cause?: unknown
  name?: string
}

/** True when the error (or one in its `cause` chain) is a network/TLS failure, not an answer. */
function isTransportError(err: unknown): boolean {
  let e = err as Causal | undefined
  for (let depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    if (e.name === 'NetworkError' || e.name === 'FetchFailedError' || e.name === 'HttpError') return true
    if (
      typeof e.code === 'string' &&
      /^(E[A-Z]+$|UND_ERR|ERR_TLS|ERR_SSL|.*CERT|.*SELF_SIGNED)/.test(e.code)
    ) {
      return true
    }
    e = e.cause as Causal | undefined
  }
  return false
}

/** Our own timeout: `--timeout` ran out. */
export class QueryTimeoutError extends GraphpipeError {
  constructor(ms: number) {
    super('QUERY_TIMEOUT', `query timed out after ${formatMs(ms)} (--timeout)`, EXIT.FAILED)
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/**
 * Any error from running a query as a GraphpipeError with one line saying what happened (plus, for
 * a parse error, the query line with a caret) and the exit code for its kind: 1 query error,
 * 3 connection, authentication or TLS (worded by the deployment module, as when connecting).
 */
export function toQueryError(err: unknown, query?: string, where?: string): GraphpipeError {
  if (err instanceof GraphpipeError) return err
  if (err instanceof OutputClosedError) return new GraphpipeError('QUERY_OUTPUT_CLOSED', err.message, EXIT.OK)
  const e = err as Causal & { errorNum?: unknown }
  if (typeof e.errorNum === 'number') {
    const message = String(e.message ?? '')
    if (e.errorNum === 11 || e.errorNum === 401) {
      return new GraphpipeError(
        'QUERY_AUTH',
        `ArangoDB error ${e.errorNum}: ${message} (check ARANGO_USERNAME and ARANGO_PASSWORD or ARANGO_TOKEN)`,
        EXIT.CONNECTION,
      )
    }
    if (e.errorNum === 1228) {
      return new GraphpipeError('QUERY_NO_DATABASE', `ArangoDB error 1228: ${message}`, EXIT.CONNECTION)
    }
    // ArangoDB quotes the query text `near` the error verbatim, newlines and all: keep the line whole
    let text = `ArangoDB error ${e.errorNum}: ${message.replace(/\s*\n\s*/g, ' ')}`
    const caret = query !== undefined ? renderCaret(query, message) : undefined
    if (caret) text += `\n${caret}`
    return new GraphpipeError('QUERY_FAILED', text, EXIT.FAILED)
  }
  if (isTransportError(err)) {
    return connectionError(err, { where: where ?? 'the server', database: '' })
  }
  const firstLine = String(e.message ?? err).split('\n')[0]
  return new GraphpipeError('QUERY_FAILED', firstLine, EXIT.FAILED)
}
