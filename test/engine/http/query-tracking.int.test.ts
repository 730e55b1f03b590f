/**
 * maxRuntime, query tracking and killing queries through arangojs, as ArangoDB 3.12 answers
 * them ("HTTP interface for AQL queries": /_api/query/current, /_api/query/slow,
 * /_api/query/properties, DELETE /_api/query/{id}; "AQL query options: maxRuntime" -> 1500 / 410).
 */
import { isArangoError } from 'arangojs/errors'
import { afterEach, describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

async function failure(p: Promise<unknown>): Promise<{ errorNum?: number; code?: number }> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return { errorNum: e.errorNum, code: e.code }
    throw e
  }
  return {}
}

describe('query limits and tracking', () => {
  const target = useTestTarget()
  const route = () => target.db.route('/_api/query')

  afterEach(async () => {
    await route().put('/properties', {
      slowQueryThreshold: 10,
      enabled: true,
      trackBindVars: true,
      maxQueryStringLength: 4096,
    })
    await route().delete('/slow')
  })

  it('maxRuntime kills a SLEEP with 1500 "query killed" (HTTP 410) within 100 ms of the limit', async () => {
    const t0 = Date.now()
    const f = await failure(target.db.query('RETURN SLEEP(10)', {}, { maxRuntime: 0.5 }))
    const took = Date.now() - t0
    expect(f).toEqual({ errorNum: 1500, code: 410 })
    expect(took).toBeGreaterThanOrEqual(490)
    expect(took).toBeLessThan(600 + 100)
  })

  it('maxRuntime kills a long collection scan with 1500', async () => {
    const coll = target.db.collection('scan_rt')
    await coll.create()
    await coll.import(Array.from({ length: 3000 }, (_, i) => ({ i })))
    const t0 = Date.now()
    const f = await failure(
      target.db.query(
        'FOR a IN scan_rt FOR b IN scan_rt FILTER a.i == b.i + 1 COLLECT WITH COUNT INTO n RETURN n',
        {},
        { maxRuntime: 0.3 },
      ),
    )
    expect(f).toEqual({ errorNum: 1500, code: 410 })
    expect(Date.now() - t0).toBeLessThan(1500)
    await coll.drop()
  })

  it('lists a running stream query in /_api/query/current, kills it by id, and its cursor answers 1500 then 404 1600', async () => {
    const cursor = await target.db.query(
      'FOR i IN 1..10 RETURN @x + i',
      { x: 1 },
      { stream: true, batchSize: 1 },
    )
    const current = (await route().get('/current')).parsedBody as Record<string, unknown>[]
    const mine = current.find((q) => q.query === 'FOR i IN 1..10 RETURN @x + i')
    expect(mine).toMatchObject({
      database: target.dbName,
      bindVars: { x: 1 },
      state: 'executing',
      stream: true,
    })
    expect(Object.keys(mine!).sort()).toEqual(
      [
        'bindVars',
        'database',
        'id',
        'peakMemoryUsage',
        'query',
        'runTime',
        'started',
        'state',
        'stream',
        'user',
      ].sort(),
    )
    expect(typeof mine!.runTime).toBe('number')
    expect(String(mine!.started)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const killed = await route().delete(`/${String(mine!.id)}`)
    expect(killed.parsedBody).toEqual({ error: false, code: 200 })
    const cursorRoute = target.db.route(`/_api/cursor/${cursor.id!}`)
    expect(await failure(cursorRoute.post())).toEqual({ errorNum: 1500, code: 410 })
    expect(await failure(cursorRoute.post())).toEqual({ errorNum: 1600, code: 404 })
    const after = (await route().get('/current')).parsedBody as Record<string, unknown>[]
    expect(after.find((q) => q.id === mine!.id)).toBeUndefined()
  })

  it('killing an unknown query id is 404 errorNum 1591', async () => {
    expect(await failure(route().delete('/123456789'))).toEqual({ errorNum: 1591, code: 404 })
  })

  it('serves the 3.12 default properties and changes only the attributes given', async () => {
    const props = (await route().get('/properties')).parsedBody
    // with the envelope, as arangod RestQueryHandler::readQueryProperties answers (3.12 manual:
    // error and code are required attributes of the 200 answer)
    expect(props).toEqual({
      error: false,
      code: 200,
      enabled: true,
      trackSlowQueries: true,
      trackBindVars: true,
      slowQueryThreshold: 10,
      slowStreamingQueryThreshold: 10,
      maxSlowQueries: 64,
      maxQueryStringLength: 4096,
    })
    const changed = (await route().put('/properties', { slowQueryThreshold: 0, maxQueryStringLength: 8 }))
      .parsedBody
    expect(changed).toMatchObject({
      error: false,
      code: 200,
      slowQueryThreshold: 0,
      maxQueryStringLength: 8,
      maxSlowQueries: 64,
    })
    expect(await failure(route().put('/properties', { enabled: 'yes' }))).toEqual({
      errorNum: 400,
      code: 400,
    })
  })

  it('keeps queries over slowQueryThreshold in /_api/query/slow until DELETE /_api/query/slow', async () => {
    await route().put('/properties', { slowQueryThreshold: 0, trackBindVars: false })
    await (await target.db.query('RETURN @a', { a: 7 })).all()
    const slow = (await route().get('/slow')).parsedBody as Record<string, unknown>[]
    const mine = slow.find((q) => q.query === 'RETURN @a')
    expect(mine).toMatchObject({ database: target.dbName, bindVars: {}, state: 'finished', stream: false })
    expect(
      await route()
        .delete('/slow')
        .then((r) => r.parsedBody),
    ).toEqual({ error: false, code: 200 })
    expect((await route().get('/slow')).parsedBody).toEqual([])
  })
})
