import { describe, expect, it } from 'vitest'

import { oneLine } from '../src/cli/base-command.js'
import { describeError, EXIT, GraphpipeError } from '../src/errors.js'

describe('describeError', () => {
  it('keeps a GraphpipeError message and exit code', () => {
    expect(describeError(new GraphpipeError('X_Y', 'bad thing', EXIT.USAGE))).toEqual({
      message: 'bad thing',
      exitCode: 2,
    })
  })

  it('finds a connection error code deep in the cause chain (arangojs wraps fetch errors twice)', () => {
    const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    const fetchFailed = new TypeError('fetch failed', { cause: sys })
    const wrapped = new Error('Fetch failed: connect ECONNREFUSED 127.0.0.1:1', { cause: fetchFailed })
    expect(describeError(wrapped).exitCode).toBe(EXIT.CONNECTION)
    expect(describeError(wrapped).message).toMatch(/^cannot reach the server \(ECONNREFUSED\)/)
  })

  it('maps ArangoDB auth errors and unknown databases to exit 3, other ArangoDB errors to 1', () => {
    expect(describeError({ errorNum: 11, message: 'not authorized' }).exitCode).toBe(3)
    expect(describeError({ errorNum: 1228, message: 'database not found' }).exitCode).toBe(3)
    expect(describeError({ errorNum: 1203, message: 'collection or view not found: x' })).toEqual({
      message: 'ArangoDB error 1203: collection or view not found: x',
      exitCode: 1,
    })
  })

  it('reduces anything else to its first line', () => {
    expect(describeError(new Error('first\n    at stack frame'))).toEqual({ message: 'first', exitCode: 1 })
  })
})

describe('oneLine', () => {
  it("keeps oclif's multi-line parse errors on one line, without the help hint", () => {
    expect(
      oneLine(
        'Parsing --port \n\tExpected an integer less than or equal to 65535\nSee more help with --help',
      ),
    ).toBe('Parsing --port: Expected an integer less than or equal to 65535')
    expect(oneLine('Missing 1 required arg:\nname  deployment name\nSee more help with --help')).toBe(
      'Missing 1 required arg: name deployment name',
    )
  })
})
