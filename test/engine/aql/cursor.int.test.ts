/**
 * The cursor API, explain and parse over HTTP against the live target (ENGINE-SPEC §2, §7 and the
 * recorded RestCursor* exchanges), and the seed's queries on graph-course-shaped data through arangojs.
 */
import { aql } from 'arangojs'
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestTarget, type TestTarget } from '../../helpers/target.js'

async function api(
  t: TestTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/_db/${encodeURIComponent(t.dbName)}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64'),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

const STAT_KEYS = [
  'writesExecuted',
  'writesIgnored',
  'documentLookups',
  'seeks',
  'scannedFull',
  'scannedIndex',
  'searchParallelism',
  'cursorsCreated',
  'cursorsRearmed',
  'cacheHits',
  'cacheMisses',
  'filtered',
  'httpRequests',
  'executionTime',
  'peakMemoryUsage',
  'intermediateCommits',
]

describe('POST /_api/cursor and its batches', () => {
  const t = useTestTarget()

  it('answers 201 with the first batch, id and nextBatchId only while hasMore, count when asked', async () => {
    const r = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..5 RETURN i',
      count: true,
      batchSize: 2,
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ result: [1, 2], hasMore: true, count: 5, cached: false, nextBatchId: '2' })
    expect(r.body).toMatchObject({ error: false, code: 201 })
    expect(typeof r.body.id).toBe('string')
    const extra = r.body.extra as { warnings: unknown[]; stats: Record<string, unknown> }
    expect(extra.warnings).toEqual([])
    expect(Object.keys(extra.stats)).toEqual(STAT_KEYS)
    const last = await api(t, 'POST', '/_api/cursor', { query: 'RETURN 1' })
    expect(last.body).not.toHaveProperty('id')
    expect(last.body).not.toHaveProperty('nextBatchId')
    expect(last.body).not.toHaveProperty('count')
  })

  it('serves next batches by id (POST, deprecated PUT) and by batch id, then 404/1600', async () => {
    const r = await api(t, 'POST', '/_api/cursor', { query: 'FOR i IN 1..5 RETURN i', batchSize: 2 })
    const id = r.body.id as string
    const b2 = await api(t, 'POST', `/_api/cursor/${id}/2`)
    expect(b2.status).toBe(200)
    expect(b2.body).toMatchObject({ result: [3, 4], hasMore: true, id, nextBatchId: '3', code: 200 })
    const b3 = await api(t, 'PUT', `/_api/cursor/${id}`)
    expect(b3.body).toMatchObject({ result: [5], hasMore: false })
    expect(b3.body).not.toHaveProperty('nextBatchId')
    const gone = await api(t, 'POST', `/_api/cursor/${id}`)
    expect([gone.status, gone.body.errorNum, gone.body.errorMessage]).toEqual([404, 1600, 'cursor not found'])
  })

  it('repeats the last batch with allowRetry (RestCursorPostBatch)', async () => {
    const r = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..5 RETURN i',
      count: true,
      batchSize: 2,
      options: { allowRetry: true },
    })
    const id = r.body.id as string
    const b2 = await api(t, 'POST', `/_api/cursor/${id}`)
    const again = await api(t, 'POST', `/_api/cursor/${id}/2`)
    expect(again.body.result).toEqual(b2.body.result)
    expect(again.body.nextBatchId).toBe('3')
  })

  it('keeps a cursor to the database it was created in', async () => {
    const r = await api(t, 'POST', '/_api/cursor', { query: 'FOR i IN 1..5 RETURN i', batchSize: 2 })
    const other = await fetch(`${t.url}/_db/_system/_api/cursor/${r.body.id as string}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64'),
      },
    })
    expect(other.status).toBe(404)
    expect((await api(t, 'POST', `/_api/cursor/${r.body.id as string}`)).status).toBe(200)
  })

  it('deletes a cursor with 202 and {id}', async () => {
    const r = await api(t, 'POST', '/_api/cursor', { query: 'FOR i IN 1..5 RETURN i', batchSize: 2 })
    const del = await api(t, 'DELETE', `/_api/cursor/${r.body.id as string}`)
    expect([del.status, del.body]).toEqual([202, { id: r.body.id, error: false, code: 202 }])
    expect((await api(t, 'DELETE', `/_api/cursor/${r.body.id as string}`)).status).toBe(404)
  })

  it('expires a cursor after its ttl', async () => {
    const r = await api(t, 'POST', '/_api/cursor', { query: 'FOR i IN 1..5 RETURN i', batchSize: 2, ttl: 1 })
    await new Promise((res) => setTimeout(res, 2100))
    expect((await api(t, 'POST', `/_api/cursor/${r.body.id as string}`)).body.errorNum).toBe(1600)
  })

  it('reports fullCount before the last LIMIT (RestCursorCreateCursorOption)', async () => {
    const r = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..1000 FILTER i > 500 LIMIT 10 RETURN i',
      count: true,
      options: { fullCount: true },
    })
    const stats = (r.body.extra as { stats: Record<string, unknown> }).stats
    expect(r.body.result).toEqual([501, 502, 503, 504, 505, 506, 507, 508, 509, 510])
    expect([stats.fullCount, stats.filtered]).toEqual([500, 500])
  })

  it('answers request errors as ArangoDB does: 1502, 1501, 1203, 400 for PUT without id', async () => {
    const empty = await api(t, 'POST', '/_api/cursor')
    expect([empty.status, empty.body.errorNum, empty.body.errorMessage]).toEqual([
      400,
      1502,
      'query is empty',
    ])
    const parse = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3',
    })
    expect([parse.status, parse.body.errorNum, parse.body.errorMessage]).toEqual([
      400,
      1501,
      "syntax error, unexpected assignment near '= 1 LIMIT 2 RETURN i * 3' at position 1:26",
    ])
    const coll = await api(t, 'POST', '/_api/cursor', { query: 'FOR u IN unknowncoll LIMIT 2 RETURN u' })
    expect([coll.status, coll.body.errorNum, coll.body.errorMessage]).toEqual([
      404,
      1203,
      'collection or view not found: unknowncoll',
    ])
    const put = await api(t, 'PUT', '/_api/cursor')
    expect([put.status, put.body.errorNum]).toEqual([400, 400])
  })

  it('reports warnings in extra.warnings and fails on them with failOnWarning', async () => {
    const r = await api(t, 'POST', '/_api/cursor', { query: 'RETURN 1 / 0' })
    expect((r.body.extra as { warnings: unknown[] }).warnings).toEqual([
      { code: 1562, message: 'division by zero' },
    ])
    const f = await api(t, 'POST', '/_api/cursor', {
      query: 'RETURN 1 / 0',
      options: { failOnWarning: true },
    })
    expect([f.status, f.body.errorNum]).toEqual([400, 1562])
  })

  it('profiles a query: extra.profile, and with profile 2 the plan and per-node counters', async () => {
    const r = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..10 FILTER i > 3 RETURN i',
      options: { profile: 2 },
    })
    const extra = r.body.extra as {
      profile: Record<string, number>
      plan: { nodes: { id: number; type: string }[] }
      stats: { nodes: { id: number; items: number }[] }
    }
    expect(Object.keys(extra.profile)).toContain('executing')
    const filter = extra.plan.nodes.find((n) => n.type === 'FilterNode')!
    expect(extra.stats.nodes.find((n) => n.id === filter.id)?.items).toBe(7)
    expect(Object.keys(extra.stats).at(-1)).toBe('nodes')
  })

  it('produces stream batches lazily: a billion-row range answers its first batch', async () => {
    const r = await api(t, 'POST', '/_api/cursor', {
      query: 'FOR i IN 1..1000000000 RETURN i',
      batchSize: 3,
      options: { stream: true },
    })
    expect(r.body).toMatchObject({ result: [1, 2, 3], hasMore: true })
    const next = await api(t, 'POST', `/_api/cursor/${r.body.id as string}/2`)
    expect(next.body.result).toEqual([4, 5, 6])
    await api(t, 'DELETE', `/_api/cursor/${r.body.id as string}`)
  })

  it('reads every row of a stream cursor through arangojs', async () => {
    const cursor = await t.db.query('FOR i IN 1..2500 RETURN i', {}, { stream: true, batchSize: 1000 })
    let n = 0
    let sum = 0
    for await (const v of cursor) {
      n++
      sum += v as number
    }
    expect([n, sum]).toEqual([2500, (2500 * 2501) / 2])
  })
})

describe('POST /_api/explain and /_api/query', () => {
  const t = useTestTarget()
  beforeAll(async () => {
    const c = await t.db.createCollection('people')
    await c.ensureIndex({ type: 'persistent', fields: ['age'] })
    await t.db.createEdgeCollection('knows')
  })

  it('says which index each FOR uses', async () => {
    const plan = async (query: string) =>
      ((await api(t, 'POST', '/_api/explain', { query })).body.plan as { nodes: Record<string, unknown>[] })
        .nodes
    const byAge = await plan('FOR p IN people FILTER p.age == 3 RETURN p')
    expect(byAge.find((n) => n.type === 'IndexNode')).toMatchObject({
      indexes: [{ type: 'persistent', fields: ['age'] }],
    })
    const byKey = await plan('FOR p IN people FILTER p._key == "x" RETURN p')
    expect(byKey.find((n) => n.type === 'IndexNode')).toMatchObject({ indexes: [{ type: 'primary' }] })
    const scan = await plan('FOR p IN people FILTER p.name == "x" RETURN p')
    expect(scan.some((n) => n.type === 'EnumerateCollectionNode')).toBe(true)
    const trav = await plan("FOR v IN 1..2 OUTBOUND 'people/a' knows RETURN v")
    expect(trav.find((n) => n.type === 'TraversalNode')).toMatchObject({
      indexes: { base: [{ type: 'edge', collection: 'knows' }] },
    })
  })

  it('iterates over an expression through a CalculationNode and its variable, as ArangoDB plans it', async () => {
    const r = await api(t, 'POST', '/_api/explain', { query: 'FOR i IN 1..3 RETURN i' })
    const nodes = (r.body.plan as { nodes: Record<string, any>[] }).nodes
    expect(nodes.map((n) => n.type)).toEqual([
      'SingletonNode',
      'CalculationNode',
      'EnumerateListNode',
      'ReturnNode',
    ])
    const calc = nodes[1]
    expect(calc.expression).toMatchObject({ type: 'range' })
    expect(nodes[2].inVariable.name).toBe(calc.outVariable.name)
    expect(nodes[2].outVariable.name).toBe('i')
  })

  it('parses a query into collections, bind parameters and an AST', async () => {
    const r = await api(t, 'POST', '/_api/query', { query: 'FOR p IN people FILTER p.age > @min RETURN p' })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ parsed: true, collections: ['people'], bindVars: ['min'], error: false })
    expect(Array.isArray(r.body.ast)).toBe(true)
    const bad = await api(t, 'POST', '/_api/query', { query: 'FOR p IN' })
    expect(bad.body.errorNum).toBe(1501)
  })
})

describe("the seed's queries on graph-course data", () => {
  const t = useTestTarget()
  beforeAll(async () => {
    const airports = await t.db.createCollection('airports')
    await airports.saveAll([
      {
        _key: 'LAX',
        name: 'Los Angeles International',
        city: 'Los Angeles',
        state: 'CA',
        country: 'USA',
        vip: true,
      },
      {
        _key: 'SFO',
        name: 'San Francisco International',
        city: 'San Francisco',
        state: 'CA',
        country: 'USA',
        vip: true,
      },
      { _key: 'JFK', name: 'John F Kennedy Intl', city: 'New York', state: 'NY', country: 'USA', vip: false },
      { _key: 'BIS', name: 'Bismarck Municipal', city: 'Bismarck', state: 'ND', country: 'USA' },
      { _key: 'DEN', name: 'Denver Intl', city: 'Denver', state: 'CO', country: 'USA', vip: false },
      {
        _key: 'MSP',
        name: 'Minneapolis-St Paul Intl',
        city: 'Minneapolis',
        state: 'MN',
        country: 'USA',
        vip: false,
      },
    ])
    const flights = await t.db.createEdgeCollection('flights')
    const f = (from: string, to: string, Month: number, Day: number, ArrTimeUTC: string) => ({
      _from: `airports/${from}`,
      _to: `airports/${to}`,
      Year: 2008,
      Month,
      Day,
      ArrTimeUTC,
    })
    await flights.saveAll([
      f('LAX', 'SFO', 1, 1, '2008-01-01T10:00:00.000Z'),
      f('LAX', 'SFO', 1, 2, '2008-01-02T10:00:00.000Z'),
      f('LAX', 'JFK', 1, 3, '2008-01-03T10:00:00.000Z'),
      f('LAX', 'DEN', 2, 3, '2008-02-03T10:00:00.000Z'),
      f('BIS', 'DEN', 1, 5, '2008-01-05T12:00:00.000Z'),
      f('MSP', 'BIS', 1, 6, '2008-01-06T08:00:00.000Z'),
      f('BIS', 'MSP', 1, 9, '2008-01-09T09:00:00.000Z'),
      f('DEN', 'BIS', 1, 4, '2008-01-04T09:00:00.000Z'),
      f('BIS', 'MSP', 2, 6, '2008-02-06T09:00:00.000Z'),
    ])
  })

  it('FOR a IN 1..1 OUTBOUND "airports/LAX" flights RETURN DISTINCT a.name', async () => {
    const names = await (
      await t.db.query("FOR a IN 1..1 OUTBOUND 'airports/LAX' flights RETURN DISTINCT a.name")
    ).all()
    expect(names.sort()).toEqual(['Denver Intl', 'John F Kennedy Intl', 'San Francisco International'])
  })

  it('FOR airport IN airports FILTER airport.vip RETURN airport', async () => {
    const vip = await (
      await t.db.query(aql`FOR airport IN airports FILTER airport.vip RETURN airport._key`)
    ).all()
    expect(vip.sort()).toEqual(['LAX', 'SFO'])
  })

  it('the BIS query as written: flight.DAY is null and null <= 7 holds', async () => {
    const rows = await (
      await t.db.query(
        "FOR airport, flight IN ANY 'airports/BIS' flights FILTER flight.Month == 1 AND flight.Day >= 5 AND flight.DAY <= 7 RETURN { city: airport.city, time: flight.ArrTimeUTC }",
      )
    ).all()
    const key = (r: { city: string; time: string }) => r.time
    expect(rows.sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
      { city: 'Denver', time: '2008-01-05T12:00:00.000Z' },
      { city: 'Minneapolis', time: '2008-01-06T08:00:00.000Z' },
      { city: 'Minneapolis', time: '2008-01-09T09:00:00.000Z' },
    ])
  })
})
