/**
 * `graphpipe deployments test`: in-process runs of the command class for most cases, and the built
 * CLI (bin/run.js) for the real process's exit code and output. Profiles are redirected through
 * XDG_CONFIG_HOME; servers are the test target and real engines (password, TLS with a private CA).
 */
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import DeploymentsAdd from '../../../src/commands/deployments/add.js'
import DeploymentsTest from '../../../src/commands/deployments/test.js'
import { startEngineServer, type EngineServer } from '../../../src/engine/http/server.js'
import { makeTlsFixture, type TlsFixture } from '../../deployment/tls-fixture.js'
import { useTestTarget } from '../../helpers/target.js'
import { runCommand } from '../run-command.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const bin = path.join(root, 'bin', 'run.js')

let xdg: string
let savedEnv: NodeJS.ProcessEnv

/** The built CLI in a child process, with only the environment given (plus PATH/HOME). */
function runCli(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: xdg, CI: 'true' }
  for (const k of Object.keys(base)) if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete base[k]
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...base, ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
      },
    )
  })
}

/** The command class in this process, with `env` as its only ARANGO_ and GRAPHPIPE_ variables. */
async function runInProcess(args: string[], env: Record<string, string> = {}) {
  for (const k of Object.keys(process.env))
    if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete process.env[k]
  Object.assign(process.env, env)
  try {
    return await runCommand(DeploymentsTest, args)
  } finally {
    for (const k of Object.keys(env)) delete process.env[k]
  }
}

async function closedPort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

function oneLineError(r: { stderr: string }): string {
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  return lines[0]
}

beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'dist', 'commands', 'deployments', 'test.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before this test (npm test does it in pretest)')
  }
  savedEnv = { ...process.env }
  xdg = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-xdg-test-'))
  process.env.XDG_CONFIG_HOME = xdg
})
afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k]
  Object.assign(process.env, savedEnv)
  fs.rmSync(xdg, { recursive: true, force: true })
})

describe('deployments test', () => {
  const target = useTestTarget()
  const pw = (): Record<string, string> =>
    target.password !== undefined ? { ARANGO_PASSWORD: target.password } : {}

  it('tests a profile (ARANGO_URL does not override it): server version, database and round-trip time; says the target on stderr', async () => {
    await runCommand(DeploymentsAdd, ['local', '--url', target.url, '--database', target.dbName, '--force'])
    const r = await runInProcess(['local'], { ...pw(), ARANGO_URL: 'http://127.0.0.1:1' })
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(`ok: ${target.url} (profile local)`)
    expect(r.stdout).toMatch(/server: +arango 3\.12\.\d+/)
    expect(r.stdout).toContain(`database:   ${target.dbName}`)
    expect(r.stdout).toMatch(/round trip: \d+(\.\d+)? ms/)
    expect(r.stderr).toBe(`target: ${target.url} (profile local), database ${target.dbName}\n`)
  })

  it('tests whatever the shared flags resolve to; --json returns the report and keeps stderr empty', async () => {
    const r = await runInProcess(['--url', target.url, '--database', target.dbName, '--json'], pw())
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.result).toMatchObject({ server: 'arango', database: target.dbName, urls: [target.url] })
  })

  it('unknown database: one line, exit 3', async () => {
    const r = await runInProcess(['--url', target.url, '--database', 'no_such_db'], pw())
    expect(r.exitCode).toBe(3)
    expect(oneLineError(r)).toBe(`Error: database 'no_such_db' not found at ${target.url}`)
  })

  it('built CLI: connection refused is one line with exit code 3', async () => {
    const port = await closedPort()
    const r = await runCli(['deployments', 'test', '--url', `http://127.0.0.1:${port}`])
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    expect(oneLineError(r)).toBe(
      `Error: cannot connect to http://127.0.0.1:${port}: connection refused (is the server running on that port?)`,
    )
  })

  it('built CLI: with nothing configured it tests the embedded engine and says so on stderr', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-cli-embedded-'))
    try {
      const r = await runCli(['deployments', 'test'], { GRAPHPIPE_DATA_DIR: dataDir })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe(`target: embedded engine at ${dataDir}, database _system\n`)
      expect(r.stdout).toContain(`ok: embedded engine at ${dataDir}`)
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })

  describe('against a password-protected TLS engine', () => {
    let tls: TlsFixture
    let server: EngineServer
    let dataDir: string
    beforeAll(async () => {
      tls = makeTlsFixture()
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-cli-tls-'))
      server = await startEngineServer({
        dataDir,
        port: 0,
        rootPassword: 'pw',
        tls: { cert: tls.cert, key: tls.key },
      })
    })
    afterAll(async () => {
      await server.close()
      tls.cleanup()
      fs.rmSync(dataDir, { recursive: true, force: true })
    })

    it('built CLI: TLS failure (unknown CA) is one line with exit code 3; verification is never skipped', async () => {
      const r = await runCli(['deployments', 'test', '--url', server.url], { ARANGO_PASSWORD: 'pw' })
      expect(r.code).toBe(3)
      expect(oneLineError(r)).toMatch(
        /^Error: TLS failure talking to https:.*trust its CA with --ca-cert or ARANGO_CA_CERT$/,
      )
    })

    it('bad credentials (401): one line, exit 3, the password not echoed', async () => {
      const r = await runInProcess(['--url', server.url, '--ca-cert', tls.caFile], {
        ARANGO_PASSWORD: 'wrong-pw',
      })
      expect(r.exitCode).toBe(3)
      expect(oneLineError(r)).toContain('authentication failed')
      expect(r.stderr).not.toContain('wrong-pw')
    })

    it('built CLI on a terminal: asks for the password without echoing it (script(1) provides the pty)', async () => {
      const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: xdg, CI: 'true' }
      for (const k of Object.keys(env))
        if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete env[k]
      const child = spawn(
        'script',
        [
          '-qc',
          `${process.execPath} ${bin} deployments test --url ${server.url} --ca-cert ${tls.caFile}`,
          '/dev/null',
        ],
        { cwd: root, env },
      )
      let out = ''
      let answered = false
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString()
        if (!answered && out.includes('Password for root at')) {
          answered = true
          child.stdin.write('pw\r')
        }
      })
      const code = await new Promise<number | null>((r) => child.on('exit', r))
      expect(answered).toBe(true)
      expect(code).toBe(0)
      expect(out).toContain(`ok: ${server.url}`)
      expect(out).not.toMatch(/\bpw\b/)
    })

    it('passes with the CA and the password from the environment variable the profile names', async () => {
      await runCommand(DeploymentsAdd, [
        'secure',
        '--url',
        server.url,
        '--ca-cert',
        tls.caFile,
        '--password-env',
        'MY_PW',
      ])
      const r = await runInProcess(['secure'], { MY_PW: 'pw' })
      expect(r.exitCode).toBe(0)
      expect(r.stdout).toContain(`ok: ${server.url} (profile secure)`)
    })
  })
})
