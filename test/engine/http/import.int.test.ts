/**
 * POST /_api/import with JSON lines (docs.arangodb.com 3.12 develop/http-api/import): the
 * engine stores a line without a `_key` unparsed (SQLite checks it is JSON), so these pin what a
 * client sees either way — each line is a JSON object stored as sent, a line that is not JSON or
 * not an object is an error with its position, `_key` spelled with \u escapes is still the key.
 * Error texts and positions from arangod's RestImportHandler (3.12).
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('/_api/import of JSON lines', () => {
  const target = useTestTarget({ scope: 'test' })

  async function importLines(coll: string, body: string, qs = '') {
    const auth = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')
    const r = await fetch(
      `${target.url}/_db/${target.dbName}/_api/import?collection=${coll}&type=documents&details=true${qs}`,
      { method: 'POST', body, headers: { authorization: `Basic ${auth}` } },
    )
    return { status: r.status, body: (await r.json()) as Record<string, unknown> & { details: string[] } }
  }
  const all = async (q: string) => (await target.db.query(q)).all()

  it('stores each object line as sent; lines 2 and 4 are errors at their 1-based line numbers (RestImportHandler::createFromJson)', async () => {
    await target.db.createCollection('c')
    const lines = [
      '{"name":"a","n":[1,2.5,{"x":null}],"s":"caf\\u00e9 \\"q\\""}',
      '{"name":"b",}',
      '  {"name":"c"}\r',
      '[1,2]',
      '',
      '{"name":"d","t":"tab\\tnewline\\n"}',
    ]
    const r = await importLines('c', lines.join('\n'))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ error: false, created: 3, errors: 2, empty: 1, updated: 0, ignored: 0 })
    expect(r.body.details).toEqual([
      // buildParseError quotes the line as received; handleSingleDocument dumps the value
      'at position 2: invalid JSON type (expecting object, probably parse error), offending context: {"name":"b",}',
      'at position 4: invalid JSON type (expecting object), offending document: [1,2]',
    ])
    const docs = await all('FOR d IN c RETURN UNSET(d, "_key", "_id", "_rev")')
    expect(docs).toEqual([
      { name: 'a', n: [1, 2.5, { x: null }], s: 'café "q"' },
      { name: 'c' },
      { name: 'd', t: 'tab\tnewline\n' },
    ])
    const keys = (await all('FOR d IN c RETURN d._key')) as string[]
    expect(new Set(keys).size).toBe(3)
  })

  it('a _key written with \\u escapes is the key; a nested _key is an attribute; complete=true rolls back on a bad line', async () => {
    await target.db.createCollection('c')
    const r = await importLines('c', '{"\\u005fkey":"esc","v":1}\n{"o":{"_key":"inner"}}')
    expect(r.body).toMatchObject({ created: 2, errors: 0 })
    expect(await all('FOR d IN c FILTER d._key == "esc" RETURN d.v')).toEqual([1])
    expect(await all('FOR d IN c FILTER d.o != null RETURN d.o')).toEqual([{ _key: 'inner' }])
    const bad = await importLines('c', '{"v":2}\nnot json', '&complete=true')
    expect(bad.status).toBe(400)
    expect((await target.db.collection('c').count()).count).toBe(2)
  })
})

describe('/_api/import: the unparsed path answers and stores exactly as the parsing path', () => {
  const target = useTestTarget({ scope: 'test' })

  async function post(coll: string, body: string, qs = '') {
    const auth = Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')
    const r = await fetch(
      `${target.url}/_db/${target.dbName}/_api/import?collection=${coll}&type=documents&details=true${qs}`,
      { method: 'POST', body, headers: { authorization: `Basic ${auth}` } },
    )
    return { status: r.status, body: (await r.json()) as Record<string, unknown> }
  }
  const stored = async (coll: string) =>
    (await target.db.query(`FOR d IN ${coll} SORT TO_NUMBER(d._key) RETURN UNSET(d, "_id", "_rev")`)).all()

  // every line of these bodies either takes the store's fast path or must be parsed; a collection
  // with a persistent index parses them all (Store.jsonInserter is null there), so the two
  // collections of each pair see the same lines through different paths
  const EDGE_LINES = [
    '{"_from":"airports/LAX","_to":"airports/SFO","n":1}',
    '{"_to":"airports/SFO","n":2}',
    '{"_from":"airports/LAX","_to":"nokey","n":3}',
    '{"_from":7,"_to":"airports/SFO","n":4}',
    '{"_from":"airports\\/JFK","_to":"airports/SFO","n":5}',
    '{"\\u005ffrom":"airports/BOS","_to":"airports/SFO","n":6}',
    '{"_from":"LAX","_to":"SFO","n":7}',
    '{"_from":"a/1","_from":"airports/ORD","_to":"airports/SFO","n":8}',
    '{"_from":"airports/LAX","_to":"airports/SFO","o":{"_key":"inner"}}',
    '{"_key":"k1","_from":"airports/LAX","_to":"airports/SFO"}',
    '{"_from":"airports/LAX","_to":"airports/SFO",}',
    '',
    '  {"_from":"airports/LAX","_to":"airports/DEN"}  \r',
    '{"_from":"airports/LAX","_to":"air ports/SFO"}',
    '{"_from":"_system/x","_to":"9lives/x"}',
    '{"_from":"airports/LAX","_to":"airports/SFO","s":"caf\u00e9 \\u00e9"}',
  ]

  for (const [what, qs] of [
    ['without prefixes', ''],
    ['with fromPrefix and toPrefix', '&fromPrefix=airports&toPrefix=airports'],
  ])
    it(`edges ${what}: counts, details, keys and documents agree`, async () => {
      await target.db.createEdgeCollection('fast')
      const slow = await target.db.createEdgeCollection('slow')
      await slow.ensureIndex({ type: 'persistent', fields: ['unused'] })
      const body = EDGE_LINES.join('\n')
      const a = await post('fast', body, qs)
      const b = await post('slow', body, qs)
      expect(a).toEqual(b)
      expect(a.body.created).toBeGreaterThan(5)
      expect(a.body.errors).toBeGreaterThan(3)
      expect(await stored('fast')).toEqual(await stored('slow'))
    })

  it('documents: counts, details, keys and documents agree', async () => {
    await target.db.createCollection('fast')
    const slow = await target.db.createCollection('slow')
    await slow.ensureIndex({ type: 'persistent', fields: ['unused'] })
    const body = [
      '{"a":1}',
      '{"_key":"given","a":2}',
      '{"_\\u006bey":"escaped","a":3}',
      '{"a":[1,{"b":null}],"c":"\\"q\\""}',
      'not json',
      '"a string"',
      '{"a":01}',
      '{"_from":"x/y","_to":"x/z","a":4}',
      '{"a":5,"_rev":"_abc","_id":"other/1"}',
      '{"a":' + '['.repeat(600) + ']'.repeat(600) + '}',
      '',
      '{"a":6}',
    ].join('\n')
    const a = await post('fast', body)
    const b = await post('slow', body)
    expect(a).toEqual(b)
    expect(await stored('fast')).toEqual(await stored('slow'))
  })
})
