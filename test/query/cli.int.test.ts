/**
 * `graphpipe query` end to end: the built CLI (bin/run.js; `npm run build` first) in a child
 * process, against the live target, the embedded default, and `graphpipe server` over HTTPS and
 * with authentication.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { makeTlsFixture, type TlsFixture } from '../deployment/tls-fixture.js'
import { bin, root, useCli } from '../helpers/cli.js'
import { useTestTarget } from '../helpers/target.js'
import { expectedAnswers, loadFixtures, SEED_QUERIES, sortJson } from './fixtures.js'

const { scratch, env, gp } = useCli('query', 'gp-query-cli-')

const lines = (s: string): unknown[] =>
  s
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))

describe('graphpipe query (built CLI) on the live target', () => {
  const target = useTestTarget()
  const expected = expectedAnswers()
  const q = (args: string[], input?: string) => gp(['query', ...args], { env: target.env(), input })

  beforeAll(async () => {
    await loadFixtures(target.db)
  })

  it("answers the seed's three queries; off a terminal the output is JSON Lines", async () => {
    const vip = await q([SEED_QUERIES.vip])
    expect(vip.code).toBe(0)
    expect((lines(vip.stdout) as { _key: string }[]).map((a) => a._key).sort()).toEqual(
      [...expected.vip].sort(),
    )
    const lax = await q([SEED_QUERIES.laxOutbound])
    expect((lines(lax.stdout) as string[]).sort()).toEqual([...expected.laxOutbound].sort())
    const bis = await q([SEED_QUERIES.bisJanuary])
    expect(sortJson(lines(bis.stdout))).toEqual(sortJson(expected.bisJanuary))
    expect(bis.stderr).toMatch(/^target: /)
    expect(bis.stderr).not.toMatch(/rows ·/) // stats are for terminals unless asked for
  })

  it('reads the query from stdin and from --file, with --bind-file and --bind', async () => {
    const stdin = await q(['--bind', 'k=LAX'], 'FOR a IN airports FILTER a._key == @k RETURN a.city;\n')
    expect(stdin.stdout).toBe('"Los Angeles"\n')
    const file = path.join(scratch, 'q.aql')
    fs.writeFileSync(file, 'FOR a IN @@c\n  FILTER a.state == @state\n  SORT a._key\n  RETURN a._key\n')
    const binds = path.join(scratch, 'binds.json')
    fs.writeFileSync(binds, JSON.stringify({ '@c': 'airports', state: 'TX' }))
    const r = await q(['--file', file, '--bind-file', binds, '--stats'])
    expect(r.code).toBe(0)
    expect(lines(r.stdout)).toEqual(['DFW', 'IAH'])
    expect(r.stderr).toMatch(/\n2 rows · writes: 0 executed, 0 ignored · scanned: /)
  })

  it('--format csv writes a header row and RFC 4180 records', async () => {
    const r = await q([
      "FOR a IN airports FILTER a._key IN ['ORD', 'BIS'] SORT a._key RETURN {k: a._key, name: a.name}",
      '--format',
      'csv',
    ])
    expect(r.stdout).toBe("k,name\r\nBIS,Bismarck Municipal\r\nORD,Chicago O'Hare International\r\n")
  })

  it('--format dot draws a traversal for Graphviz', async () => {
    const r = await q(["FOR v, e, p IN 1..1 OUTBOUND 'airports/BIS' flights RETURN p", '--format', 'dot'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^digraph result \{\n[\s\S]*"airports\/BIS" -> "airports\/\w+"[\s\S]*\}\n$/)
  })

  it('--format table fits the columns, --max-rows stops early', async () => {
    const r = await q([
      'FOR a IN airports SORT a._key RETURN KEEP(a, "_key", "city")',
      '--format',
      'table',
      '--max-rows',
      '2',
    ])
    expect(r.stdout).toBe('_key  city\n----  -------------\n00M   Bay Springs\n1G4   Peach Springs\n')
  })

  it('--json returns rows and statistics as one JSON document', async () => {
    const r = await q(['FOR i IN 1..3 RETURN i * 2', '--json'])
    const doc = JSON.parse(r.stdout)
    expect(doc).toMatchObject({ rows: 3, result: [2, 4, 6], truncated: false })
    expect(typeof doc.stats.executionTime).toBe('number')
  })

  it('exit 1 for a query error, with errorNum, message and a caret under the position', async () => {
    const r = await q(['FOR a IN airports FILTER a.vip = true RETURN a'])
    expect(r.code).toBe(1)
    const err = r.stderr.split('\n').filter((l) => !l.startsWith('target:'))
    expect(err[0]).toMatch(/^Error: ArangoDB error 1501: syntax error, .* at position 1:\d+$/)
    expect(err[1]).toBe('  1 | FOR a IN airports FILTER a.vip = true RETURN a')
    expect(err[1][err[2].indexOf('^')]).toBe('=')
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
    const missing = await q(['FOR x IN nothere RETURN x'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/Error: ArangoDB error 1203: /)
  })

  it('exit 1 when --timeout runs out', async () => {
    const r = await q(['RETURN SLEEP(1.5)', '--timeout', '200ms'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/Error: query timed out after 200ms \(--timeout\)/)
  })

  it('exit 2 for usage errors: bad --bind, unknown format, argument and --file, no query', async () => {
    for (const args of [
      ['RETURN 1', '--bind', 'novalue'],
      ['RETURN 1', '--format', 'xml'],
      ['RETURN 1', '--file', path.join(scratch, 'q.aql')],
      ['RETURN 1', '--nope'],
      ['--timeout', 'soon', 'RETURN 1'],
    ]) {
      const r = await q(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(/^Error: /m)
    }
    const empty = await q([], '   \n')
    expect(empty.code).toBe(2)
    expect(empty.stderr).toMatch(
      /no query: give it as an argument, with --file or --saved, or on stdin \(stdin was empty\)/,
    )
  })

  it('stops with exit 0 and no error when the reader goes away (| head -n 1)', async () => {
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      [bin, 'query', 'FOR i IN 1..2000000 RETURN {i}', '--batch-size', '500'],
      { cwd: root, env: env(target.env()) },
    )
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (c: Buffer) => resolve(c.toString())),
    )
    child.stdout.destroy()
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    child.stdin.destroy()
    expect(first.split('\n')[0]).toBe('{"i":1}')
    expect(code).toBe(0)
    expect(stderr).not.toMatch(/Error|EPIPE/)
  })
})

describe('graphpipe query (built CLI) on the embedded default', () => {
  it('starts the engine on --data-dir and answers', async () => {
    const r = await gp(['query', 'RETURN {n: 1 + 1}', '--data-dir', path.join(scratch, 'embedded')])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('{"n":2}\n')
    expect(r.stderr).toMatch(/^target: embedded engine at .*embedded/)
  })

  it('exit 3 when the server cannot be reached', async () => {
    const r = await gp(['query', 'RETURN 1', '--url', 'http://127.0.0.1:1'])
    expect(r.code).toBe(3)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^Error: cannot connect to http:\/\/127\.0\.0\.1:1/)
  })
})

interface Server {
  child: ChildProcessWithoutNullStreams
  url: string
  stop(): Promise<void>
}

/** Start the built `graphpipe server ARGS` on a free port and wait for its URL. */
function startServer(args: string[], extraEnv: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [bin, 'server', '--port', '0', ...args], {
    cwd: root,
    env: env(extraEnv),
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (c: Buffer) => (err += c.toString()))
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m) {
        resolve({
          child,
          url: m[1],
          stop: async () => {
            child.kill('SIGTERM')
            await exited
          },
        })
      }
    })
    void exited.then(() => reject(new Error(`server exited before listening: ${err.trim()}`)))
  })
}

