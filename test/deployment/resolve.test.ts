import { describe, expect, it } from 'vitest'

import { saveProfile } from '../../src/deployment/profiles.js'
import { describeTarget, envForProfile, resolveDeployment } from '../../src/deployment/resolve.js'
import { useTempConfigHome } from '../helpers/xdg.js'

// profiles saved by these tests go to a temp XDG config dir
useTempConfigHome()

describe('resolveDeployment', () => {
  it('defaults to the embedded engine on the XDG data dir with _system', () => {
    const r = resolveDeployment({}, { XDG_DATA_HOME: '/data' })
    expect(r).toEqual({ kind: 'embedded', dataDir: '/data/graphpipe', database: '_system' })
    expect(describeTarget(r)).toBe('embedded engine at /data/graphpipe')
  })

  it('takes the embedded data dir from --data-dir over GRAPHPIPE_DATA_DIR', () => {
    expect(resolveDeployment({}, { GRAPHPIPE_DATA_DIR: '/env' })).toMatchObject({ dataDir: '/env' })
    expect(resolveDeployment({ 'data-dir': '/flag' }, { GRAPHPIPE_DATA_DIR: '/env' })).toMatchObject({
      dataDir: '/flag',
    })
  })

  it('prefers flags over environment over profile for each setting', () => {
    saveProfile({ name: 'p', url: 'http://profile:8529', database: 'pdb', username: 'puser' })
    const env = { GRAPHPIPE_DEPLOYMENT: 'p', ARANGO_DATABASE: 'envdb' }
    const r = resolveDeployment({ username: 'flaguser' }, env)
    expect(r).toMatchObject({
      kind: 'remote',
      urls: ['http://profile:8529'],
      database: 'envdb',
      username: 'flaguser',
      profile: 'p',
    })
    const r2 = resolveDeployment(
      { url: 'http://flag:8529', deployment: 'p' },
      { ARANGO_URL: 'http://env:8529' },
    )
    expect(r2).toMatchObject({ urls: ['http://flag:8529'], database: 'pdb', username: 'puser' })
    const r3 = resolveDeployment({ deployment: 'p' }, { ARANGO_URL: 'http://env:8529' })
    expect(r3).toMatchObject({ urls: ['http://env:8529'] })
  })

  it('uses root and _system when nothing says otherwise for a remote URL', () => {
    expect(resolveDeployment({}, { ARANGO_URL: 'http://h:8529' })).toMatchObject({
      username: 'root',
      database: '_system',
      credentials: { kind: 'none' },
    })
  })

  it('treats comma-separated URLs as the coordinators of one cluster', () => {
    const r = resolveDeployment({ url: 'http://c1:8529,http://c2:8529' }, {})
    expect(r).toMatchObject({ urls: ['http://c1:8529', 'http://c2:8529'] })
    expect(describeTarget(r)).toBe('cluster http://c1:8529, http://c2:8529')
  })

  it('takes a JWT from ARANGO_TOKEN before ARANGO_PASSWORD', () => {
    const r = resolveDeployment({ url: 'http://h' }, { ARANGO_TOKEN: 'jwt', ARANGO_PASSWORD: 'pw' })
    expect(r).toMatchObject({ credentials: { kind: 'token', token: 'jwt', source: 'ARANGO_TOKEN' } })
  })

  it('takes an empty ARANGO_PASSWORD as a real (empty) password', () => {
    const r = resolveDeployment({ url: 'http://h' }, { ARANGO_PASSWORD: '' })
    expect(r).toMatchObject({ credentials: { kind: 'password', password: '' } })
  })

  it('reads the password from the environment variable a profile names, not from the profile', () => {
    saveProfile({ name: 'o', url: 'https://o:8529', passwordEnv: 'OASIS_PW' })
    expect(resolveDeployment({ deployment: 'o' }, { OASIS_PW: 's3cret' })).toMatchObject({
      credentials: { kind: 'password', password: 's3cret', source: 'OASIS_PW' },
    })
    expect(resolveDeployment({ deployment: 'o' }, {})).toMatchObject({
      credentials: { kind: 'none', envHint: 'OASIS_PW' },
    })
    // ARANGO_PASSWORD is the environment level, above the profile
    expect(resolveDeployment({ deployment: 'o' }, { OASIS_PW: 'a', ARANGO_PASSWORD: 'b' })).toMatchObject({
      credentials: { password: 'b' },
    })
  })

  it('fails in one line on an unknown profile', () => {
    expect(() => resolveDeployment({ deployment: 'ghost' }, {})).toThrowError(/no deployment named 'ghost'/)
  })

  it('refuses a URL with credentials from the environment too', () => {
    expect(() => resolveDeployment({}, { ARANGO_URL: 'http://root:pw@h:8529' })).toThrowError(
      /ARANGO_URL: credentials inside the URL/,
    )
  })

  it('names the profile in the target description', () => {
    saveProfile({ name: 'prod', url: 'https://db:8529' })
    expect(describeTarget(resolveDeployment({ deployment: 'prod' }, {}))).toBe(
      'https://db:8529 (profile prod)',
    )
  })

  it('for an explicitly named profile, sets aside the ARANGO_* variables that would outrank it', () => {
    saveProfile({ name: 'o', url: 'https://o:8529', database: 'odb', passwordEnv: 'OASIS_PW' })
    const env = {
      ARANGO_URL: 'http://elsewhere',
      ARANGO_DATABASE: 'x',
      ARANGO_PASSWORD: 'p',
      OASIS_PW: 'q',
      PATH: '/bin',
    }
    const scoped = envForProfile(env, 'o')
    expect(scoped).toEqual({ OASIS_PW: 'q', PATH: '/bin' })
    expect(resolveDeployment({ deployment: 'o' }, scoped)).toMatchObject({
      urls: ['https://o:8529'],
      database: 'odb',
      credentials: { kind: 'password', password: 'q' },
    })
    // a profile without secret variables still takes ARANGO_PASSWORD
    saveProfile({ name: 'plain', url: 'http://p:8529' })
    expect(envForProfile(env, 'plain')).toMatchObject({ ARANGO_PASSWORD: 'p' })
    expect(() => envForProfile(env, 'ghost')).toThrowError(/no deployment named 'ghost'/)
  })
})
