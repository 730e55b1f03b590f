/**
 * `graphpipe deployments add|list|remove` (command classes in-process), with the profile file
 * redirected through XDG_CONFIG_HOME.
 */
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import DeploymentsAdd from '../../../src/commands/deployments/add.js'
import DeploymentsList from '../../../src/commands/deployments/list.js'
import DeploymentsRemove from '../../../src/commands/deployments/remove.js'
import { makeTlsFixture, type TlsFixture } from '../../deployment/tls-fixture.js'
import { runCommand } from '../run-command.js'
import { useTempConfigHome } from '../../helpers/xdg.js'

const xdg = useTempConfigHome({ scope: 'file' })
let tls: TlsFixture

beforeAll(() => {
  tls = makeTlsFixture()
})
afterAll(() => {
  tls.cleanup()
})

function oneLineError(r: { stderr: string }): string {
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  return lines[0]
}

describe('deployments add / list / remove', () => {
  it('lists nothing yet, saying where profiles live', async () => {
    const r = await runCommand(DeploymentsList, [])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(path.join(xdg.dir, 'graphpipe', 'deployments.json'))
  })

  it('adds a profile with secrets as env-var names only, in a 0600 file, and lists it', async () => {
    const b64 = path.join(tls.dir, 'oasis-ca.b64')
    fs.writeFileSync(b64, Buffer.from(tls.caPem).toString('base64'))
    const add = await runCommand(DeploymentsAdd, [
      'oasis',
      '--url',
      'https://abc.arangodb.cloud:8529',
      '--database',
      'shop',
      '--username',
      'loader',
      '--ca-cert',
      b64,
      '--password-env',
      'OASIS_PASSWORD',
    ])
    expect(add.exitCode).toBe(0)
    const file = path.join(xdg.dir, 'graphpipe', 'deployments.json')
    expect(add.stdout).toContain(`saved deployment 'oasis' (https://abc.arangodb.cloud:8529) in ${file}`)
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).deployments.oasis).toEqual({
      url: 'https://abc.arangodb.cloud:8529',
      database: 'shop',
      username: 'loader',
      caCert: b64,
      passwordEnv: 'OASIS_PASSWORD',
    })

    const list = await runCommand(DeploymentsList, [])
    const [header, row] = list.stdout.trim().split('\n')
    expect(header.split(/\s{2,}/)).toEqual(['NAME', 'URL', 'DATABASE', 'USERNAME', 'AUTH', 'CA CERT'])
    expect(row).toMatch(
      /^oasis\s+https:\/\/abc\.arangodb\.cloud:8529\s+shop\s+loader\s+password \$OASIS_PASSWORD\s+/,
    )

    const json = await runCommand(DeploymentsList, ['--json'])
    expect(json.result).toEqual([expect.objectContaining({ name: 'oasis', database: 'shop' })])
  })

  it('refuses a duplicate name (exit 2) unless --force', async () => {
    await runCommand(DeploymentsAdd, ['dup', '--url', 'http://a:8529'])
    const again = await runCommand(DeploymentsAdd, ['dup', '--url', 'http://b:8529'])
    expect(again.exitCode).toBe(2)
    expect(oneLineError(again)).toContain("deployment 'dup' exists already")
    expect((await runCommand(DeploymentsAdd, ['dup', '--url', 'http://b:8529', '--force'])).exitCode).toBe(0)
  })

  it('refuses a URL carrying a password and an unreadable CA file, one line each, exit 2', async () => {
    const creds = await runCommand(DeploymentsAdd, ['x', '--url', 'https://root:hunter2@h:8529'])
    expect(creds.exitCode).toBe(2)
    expect(oneLineError(creds)).toContain('credentials inside the URL are not accepted')
    const ca = await runCommand(DeploymentsAdd, [
      'x',
      '--url',
      'https://h:8529',
      '--ca-cert',
      '/nonexistent.pem',
    ])
    expect(ca.exitCode).toBe(2)
    expect(oneLineError(ca)).toContain("no such file '/nonexistent.pem'")
  })

  it('has no --password flag at all', async () => {
    const r = await runCommand(DeploymentsAdd, ['x', '--url', 'http://h:8529', '--password', 'secret'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).not.toContain('secret')
  })

  it('removes a profile; removing an unknown one is an error (exit 2)', async () => {
    await runCommand(DeploymentsAdd, ['gone', '--url', 'http://a:8529'])
    const rm = await runCommand(DeploymentsRemove, ['gone'])
    expect(rm.exitCode).toBe(0)
    expect(rm.stdout).toContain("removed deployment 'gone'")
    const again = await runCommand(DeploymentsRemove, ['gone'])
    expect(again.exitCode).toBe(2)
    expect(oneLineError(again)).toContain("no deployment named 'gone'")
  })
})
