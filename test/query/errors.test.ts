import { ArangoError } from 'arangojs/errors'
import { Database } from 'arangojs'
import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'

import { EXIT, GraphpipeError } from '../../src/errors.js'
import { parsePosition, renderCaret, toQueryError } from '../../src/query/errors.js'

const arangoError = (errorNum: number, errorMessage: string, code = 400): ArangoError =>
  new ArangoError({ errorNum, errorMessage, code })

describe('parse error caret', () => {
  // The message shape is ArangoDB 3.12's (ENGINE-SPEC §3, errorNum 1501).
  const query = 'FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3'
  const message = "syntax error, unexpected assignment near '= 1 LIMIT 2 RETURN i * 3' at position 1:26"

  it('reads line and column from "at position L:C"', () => {
    expect(parsePosition(message)).toEqual({ line: 1, column: 26 })
    expect(parsePosition('no position here')).toBeUndefined()
  })

  it('puts the caret under the token the parser stopped at', () => {
    expect(renderCaret(query, message)).toBe(`  1 | ${query}\n    | ${' '.repeat(query.indexOf('='))}^`)
  })

  it('shows the right line of a multi-line query', () => {
    const q = 'FOR a IN airports\n  FILTER a.vip = true\n  RETURN a'
    const m = "syntax error, unexpected assignment near '= true\n  RETURN a' at position 2:15"
    const lines = renderCaret(q, m)!.split('\n')
    expect(lines[0]).toBe('  2 |   FILTER a.vip = true')
    expect(lines[1].indexOf('^')).toBe(lines[0].indexOf('='))
  })

  it('falls back to the column when the near text is not on the line', () => {
    const lines = renderCaret('RETURN 1 +', 'syntax error, unexpected end of query at position 1:11')!.split(
      '\n',
    )
    expect(lines[1]).toBe(`    | ${' '.repeat(10)}^`)
  })

  it('cuts a very long line to a window around the caret', () => {
    const q = `RETURN [${'1, '.repeat(200)}=]`
    const m = `syntax error, unexpected assignment near '=]' at position 1:${q.indexOf('=') + 1}`
    const [line, caret] = renderCaret(q, m)!.split('\n')
    expect(line.length).toBeLessThan(120)
    expect(line[caret.indexOf('^')]).toBe('=')
  })

  it('is part of the error message of a 1501, with exit code 1', () => {
    const e = toQueryError(arangoError(1501, message), query)
    expect(e.exitCode).toBe(EXIT.FAILED)
    expect(e.message.split('\n')[0]).toBe(`ArangoDB error 1501: ${message}`)
    expect(e.message.split('\n')).toHaveLength(3)
  })
})

describe('exit codes for query errors', () => {
  it('a query error (unknown collection) is exit 1 with errorNum and message', () => {
    const e = toQueryError(
      arangoError(1203, 'collection or view not found: nope', 404),
      'FOR x IN nope RETURN x',
    )
    expect(e).toBeInstanceOf(GraphpipeError)
    expect(e.exitCode).toBe(EXIT.FAILED)
    expect(e.message).toBe('ArangoDB error 1203: collection or view not found: nope')
  })

  it('bad credentials (errorNum 11) and an unknown database (1228) are exit 3', () => {
    expect(toQueryError(arangoError(11, 'not authorized to execute this request', 401)).exitCode).toBe(
      EXIT.CONNECTION,
    )
    expect(toQueryError(arangoError(1228, 'database not found', 404)).exitCode).toBe(EXIT.CONNECTION)
  })

  it('a refused connection, as arangojs reports it, is exit 3 with one line', async () => {
    // a port nobody listens on: bind one, note it, close it
    const srv = createServer()
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    const port = (srv.address() as { port: number }).port
    await new Promise<void>((r) => srv.close(() => r()))
    const db = new Database({ url: `http://127.0.0.1:${port}` })
    const err = await db.query('RETURN 1').catch((e: unknown) => e)
    const e = toQueryError(err, 'RETURN 1', `http://127.0.0.1:${port}`)
    expect(e.exitCode).toBe(EXIT.CONNECTION)
    expect(e.message).toMatch(/connection refused/)
    expect(e.message).not.toContain('\n')
  })

  it('a server that is not ArangoDB (plain HTTP error page) is exit 3', async () => {
    const srv = createHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' })
      res.end('<h1>nothing here</h1>')
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`
    try {
      const err = await new Database({ url }).query('RETURN 1').catch((e: unknown) => e)
      const e = toQueryError(err, 'RETURN 1', url)
      expect(e.exitCode).toBe(EXIT.CONNECTION)
      expect(e.message).toContain(url)
    } finally {
      await new Promise<void>((r) => srv.close(() => r()))
    }
  })

  it('anything else is exit 1 with its first line', () => {
    const e = toQueryError(new Error('boom\nstack'))
    expect(e.exitCode).toBe(EXIT.FAILED)
    expect(e.message).toBe('boom')
  })
})