describe('graphpipe query over TLS to `graphpipe server --tls-cert --tls-key`', () => {
  let tls: TlsFixture
  let server: Server
  beforeAll(async () => {
    tls = makeTlsFixture()
    server = await startServer([
      '--tls-cert',
      tls.certFile,
      '--tls-key',
      tls.keyFile,
      '--data-dir',
      path.join(scratch, 'tls-data'),
    ])
  })
  afterAll(async () => {
    await server?.stop()
    tls?.cleanup()
  })

  it('works when the CA is trusted with --ca-cert', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const r = await gp(['query', 'RETURN "over tls"', '--url', server.url, '--ca-cert', tls.caFile])
    expect(r.stderr).toMatch(/^target: /)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('"over tls"\n')
  })

  it('fails with exit 3 and one TLS line without --ca-cert', async () => {
    const r = await gp(['query', 'RETURN 1', '--url', server.url])
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    const err = r.stderr.trim().split('\n')
    expect(err).toHaveLength(1)
    expect(err[0]).toMatch(/^Error: TLS .*--ca-cert/)
  })
})

describe('graphpipe query with authentication (server with ARANGO_ROOT_PASSWORD)', () => {
  let server: Server
  const password = 'q-secret-42'
  beforeAll(async () => {
    server = await startServer(['--data-dir', path.join(scratch, 'auth-data')], {
      ARANGO_ROOT_PASSWORD: password,
    })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('Basic auth with ARANGO_PASSWORD works, a wrong one is exit 3', async () => {
    const ok = await gp(['query', 'RETURN 7', '--url', server.url], { env: { ARANGO_PASSWORD: password } })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toBe('7\n')
    const bad = await gp(['query', 'RETURN 7', '--url', server.url], { env: { ARANGO_PASSWORD: 'wrong' } })
    expect(bad.code).toBe(3)
    expect(bad.stderr).toMatch(/^Error: authentication failed/m)
  })

  it('JWT auth with ARANGO_TOKEN works', async () => {
    const res = await fetch(`${server.url}/_open/auth`, {
      method: 'POST',
      body: JSON.stringify({ username: 'root', password }),
    })
    const { jwt } = (await res.json()) as { jwt: string }
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const r = await gp(['query', 'RETURN 8', '--url', server.url], { env: { ARANGO_TOKEN: jwt } })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('8\n')
  })
})
