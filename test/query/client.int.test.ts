/**
 * `graphpipe query` as a new user meets it (issue 16): the built CLI in a child process against the
 * live target — a query after --bind, read-only refusal (nothing written), profiles marked
 * readOnly, scripts of several statements, saved queries, --verbose and --out.
 */
import fs from 'node:fs'
import path from 'node:path'

import { beforeAll, describe, expect, it } from 'vitest'

import { useCli, type Run } from '../helpers/cli.js'
import { useTestTarget } from '../helpers/target.js'
import { loadFixtures } from './fixtures.js'

const { scratch, gp } = useCli('query', 'gp-query-client-')

const errLines = (r: Run): string[] =>
  r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('target:'))

describe('graphpipe query for a new user (built CLI, live target)', () => {
  const target = useTestTarget()
  const q = (args: string[], input?: string, extra: Record<string, string> = {}) =>
    gp(['query', ...args], { env: { ...target.env(), ...extra }, input })

  beforeAll(async () => {
    await loadFixtures(target.db)
  })

  it('a query after --bind is the query (one value per --bind), also in a pipe', async () => {
    const r = await q(['--bind', 'a=1', 'RETURN @a'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('1\n')
    const two = await q(['--bind', 'a=1', '--bind', 'b="x"', 'RETURN [@a, @b]'])
    expect(two.stdout).toBe('[1,"x"]\n')
  })

  it('--read-only refuses a writing statement before it runs, naming the node; nothing is written', async () => {
    const before = await target.db.collection('airports').document('LAX')
    const r = await q([
      "FOR a IN airports FILTER a._key == 'LAX' UPDATE a WITH { touched: true } IN airports",
      '--read-only',
    ])
    expect(r.code).toBe(1)
    expect(errLines(r)[0]).toMatch(
      /^Error: refused in read-only mode: the plan has an UpdateNode \(node \d+: UPDATE … IN airports\); nothing was run/,
    )
    const ins = await q(['INSERT { _key: "ZZZ" } INTO airports', '--read-only'])
    expect(ins.code).toBe(1)
    expect(ins.stderr).toMatch(/has an InsertNode/)
    const after = await target.db.collection('airports').document('LAX')
    expect(after).toEqual(before)
    expect(await target.db.collection('airports').documentExists('ZZZ')).toBe(false)
    // a reading query runs as usual under --read-only
    const read = await q(["RETURN DOCUMENT('airports/LAX').name", '--read-only'])
    expect(read.stdout).toBe('"Los Angeles International"\n')
  })

  it('a deployment profile marked readOnly makes read-only the default; --no-read-only lifts it', async () => {
    const add = await gp(['deployments', 'add', 'safe', '--url', target.url, '--read-only'], {
      env: target.env(),
    })
    expect(add.code).toBe(0)
    const profiles = JSON.parse(
      fs.readFileSync(path.join(scratch, 'config', 'graphpipe', 'deployments.json'), 'utf8'),
    )
    expect(profiles.deployments.safe.readOnly).toBe(true)
    const e = { ...target.env(), GRAPHPIPE_DEPLOYMENT: 'safe' }
    delete (e as Record<string, string | undefined>).ARANGO_URL
    const refused = await q(['REMOVE "LAX" IN airports'], undefined, e)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/has a RemoveNode/)
    expect(await target.db.collection('airports').documentExists('LAX')).toBe(true)
    const allowed = await q(['INSERT { _key: "ZZ1" } INTO airports', '--no-read-only'], undefined, e)
    expect(allowed.code).toBe(0)
    expect(await target.db.collection('airports').documentExists('ZZ1')).toBe(true)
    await target.db.collection('airports').remove('ZZ1')
  })

  it('--file runs several statements in order (; inside strings and comments kept); --fail-at-end', async () => {
    const file = path.join(scratch, 'script.aql')
    fs.writeFileSync(
      file,
      "RETURN 'a;b';\n// a comment; with a semicolon\nRETURN 2 /* ; */;\nRETURN DOCUMENT(@@c, 'LAX').city;\nRETURN 1 +;\nRETURN 4\n",
    )
    const fast = await q(['--file', file, '--bind', '@c=airports'])
    expect(fast.code).toBe(1)
    expect(fast.stdout).toBe('"a;b"\n2\n"Los Angeles"\n')
    expect(errLines(fast)[0]).toMatch(/^Error: statement 4 of 5: ArangoDB error 1501: /)
    const all = await q(['--file', file, '--bind', '@c=airports', '--fail-at-end'])
    expect(all.code).toBe(1)
    expect(all.stdout).toBe('"a;b"\n2\n"Los Angeles"\n4\n')
    expect(all.stderr).toMatch(/Error: 1 of 5 statements failed \(4\); 4 succeeded/)
    const csv = await q(['--file', file, '--format', 'csv', '--bind', '@c=airports', '--fail-at-end'])
    expect(csv.stdout).toContain('(value)\r\na;b\r\n(value)\r\n2\r\n')
  })

  it('--saved runs a query saved in the XDG config dir, one .aql file per query', async () => {
    const dir = path.join(scratch, 'config', 'graphpipe', 'queries')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'city.aql'), 'RETURN DOCUMENT("airports", @k).city\n')
    const r = await q(['--saved', 'city', '--bind', 'k=BIS'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('"Bismarck"\n')
    const none = await q(['--saved', 'nope'])
    expect(none.code).toBe(2)
    expect(errLines(none)[0]).toMatch(/^Error: no saved query "nope" in .*queries \(saved: city\)$/)
  })

  it('--verbose names the running query; --out writes the result to a file', async () => {
    const r = await q(['FOR i IN 1..20000 RETURN i', '--verbose', '--batch-size', '10', '--max-rows', '30'])
    expect(r.code).toBe(0)
    // the id comes from GET /_api/query/current, which a server without it answers 404/501: then
    // nothing is said, and the query runs all the same
    expect(r.stderr).toMatch(/query id: \d+|^target:[^\n]*\n$/)
    const out = path.join(scratch, 'lax.svg')
    const svg = await q([
      "FOR a, e, p IN 1..1 OUTBOUND 'airports/LAX' flights RETURN p",
      '--format',
      'svg',
      '--out',
      out,
    ])
    expect(svg.code).toBe(0)
    expect(svg.stdout).toBe('')
    expect(fs.readFileSync(out, 'utf8')).toContain('Los Angeles International')
  })
})
