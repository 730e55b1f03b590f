/**
 * The engine's query worker pool through arangojs over HTTP (docs/engine.md, "The query worker
 * pool"): AQL runs in worker threads, so a long query delays neither version probes, nor document
 * reads, nor other queries; stream cursors and stream transactions stay on their worker; a
 * worker that dies is replaced and what it held fails in ArangoDB's shapes.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Database } from 'arangojs'
import { isArangoError } from 'arangojs/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngineServer, type EngineServer } from '../../../src/engine/http/server.js'

async function failure(p: Promise<unknown>): Promise<{ errorNum?: number; code?: number; message?: string }> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return { errorNum: e.errorNum, code: e.code, message: e.message }
    throw e
  }
  return {}
}

interface Current {
  id: string
  query: string
}

describe('the query worker pool', () => {
  let dir: string
  let engine: EngineServer
  let db: Database
  const WORKERS = 3

  const current = async () => (await db.route('/_api/query').get('/current')).parsedBody as Current[]
  /** Resolves once `text` is listed as running in /_api/query/current. */
  const running = async (text: string): Promise<Current> => {
    for (;;) {
      const q = (await current()).find((c) => c.query === text)
      if (q) return q
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-pool-test-'))
    engine = await startEngineServer({ dataDir: dir, queryWorkers: WORKERS })
    db = new Database({ url: engine.url })
    const c = await db.createCollection('docs')
    await c.import(Array.from({ length: 200 }, (_, i) => ({ _key: `k${i}`, i })))
  })
  afterAll(async () => {
    db.close()
    await engine.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('starts the number of workers asked for', async () => {
    await engine.pool.warmUp()
    expect(engine.pool.live).toBe(WORKERS)
  })

  it('answers version probes, document reads and other queries before a long query ends', async () => {
    const done: string[] = []
    const note = (what: string) => (v: unknown) => (done.push(what), v)
    const long = (async () => (await db.query('RETURN SLEEP(1.5)')).all())().then(note('long'))
    await running('RETURN SLEEP(1.5)')
    await db.version().then(note('version'))
    await db.collection('docs').document('k7').then(note('document'))
    await (async () => (await db.query('FOR d IN docs FILTER d.i < 5 RETURN d.i')).all())().then(
      note('query'),
    )
    await long
    // in answer order: the long query ends last (before the pool, it held the one thread)
    expect(done).toEqual(['version', 'document', 'query', 'long'])
  })

  it('runs two long queries at the same time, one per worker', async () => {
    const t0 = Date.now()
    await Promise.all([1, 2].map(async (n) => (await db.query(`RETURN SLEEP(1) + ${n}`)).all()))
    // one after the other they would take 2 s at least: SLEEP holds its worker thread
    expect(Date.now() - t0).toBeLessThan(1900)
  })

  it('kills a running query by id from /_api/query/current with 1500', async () => {
    const long = 'FOR i IN 1..1000 LET s = SLEEP(0.01) RETURN i'
    const pending = failure(db.query(long))
    await db.route('/_api/query').delete(`/${(await running(long)).id}`)
    expect(await pending).toMatchObject({ errorNum: 1500, code: 410 })
  })

  it("computes a read-only stream cursor's next batch while the client reads the last one", async () => {
    // row 3 takes 1.5 s; batch 1 holds row 1 (row 2 its lookahead), batch 2 row 2 with row 3 as
    // its lookahead: computed right after batch 1 is answered, so asked 2 s later it is ready,
    // where computing it on request would take at least the 1.5 s of SLEEP
    const cursor = await db.query(
      'FOR i IN 1..3 LET s = (i == 3 ? SLEEP(1.5) : null) RETURN i',
      {},
      { stream: true, batchSize: 1 },
    )
    await new Promise((r) => setTimeout(r, 2000))
    const t0 = performance.now()
    expect(await cursor.batches.next()).toEqual([1])
    expect(await cursor.batches.next()).toEqual([2])
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(await cursor.all()).toEqual([3])
  })

  it('answers a batch read ahead with the same JSON text, in the same key order, as one computed on request', async () => {
    const post = async (p: string, body?: unknown): Promise<string> => {
      const res = await fetch(`${engine.url}${p}`, {
        method: 'POST',
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return await res.text()
    }
    const first = JSON.parse(
      await post('/_api/cursor', {
        query: 'FOR d IN docs SORT d.i LIMIT 6 RETURN {i: d.i, s: CONCAT("é\\"", d._key), n: null}',
        batchSize: 2,
        options: { stream: true },
      }),
    ) as { id: string }
    await new Promise((r) => setTimeout(r, 200)) // the read-ahead runs meanwhile
    const text = await post(`/_api/cursor/${first.id}`)
    const parsed = JSON.parse(text) as Record<string, unknown>
    // what JSON.stringify of the body object gives: nothing spliced twice or out of order
    expect(text).toBe(JSON.stringify(parsed))
    expect(Object.keys(parsed).slice(0, 3)).toEqual(['result', 'hasMore', 'id'])
    expect(parsed).toMatchObject({
      result: [
        { i: 2, s: 'é"k2', n: null },
        { i: 3, s: 'é"k3', n: null },
      ],
      hasMore: true,
      nextBatchId: '3',
      error: false,
      code: 200,
    })
    await fetch(`${engine.url}/_api/cursor/${first.id}`, { method: 'DELETE' })
  })

  it('reports the kill of a stream query caught while computing its next batch ahead: 1500, then 1600', async () => {
    const text = 'FOR i IN 1..3 LET s = (i == 3 ? SLEEP(30) : null) RETURN i'
    const cursor = await db.query(text, {}, { stream: true, batchSize: 1 })
    // batch 2's lookahead (row 3) sleeps in the worker now; the kill reaches it there
    await db.route('/_api/query').delete(`/${(await running(text)).id}`)
    const next = (batchId: number) => db.route(`/_api/cursor/${cursor.id}`).post(`/${batchId}`)
    expect(await failure(next(2))).toMatchObject({ errorNum: 1500, code: 410 })
    expect(await failure(next(3))).toMatchObject({ errorNum: 1600, code: 404 })
  })

  it('lets a document write wait for a long modification query without blocking reads meanwhile', async () => {
    await db.createCollection('writes')
    const long = 'FOR i IN 1..40 LET s = SLEEP(0.025) INSERT {i} INTO writes'
    const pending = db.query(long)
    await running(long)
    const write = db.collection('writes').save({ _key: 'single' })
    // the HTTP thread is not stuck in SQLite's busy timeout: reads are answered while both wait
    expect((await db.version()).server).toBe('arango')
    expect((await db.collection('docs').document('k3')).i).toBe(3)
    expect((await current()).map((c) => c.query)).toContain(long)
    await pending
    await write
    expect(await db.collection('writes').count()).toMatchObject({ count: 41 })
  })

  it('keeps stream cursors on their worker: interleaved batches of many cursors stay consistent', async () => {
    const cursors = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        db.query(
          'FOR d IN docs FILTER d.i % 6 == @n SORT d.i RETURN d.i',
          { n },
          { stream: true, batchSize: 5 },
        ),
      ),
    )
    const seen: number[][] = cursors.map(() => [])
    // one batch of each cursor in turn, so consecutive requests go to different workers
    for (let more = true; more;) {
      more = false
      for (const [n, c] of cursors.entries()) {
        if (!c.batches.hasNext) continue
        seen[n]!.push(...(await c.batches.next())!)
        more ||= c.batches.hasNext
      }
    }
    for (const [n, rows] of seen.entries()) {
      expect(rows).toEqual(Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 6 === n))
    }
    expect(engine.pool.cursorsActive).toBe(0)
  })

  it('shows AQL inside a stream transaction its own writes, and nobody else before the commit', async () => {
    const trx = await db.beginTransaction({ write: ['docs'] })
    await trx.step(() => db.collection('docs').save({ _key: 'trx1', i: 1000 }))
    const count = 'FOR d IN docs FILTER d.i >= 1000 COLLECT WITH COUNT INTO n RETURN n'
    expect(await trx.step(async () => (await db.query(count)).all())).toEqual([1])
    expect(await (await db.query(count)).all()).toEqual([0])
    expect((await trx.commit()).status).toBe('committed')
    expect(await (await db.query(count)).all()).toEqual([1])
  })

  it('lists a query inside a stream transaction in /_api/query/current and kills it (1500)', async () => {
    const trx = await db.beginTransaction({ read: ['docs'] })
    const long = 'FOR i IN 1..1000 LET s = SLEEP(0.01) RETURN i'
    const inTrx = failure(trx.step(() => db.query(long)))
    await db.route('/_api/query').delete(`/${(await running(long)).id}`)
    expect(await inTrx).toMatchObject({ errorNum: 1500, code: 410 })
    await trx.abort()
  })

  it('answers 1600 (not 500) for the next batch of a cursor whose transaction was committed', async () => {
    const trx = await db.beginTransaction({ read: ['docs'] })
    const cursor = await trx.step(() =>
      db.query('FOR d IN docs RETURN d.i', {}, { batchSize: 2, stream: true }),
    )
    await cursor.batches.next()
    await trx.commit()
    expect(await failure(cursor.batches.next())).toMatchObject({ errorNum: 1600, code: 404 })
  })

  it('never answers 500 when a commit races the queries and batches of its own cursors', async () => {
    for (let round = 0; round < 5; round++) {
      const trx = await db.beginTransaction({ read: ['docs'] })
      const q = 'FOR d IN docs RETURN d.i'
      const cursor = await trx.step(() => db.query(q, {}, { batchSize: 1, stream: true }))
      const outcomes = await Promise.all([
        failure(cursor.batches.next().then(() => cursor.batches.next())),
        failure(trx.step(() => db.query(q, {}, { batchSize: 1, stream: true }))),
        failure(trx.commit()),
      ])
      for (const o of outcomes) expect(o.code ?? 200).not.toBe(500)
    }
  })

  it('replaces a worker that dies: its queries answer 1500, its cursors 1600, and the server keeps serving', async () => {
    const long = 'FOR i IN 1..1000 LET s = SLEEP(0.01) RETURN i'
    const pending = failure(db.query(long))
    const q = await running(long)
    const cursor = await db.query('FOR d IN docs RETURN d', {}, { batchSize: 2, stream: true })
    const trx = await db.beginTransaction({ read: ['docs'] })
    for (let i = 0; i < WORKERS; i++) await engine.pool.terminateWorker(i)
    expect(await pending).toMatchObject({ errorNum: 1500, code: 410 })
    await cursor.batches.next()
    expect(await failure(cursor.batches.next())).toMatchObject({ errorNum: 1600, code: 404 })
    expect(await failure(trx.commit())).toMatchObject({ errorNum: 1655, code: 404 })
    expect((await current()).map((c) => c.id)).not.toContain(q.id)
    expect((await db.version()).server).toBe('arango')
    expect(await (await db.query('FOR d IN docs FILTER d.i < 3 RETURN d.i')).all()).toEqual([0, 1, 2])
    await engine.pool.warmUp()
    expect(engine.pool.live).toBe(WORKERS)
  })
})
