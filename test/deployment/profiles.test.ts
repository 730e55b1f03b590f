import fs from 'node:fs'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import {
  getProfile,
  listProfiles,
  parseUrls,
  profilesPath,
  removeProfile,
  saveProfile,
} from '../../src/deployment/profiles.js'
import { useTempConfigHome } from '../helpers/xdg.js'

const xdg = useTempConfigHome()

describe('deployment profiles', () => {
  it('live in $XDG_CONFIG_HOME/graphpipe/deployments.json with mode 0600', () => {
    saveProfile({ name: 'oasis', url: 'https://x.arangodb.cloud:8529', passwordEnv: 'OASIS_PASSWORD' })
    expect(profilesPath()).toBe(path.join(xdg.dir, 'graphpipe', 'deployments.json'))
    expect(fs.statSync(profilesPath()).mode & 0o777).toBe(0o600)
    const file = JSON.parse(fs.readFileSync(profilesPath(), 'utf8'))
    expect(file.deployments.oasis).toEqual({
      url: 'https://x.arangodb.cloud:8529',
      passwordEnv: 'OASIS_PASSWORD',
    })
  })

  it('add, get, list (sorted) and remove', () => {
    saveProfile({ name: 'b', url: 'http://b:8529' })
    saveProfile({ name: 'a', url: 'http://a:8529', database: 'shop', username: 'loader' })
    expect(listProfiles().map((p) => p.name)).toEqual(['a', 'b'])
    expect(getProfile('a')).toEqual({ name: 'a', url: 'http://a:8529', database: 'shop', username: 'loader' })
    removeProfile('a')
    expect(getProfile('a')).toBeUndefined()
    expect(listProfiles().map((p) => p.name)).toEqual(['b'])
  })

  it('refuses a duplicate name unless replacing', () => {
    saveProfile({ name: 'x', url: 'http://a:8529' })
    expect(() => saveProfile({ name: 'x', url: 'http://b:8529' })).toThrowError(/exists already/)
    saveProfile({ name: 'x', url: 'http://b:8529' }, { replace: true })
    expect(getProfile('x')?.url).toBe('http://b:8529')
  })

  it('removing an unknown name is an error saying where profiles live', () => {
    expect(() => removeProfile('nope')).toThrowError(/no deployment named 'nope'.*deployments.json/)
  })

  it('refuses credentials inside a URL, since they would be a password on argv', () => {
    expect(() => saveProfile({ name: 'x', url: 'https://root:secret@h:8529' })).toThrowError(
      /credentials inside the URL/,
    )
    expect(fs.existsSync(profilesPath())).toBe(false)
  })

  it('refuses a bad name, a non-http URL and a bad env var name', () => {
    expect(() => saveProfile({ name: '../evil', url: 'http://h:8529' })).toThrowError(/deployment name/)
    expect(() => saveProfile({ name: 'x', url: 'ftp://h' })).toThrowError(/http:\/\/ or https:\/\//)
    expect(() => saveProfile({ name: 'x', url: 'http://h', passwordEnv: 'A-B' })).toThrowError(
      /environment variable/,
    )
  })

  it('reports a corrupt profile file in one line', () => {
    fs.mkdirSync(path.dirname(profilesPath()), { recursive: true })
    fs.writeFileSync(profilesPath(), '{not json')
    expect(() => listProfiles()).toThrowError(/is not a valid deployments file/)
  })

  it('splits comma-separated coordinator URLs and trims trailing slashes', () => {
    expect(parseUrls('http://c1:8529/, http://c2:8529')).toEqual(['http://c1:8529', 'http://c2:8529'])
  })
})
