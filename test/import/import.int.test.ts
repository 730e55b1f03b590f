import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Database } from 'arangojs'
import { afterAll, describe, expect, it } from 'vitest'

import { runImport } from '../../src/import/importer.js'
import type { ImportOptions, ImportResult } from '../../src/import/types.js'
import { useTestTarget } from '../helpers/target.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-import-int-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** AQL and the graph API are other areas of the engine; until they answer, tests needing them skip. */
async function supports(db: Database, what: 'aql' | 'graphs'): Promise<boolean> {
  try {
    if (what === 'aql') await db.query('RETURN 1')
    else await db.graph('probe_missing').exists()
    return true
  } catch (err) {
    if ((err as { errorNum?: number }).errorNum === 9) return false
    throw err
  }
}

function addsUp(r: ImportResult): void {
  for (const f of [...r.files, r.total]) {
    expect(f.rows).toBe(f.created + f.updated + f.ignored + f.empty + f.errors)
  }
}

describe('import into a live target (graph-course fixtures)', () => {
  const target = useTestTarget()

  it('imports airports and flights as arangoimport would: typed values, keys intact, flights an edge collection', async () => {
    const res = await runImport(target.db, ['fixtures/airports.csv', 'fixtures/flights.csv'], {})
    addsUp(res)
    expect(res.files.map((f) => [f.collection, f.collectionType, f.created, f.errors])).toEqual([
      ['airports', 'document', 25, 0],
      ['flights', 'edge', 47, 0],
    ])
    const lax = await target.db.collection('airports').document('LAX')
    expect(lax).toMatchObject({
      _key: 'LAX',
      name: 'Los Angeles International',
      city: 'Los Angeles',
      state: 'CA',
      country: 'USA',
      lat: 33.94253611,
      long: -118.4080744,
      vip: true,
    })
    const props = await target.db.collection('flights').properties()
    expect(props.type).toBe(3)
    const { edges } = await target.db.collection('flights').outEdges('airports/BIS')
    const f = edges.find((e: { Day: number }) => e.Day === 4)!
    expect(f).toMatchObject({ _from: 'airports/BIS', _to: 'airports/MSP', Year: 2008, Month: 1 })
    expect(typeof f.TailNum).toBe('string')
    expect(typeof f.Distance).toBe('number')
    expect(f.DepTimeUTC).toMatch(/^2008-01-\d\dT/)
  })

  it('answers the seed queries with non-trivial results', async (ctx) => {
    if (!(await supports(target.db, 'aql'))) ctx.skip()
    const q = async (aql: string) => (await target.db.query(aql)).all()
    const names = await q("FOR a IN 1..1 OUTBOUND 'airports/LAX' flights RETURN DISTINCT a.name")
    expect(names.length).toBeGreaterThanOrEqual(5)
    expect(names).toContain('John F Kennedy Intl')
    const vip = await q('FOR airport IN airports FILTER airport.vip RETURN airport')
    expect(vip.map((a: { _key: string }) => a._key).sort()).toEqual([
      'ATL',
      'BOS',
      'DEN',
      'DFW',
      'JFK',
      'LAX',
      'ORD',
      'SFO',
    ])
    const bis = await q(
      "FOR airport, flight IN ANY 'airports/BIS' flights FILTER flight.Month == 1 AND flight.Day >= 5 AND flight.DAY <= 7 RETURN {city: airport.city, time: flight.ArrTimeUTC}",
    )
    expect(bis.length).toBeGreaterThanOrEqual(4)
    expect(bis.map((b: { city: string }) => b.city)).toEqual(
      expect.arrayContaining(['Minneapolis', 'Denver', 'Fargo']),
    )
  })

  it('--on-duplicate error rejects each existing key with its line and ArangoDB reason; update/replace/ignore count as such', async () => {
    const again = await runImport(target.db, ['fixtures/airports.csv'], {})
    addsUp(again)
    expect(again.total).toMatchObject({ rows: 25, created: 0, errors: 25 })
    expect(again.rejected[0]).toMatchObject({
      file: 'fixtures/airports.csv',
      line: 2,
      reason: expect.stringMatching(/unique constraint violated/),
    })
    expect(again.rejected.map((r) => r.line)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
    for (const [mode, field] of [
      ['update', 'updated'],
      ['replace', 'updated'],
      ['ignore', 'ignored'],
    ] as const) {
      const r = await runImport(target.db, ['fixtures/airports.csv'], { onDuplicate: mode })
      addsUp(r)
      expect(r.total[field]).toBe(25)
      expect(r.total.errors).toBe(0)
    }
  })

  it('--overwrite truncates first and keeps the indexes', async () => {
    const col = target.db.collection('airports')
    await col.ensureIndex({ type: 'persistent', fields: ['city'] })
    await col.save({ _key: 'EXTRA', name: 'not in the file' })
    const r = await runImport(target.db, ['fixtures/airports.csv'], { overwrite: true })
    expect(r.total).toMatchObject({ created: 25, errors: 0 })
    expect(await col.documentExists('EXTRA')).toBe(false)
    expect((await col.count()).count).toBe(25)
    const idx = await col.indexes()
    expect(idx.some((i) => i.type === 'persistent' && i.fields[0] === 'city')).toBe(true)
  })

  it('--graph creates the named graph with the edge definition the data shows', async (ctx) => {
    if (!(await supports(target.db, 'graphs'))) ctx.skip()
    const r = await runImport(target.db, ['fixtures/flights.csv'], { collection: 'flights2', graph: 'air' })
    expect(r.graph).toMatchObject({
      name: 'air',
      created: true,
      edgeDefinitions: [{ collection: 'flights2', from: ['airports'], to: ['airports'] }],
    })
    const g = await target.db.graph('air').get()
    expect(g.edgeDefinitions).toEqual([{ collection: 'flights2', from: ['airports'], to: ['airports'] }])
    // extending: a second edge collection whose _to points elsewhere
    const f = path.join(tmp, 'visits.jsonl')
    writeFileSync(f, '{"_from":"airports/LAX","_to":"cities/LA"}\n')
    const r2 = await runImport(target.db, [f], { graph: 'air' })
    expect(r2.graph?.created).toBe(false)
    const g2 = await target.db.graph('air').get()
    expect(g2.edgeDefinitions).toEqual(
      expect.arrayContaining([{ collection: 'visits', from: ['airports'], to: ['cities'] }]),
    )
  })
})

describe('import inputs and flags against a live target', () => {
  const target = useTestTarget({ scope: 'test' })

  const run = (files: string[], opts: ImportOptions = {}) => runImport(target.db, files, opts)

  it('reads gzip by extension, and stdin with --type and --collection', async () => {
    const gz = path.join(tmp, 'airports.csv.gz')
    writeFileSync(gz, gzipSync(readFileSync('fixtures/airports.csv')))
    const r = await run([gz])
    expect(r.files[0]).toMatchObject({ collection: 'airports', type: 'csv', created: 25 })

    const orig = process.stdin
    const fake = createReadStream('fixtures/flights.csv')
    Object.defineProperty(process, 'stdin', { value: fake, configurable: true })
    try {
      const s = await run(['-'], { type: 'csv', collection: 'stdinflights' })
      expect(s.files[0]).toMatchObject({ collection: 'stdinflights', collectionType: 'edge', created: 47 })
    } finally {
      Object.defineProperty(process, 'stdin', { value: orig, configurable: true })
    }
  })

  it('a broken gzip stream is one clear error', async () => {
    const gz = path.join(tmp, 'broken.csv.gz')
    writeFileSync(gz, gzipSync(readFileSync('fixtures/airports.csv')).subarray(0, 200))
    await expect(run([gz])).rejects.toThrow(/broken\.csv\.gz: broken gzip stream/)
  })

  it('streams a JSON array and JSON lines; rejected elements carry line and reason', async () => {
    const r = await run(['fixtures/import/people.json', 'fixtures/import/people.jsonl'], {
      collection: 'people',
      onDuplicate: 'update',
    })
    addsUp(r)
    expect(r.files.map((f) => [f.rows, f.created, f.updated, f.empty, f.errors])).toEqual([
      [4, 3, 0, 0, 1],
      [6, 0, 3, 1, 2],
    ])
    expect((await target.db.collection('people').document('bob')).name).toBe('Bob')
  })

  it('malformed CSV rows are rejected one each and the rest is imported; --errors-file has them all', async () => {
    const errorsFile = path.join(tmp, 'errors.jsonl')
    const r = await run(['fixtures/import/malformed.csv'], { errorsFile })
    addsUp(r)
    expect(r.total).toMatchObject({ rows: 8, created: 4, errors: 4 })
    const lines = readFileSync(errorsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => l.line)).toEqual([3, 4, 5, 6])
    expect(lines[0]).toEqual({ file: 'fixtures/import/malformed.csv', line: 3, reason: expect.any(String) })
  })

  it('--max-errors stops after that many rejected rows', async () => {
    const r = await run(['fixtures/import/malformed.csv'], { maxErrors: 2 })
    addsUp(r)
    expect(r.stopped).toBe(true)
    expect(r.total.errors).toBe(2)
    expect(r.files[0].stopped).toBe(true)
  })

  it('--translate/--from-prefix/--to-prefix make edges from plain columns; --overwrite-prefix replaces a collection', async () => {
    const opts: ImportOptions = {
      translate: { src: '_from', dst: '_to' },
      fromPrefix: 'airports',
      toPrefix: 'airports',
    }
    const r = await run(['fixtures/import/edges-plain.csv'], { ...opts, collection: 'routes' })
    expect(r.files[0]).toMatchObject({ collectionType: 'edge', created: 3 })
    const out = async (c: string, v: string) =>
      (await target.db.collection(c).outEdges(v)).edges.map((e: { _to: string; weight: number }) => [
        e._to,
        e.weight,
      ])
    expect(await out('routes', 'airports/LAX')).toEqual([['airports/JFK', 1]])
    expect(await out('routes', 'airports/JFK')).toEqual([['airports/BIS', 2]])
    expect(await out('routes', 'airports/BIS')).toEqual([['airports/LAX', 3]])
    await run(['fixtures/import/edges-plain.csv'], {
      ...opts,
      collection: 'routes2',
      fromPrefix: 'hubs',
      overwritePrefix: true,
    })
    // --overwrite-prefix: "airports/BIS" becomes "hubs/BIS"; plain keys get the prefix as usual
    expect(await out('routes2', 'hubs/BIS')).toEqual([['airports/LAX', 3]])
    expect(await out('routes2', 'airports/BIS')).toEqual([])
  })

  it('--translate and --remove-attribute apply to JSON documents too, before edge detection', async () => {
    const f = path.join(tmp, 'hops.jsonl')
    writeFileSync(
      f,
      '{"src":"LAX","dst":"JFK","secret":1,"n":1}\n{"src":"JFK","dst":"BIS","secret":2,"n":2}\n',
    )
    const r = await run([f], {
      translate: { src: '_from', dst: '_to' },
      removeAttributes: ['secret'],
      fromPrefix: 'airports',
      toPrefix: 'airports',
    })
    expect(r.files[0]).toMatchObject({ collection: 'hops', collectionType: 'edge', created: 2 })
    const { edges } = await target.db.collection('hops').outEdges('airports/LAX')
    expect(edges).toHaveLength(1)
    expect(edges[0]).toMatchObject({ _from: 'airports/LAX', _to: 'airports/JFK', n: 1 })
    expect(edges[0]).not.toHaveProperty('secret')
  })

  it('--collection-type, --no-create-collection and --create-database', async () => {
    const r = await run(['fixtures/airports.csv'], { collection: 'forced', collectionType: 'edge' })
    expect(r.files[0]).toMatchObject({ collectionType: 'edge', created: 0, errors: 25 })
    expect(r.rejected[0].reason).toMatch(/_from|_to|edge/)
    await expect(
      run(['fixtures/airports.csv'], { collection: 'nothere', createCollection: false }),
    ).rejects.toThrow(/collection nothere does not exist/)
    const name = `${target.dbName}_new`
    const db2 = target.system.database(name)
    await expect(runImport(db2, ['fixtures/airports.csv'], {})).rejects.toThrow(
      /does not exist \(use --create-database\)/,
    )
    try {
      const r2 = await runImport(db2, ['fixtures/airports.csv'], { createDatabase: true })
      expect(r2).toMatchObject({ databaseCreated: true, total: { created: 25 } })
    } finally {
      await target.system.dropDatabase(name).catch(() => undefined)
    }
  })

  it('--dry-run writes nothing and says what would be created', async (ctx) => {
    if (!(await supports(target.db, 'graphs'))) ctx.skip()
    const r = await run(['fixtures/airports.csv', 'fixtures/flights.csv'], { dryRun: true, graph: 'g' })
    expect(r.dryRun).toBe(true)
    expect(r.files.map((f) => [f.collection, f.collectionType, f.collectionCreated, f.created])).toEqual([
      ['airports', 'document', true, 25],
      ['flights', 'edge', true, 47],
    ])
    expect(r.graph).toMatchObject({
      created: true,
      edgeDefinitions: [{ collection: 'flights', from: ['airports'], to: ['airports'] }],
    })
    expect(await target.db.collection('airports').exists()).toBe(false)
    expect(await target.db.graph('g').exists()).toBe(false)
  })

  it('--batch-size and --concurrency do not change the outcome, and lines still map to rejected rows', async () => {
    const f = path.join(tmp, 'dups.jsonl')
    const rows = Array.from({ length: 50 }, (_, i) => JSON.stringify({ _key: `k${i % 40}`, i }))
    writeFileSync(f, rows.join('\n') + '\n')
    const r = await run([f], { batchSize: 7, concurrency: 3 })
    addsUp(r)
    expect(r.total).toMatchObject({ rows: 50, created: 40, errors: 10 })
    // line L holds key k((L - 1) % 40): each duplicated key is rejected once, at one of its two lines
    // (which one may depend on request order on a real server with 3 requests in flight)
    const keys = r.rejected.map((x) => `k${(x.line - 1) % 40}`).sort()
    expect(keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'])
    if (target.kind === 'embedded')
      expect(r.rejected.map((x) => x.line).sort((a, b) => a - b)).toEqual([
        41, 42, 43, 44, 45, 46, 47, 48, 49, 50,
      ])
  })

  it('--skip-lines, --headers-file, --ignore-missing, --separator, --quote', async () => {
    const f = path.join(tmp, 'semi.csv')
    writeFileSync(f, "junk line\n_key;name;n\nq1;'a;b';1\nq2;short\n")
    const r = await run([f], {
      skipLines: 1,
      separator: ';',
      quote: "'",
      ignoreMissing: true,
      collection: 'semi',
    })
    expect(r.total).toMatchObject({ created: 2, errors: 0 })
    expect(await target.db.collection('semi').document('q1')).toMatchObject({ name: 'a;b', n: 1 })
    expect(await target.db.collection('semi').document('q2')).not.toHaveProperty('n')
    const h = await run(['fixtures/import/noheader.csv'], {
      headersFile: 'fixtures/import/headers.csv',
      collection: 'nh',
    })
    expect(h.total.created).toBe(2)
    expect(await target.db.collection('nh').document('a2')).toMatchObject({ name: 'Beta', city: 'Rome' })
  })
})
