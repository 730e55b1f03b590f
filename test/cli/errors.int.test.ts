/**
 * The error contract through the built CLI (bin/run.js; `npm run build` first): one line, the
 * documented exit code, no stack trace without DEBUG, and under --json the error as the only
 * thing on stdout, shaped as oclif's toErrorJson: {"error": {...}}.
 */
import { spawnSync } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const bin = path.join(root, 'bin/run.js')

/** Run the built CLI with no deployment, emulator or Google credentials in its environment. */
function run(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env }
  // NODE_ENV=test (vitest's) makes oclif warn of a parse that failed, which users never see
  for (const k of [
    'NODE_ENV',
    'ARANGO_URL',
    'PUBSUB_EMULATOR_HOST',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'GOOGLE_CLOUD_PROJECT',
    'DEBUG',
  ])
    delete base[k]
  // no gcloud application-default credentials either
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: {
      ...base,
      HOME: os.tmpdir(),
      CLOUDSDK_CONFIG: path.join(os.tmpdir(), 'graphpipe-no-gcloud'),
      ...env,
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '')
  expect(lines, stderr).toHaveLength(1)
  expect(stderr).not.toMatch(/\n\s+at |MetadataLookupWarning/)
  return lines[0]
}

describe('errors a user can meet, through bin/run.js', () => {
  it('consume on Google Cloud without credentials: one line, exit 3, no warning', () => {
    const r = run(['consume', '--subscription', 's', '--project', 'my-proj'])
    expect(r.code).toBe(3)
    expect(oneErrorLine(r.stderr)).toMatch(
      /^Error: no Google credentials for Google Cloud Pub\/Sub, project my-proj/,
    )
  })

  it('publish without credentials under --json: the error object on stdout, nothing else', () => {
    const r = run(['publish', 'package.json', '--topic', 't', '--project', 'my-proj', '--json'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'PUBSUB_NO_CREDENTIALS',
        message: expect.stringMatching(/^no Google credentials/),
        exitCode: 3,
      },
    })
    expect(r.stderr).not.toMatch(/\n\s+at |MetadataLookupWarning/)
  })

  it('a missing argument is one clear line, exit 2', () => {
    const r = run(['publish', '--topic', 't'])
    expect(r.code).toBe(2)
    expect(oneErrorLine(r.stderr)).toBe(
      'Error: missing required argument <input> (arguments go before repeatable flags; see --help)',
    )
  })

  it('a bad duration is a usage error naming the flag; query --timeout takes 1m30s', () => {
    const r = run(['query', '--timeout', 'soon', 'RETURN 1', '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'BAD_DURATION', exitCode: 2 })
    expect(JSON.parse(r.stdout).error.message).toMatch(/^--timeout: "soon" is not a positive duration/)
  })

  it('-h is --help', () => {
    const r = run(['query', '-h'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^USAGE/m)
  })

  it('a mistyped command names the nearest one, exit 2, off a TTY', () => {
    const r = run(['qury', 'RETURN 1'])
    expect(r.code).toBe(2)
    expect(oneErrorLine(r.stderr)).toBe(
      'Error: "qury" is not a graphpipe command; did you mean "query"? (graphpipe --help lists them)',
    )
    const sub = run(['deployments', 'lst'])
    expect(sub.stderr).toMatch(/did you mean "deployments list"\?/)
  })
})

describe('a URL that answers but is not ArangoDB', () => {
  let server: http.Server
  let url: string
  beforeAll(async () => {
    server = http.createServer((_req, res) =>
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>'),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('says it answered but is not an ArangoDB server, exit 3', async () => {
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, [bin, 'query', '--url', url, 'RETURN 1'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: '', ARANGO_PASSWORD: '' },
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(3)
    expect(oneErrorLine(stderr)).toMatch(/answered \(HTTP 404\) but is not an ArangoDB server/)
  })
})
