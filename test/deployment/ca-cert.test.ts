import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { beforeAll, describe, expect, it } from 'vitest'

import { loadCaCert } from '../../src/deployment/ca-cert.js'

let dir: string
let pem: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-ca-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=graphpipe test CA',
      '-keyout',
      path.join(dir, 'ca.key'),
      '-out',
      path.join(dir, 'ca.pem'),
    ],
    { stdio: 'ignore' },
  )
  pem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8')
})

describe('loadCaCert', () => {
  it('reads a PEM file', () => {
    const ca = loadCaCert(path.join(dir, 'ca.pem'))
    expect(ca.pem.trim()).toBe(pem.trim())
    expect(ca.origin).toBe(path.join(dir, 'ca.pem'))
  })

  it('accepts PEM text inline', () => {
    expect(loadCaCert(pem).pem.trim()).toBe(pem.trim())
  })

  it("decodes Oasis's base64-encoded PEM given inline", () => {
    const b64 = Buffer.from(pem).toString('base64')
    const ca = loadCaCert(b64)
    expect(ca.pem.trim()).toBe(pem.trim())
    expect(ca.origin).toBe('inline base64')
  })

  it('decodes a file holding the base64 form (wrapped lines too)', () => {
    const b64 = Buffer.from(pem)
      .toString('base64')
      .replace(/(.{64})/g, '$1\n')
    const file = path.join(dir, 'ca.b64')
    fs.writeFileSync(file, b64)
    expect(loadCaCert(file).pem.trim()).toBe(pem.trim())
  })

  it('refuses a missing file with a one-line usage error naming it', () => {
    expect(() => loadCaCert('/nonexistent/ca.pem')).toThrowError(
      /--ca-cert: no such file '\/nonexistent\/ca.pem'/,
    )
    try {
      loadCaCert('/nonexistent/ca.pem')
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2)
      expect((e as Error).message).not.toContain('\n')
    }
  })

  it('refuses a file without any certificate', () => {
    const file = path.join(dir, 'junk.txt')
    fs.writeFileSync(file, 'hello, not a certificate\n')
    expect(() => loadCaCert(file, 'ARANGO_CA_CERT')).toThrowError(
      /ARANGO_CA_CERT: .*holds no PEM certificate/,
    )
  })

  it('refuses base64 that does not decode to a certificate', () => {
    expect(() => loadCaCert(Buffer.from('just text').toString('base64'))).toThrowError(/no such file/)
  })
})
