import { describe, expect, it } from 'vitest'

import { connectionError } from '../../src/deployment/connection-errors.js'

const ctx = { where: 'https://db:8529', database: 'shop', username: 'loader' }
const chain = (code: string) =>
  new Error('outer', {
    cause: new TypeError('fetch failed', { cause: Object.assign(new Error('inner'), { code }) }),
  })

describe('connectionError', () => {
  it('names an expired certificate and a host-name mismatch as TLS failures', () => {
    expect(connectionError(chain('CERT_HAS_EXPIRED'), ctx).message).toBe(
      'TLS failure talking to https://db:8529: the server certificate has expired (CERT_HAS_EXPIRED); trust its CA with --ca-cert or ARANGO_CA_CERT',
    )
    expect(connectionError(chain('ERR_TLS_CERT_ALTNAME_INVALID'), ctx).code).toBe('DEPLOYMENT_TLS')
  })

  it('names an unknown host', () => {
    const e = connectionError(chain('ENOTFOUND'), ctx)
    expect(e).toMatchObject({ code: 'DEPLOYMENT_UNREACHABLE', exitCode: 3 })
    expect(e.message).toBe('cannot connect to https://db:8529: host not found')
  })

  it('reads 403 as forbidden for the user and database', () => {
    const e = connectionError({ code: 403, errorNum: 11, message: 'forbidden' }, { ...ctx })
    // errorNum 11 is ArangoDB's "not authorized": bad credentials win over the status
    expect(e.code).toBe('DEPLOYMENT_AUTH')
    const f = connectionError({ code: 403, errorNum: 1229, message: 'x' }, ctx)
    expect(f.code).toBe('DEPLOYMENT_FORBIDDEN')
  })

  it('keeps any other server error in one line with its number', () => {
    const e = connectionError({ code: 500, errorNum: 4, message: 'internal\nstack' }, ctx)
    expect(e.message).toBe('https://db:8529 answered with error 4: internal')
  })
})
