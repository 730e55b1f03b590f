/**
 * End to end: the built CLI (`node bin/run.js import ...`, after `npm run build`) against the
 * embedded engine in a temporary --data-dir, checked afterwards by opening that data dir.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { Database } from 'arangojs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startEngineServer } from '../../src/engine/http/server.js'

const repo = path.resolve(import.meta.dirname, '../..')
const openflights = path.resolve(repo, '../shared/datasets/openflights')
// as a user runs it: vitest's NODE_ENV=test makes oclif print development warnings
const { NODE_ENV: _testEnv, ...userEnv } = process.env

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/run.js'), 'import', ...args], {
    cwd: repo,
    input,
    encoding: 'utf8',
    env: { ...userEnv, ARANGO_URL: '', CI: '1', GRAPHPIPE_DEPLOYMENT: '' },
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Open a data dir the CLI wrote, with the same engine, and run `fn` on its _system database. */
async function inspect<T>(dataDir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const engine = await startEngineServer({ dataDir, port: 0 })
  const db = new Database({ url: engine.url })
  try {
    return await fn(db)
  } finally {
    db.close()
    await engine.close()
  }
}

describe('graphpipe import (built CLI, embedded engine)', () => {
  let dataDir = ''
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/commands/import.js')))
      throw new Error('dist/ is missing: run `npm run build` first')
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'gp-import-cli-'))
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('imports the graph-course fixtures, prints a summary on stderr and exits 0', async () => {
    const r = cli([
      'fixtures/airports.csv',
      'fixtures/flights.csv',
      '--data-dir',
      dataDir,
      '--graph',
      'course',
    ])
    expect(r.stderr).toContain('fixtures/flights.csv -> flights (edge, created): 47 rows: 47 created')
    expect(r.stderr).toMatch(
      /total: 72 rows in 2 file\(s\): 72 created, 0 updated, 0 ignored, 0 empty, 0 errors/,
    )
    expect(r.stdout).toBe('')
    expect(r.code).toBe(0)
    const [airports, flights] = await inspect(dataDir, async (db) => [
      await db.collection('airports').document('BIS'),
      await db.collection('flights').properties(),
    ])
    expect(airports).toMatchObject({ _key: 'BIS', city: 'Bismarck', vip: false, lat: 46.77411111 })
    expect(flights.type).toBe(3)
  })

  it('--json prints the typed result on stdout; rejected rows give exit 1 and the first ones on stderr', () => {
    const r = cli(['fixtures/import/malformed.csv', '--data-dir', dataDir, '--json'])
    expect(r.code).toBe(1)
    const res = JSON.parse(r.stdout)
    expect(res.total).toMatchObject({ rows: 8, created: 4, errors: 4 })
    expect(res.rejected[1]).toEqual({
      file: 'fixtures/import/malformed.csv',
      line: 4,
      reason: 'too many values: 4 for 3 columns',
    })
    const text = cli(['fixtures/import/malformed.csv', '--data-dir', dataDir, '--collection', 'm2'])
    expect(text.code).toBe(1)
    expect(text.stderr).toContain('fixtures/import/malformed.csv:4: too many values: 4 for 3 columns')
  })

  it('reads stdin with --type and --collection', async () => {
    const r = cli(
      ['-', '--type', 'jsonl', '--collection', 'piped', '--data-dir', dataDir],
      '{"_key":"a"}\n{"_key":"b"}\n',
    )
    expect(r.code).toBe(0)
    expect(await inspect(dataDir, async (db) => (await db.collection('piped').count()).count)).toBe(2)
  })

  it('usage errors and a missing file are one line and exit 2', () => {
    for (const args of [
      ['nope.csv'],
      ['fixtures/airports.csv', '--datatype', 'lat=float'],
      ['-'],
      ['fixtures/airports.csv', '--on-duplicate', 'merge'],
    ]) {
      const r = cli([...args, '--data-dir', dataDir])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('a broken gzip stream is one clear line and exit 1', () => {
    const broken = path.join(dataDir, 'broken.csv.gz')
    writeFileSync(broken, gzipSync(readFileSync('fixtures/flights.csv')).subarray(0, 300))
    const r = cli([broken, '--data-dir', dataDir, '--quiet'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Error: ${broken}: broken gzip stream: unexpected end of file\n`)
  })

  it('an unreachable server is one clear line', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(repo, 'bin/run.js'), 'import', 'fixtures/airports.csv'],
      {
        cwd: repo,
        encoding: 'utf8',
        env: { ...userEnv, ARANGO_URL: 'http://127.0.0.1:9', CI: '1' },
      },
    )
    expect(r.status).not.toBe(0)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^Error: .*(reach|ECONNREFUSED|connect)/i)
  })

  it('imports the OpenFlights data set as a graph with flags only (docs/import.md)', async (ctx) => {
    if (!existsSync(path.join(openflights, 'airports.csv'))) {
      console.warn(`skipped: ${openflights} is absent`)
      ctx.skip()
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gp-openflights-'))
    try {
      const r = cli([
        path.join(openflights, 'airports.csv'),
        path.join(openflights, 'flights.csv'),
        '--translate',
        'AiportID=_key',
        '--translate',
        ' source airport=_from',
        '--translate',
        ' destination airport=_to',
        '--from-prefix',
        'airports',
        '--to-prefix',
        'airports',
        '--graph',
        'openflights',
        '--data-dir',
        dir,
        '--json',
      ])
      expect(r.code, r.stderr).toBe(0)
      const res = JSON.parse(r.stdout)
      expect(
        res.files.map((f: { collection: string; collectionType: string; created: number }) => [
          f.collection,
          f.collectionType,
          f.created,
        ]),
      ).toEqual([
        ['airports', 'document', 6459],
        ['flights', 'edge', 67663],
      ])
      expect(res.graph.edgeDefinitions).toEqual([
        { collection: 'flights', from: ['airports'], to: ['airports'] },
      ])
      const [fra, fromFra] = await inspect(dir, async (db) => [
        await db.collection('airports').document('FRA'),
        (await db.collection('flights').outEdges('airports/FRA')).edges,
      ])
      expect(fra).toMatchObject({ _key: 'FRA', City: 'Frankfurt', Country: 'Germany' })
      expect(fromFra.length).toBeGreaterThan(100)
      expect(fromFra[0]).toMatchObject({
        _from: 'airports/FRA',
        _to: expect.stringMatching(/^airports\/\w+$/),
      })
      expect(readFileSync(path.join(openflights, 'flights.csv'), 'utf8').split('\n')[0]).toContain(
        ', source airport,',
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
