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
