/**
 * Stream transactions through arangojs 10, several clients at once, as ArangoDB 3.12 has them
 * (manual: develop/http-api/transactions/stream-transactions; error numbers from errors.dat,
 * messages from arangod transaction/Manager.cpp).
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { Database } from 'arangojs'
import { isArangoError } from 'arangojs/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEngineServer, type EngineServer } from '../../../src/engine/http/server.js'
import { useTestTarget } from '../../helpers/target.js'

async function failure(p: Promise<unknown>): Promise<{ errorNum?: number; code?: number; message: string }> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return { errorNum: e.errorNum, code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected the request to fail')
}

/** Settles within `ms`? (true when it did). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let done = false
  void p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setTimeout(r, ms))
  return done
}

describe('stream transactions through arangojs', () => {
  const target = useTestTarget({ scope: 'test' })
  /** A second client with its own connection, as another process would be. */
  const other = () =>
    new Database({
      url: target.url,
      databaseName: target.dbName,
      auth: { username: target.username, password: target.password ?? '' },
    })

  it('shows a transaction its own writes, nobody else until commit', async () => {
    const col = await target.db.createCollection('c')
    const trx = await target.db.beginTransaction({ write: ['c'] })
    expect((await trx.get()).status).toBe('running')
    const saved = await trx.step(() => col.save({ _key: 'a', v: 1 }))
    expect(saved._key).toBe('a')
    expect((await trx.step(() => col.document('a'))).v).toBe(1)
    expect(await trx.step(() => col.count()).then((c) => c.count)).toBe(1)
    const inside = await trx.step(() => target.db.query('FOR d IN c RETURN d.v'))
    expect(await inside.all()).toEqual([1])

    const b = other().collection('c')
    expect(await b.documentExists('a')).toBe(false)
    expect((await b.count()).count).toBe(0)
    expect(await (await other().query('FOR d IN c RETURN d')).all()).toEqual([])

    expect((await trx.commit()).status).toBe('committed')
    expect((await trx.get()).status).toBe('committed')
    expect((await b.document('a')).v).toBe(1)
  })

  it('leaves nothing of an aborted transaction, and refuses to use it afterwards (1654)', async () => {
    const col = await target.db.createCollection('c')
    await col.save({ _key: 'keep', v: 0 })
    const trx = await target.db.beginTransaction({ write: 'c' })
    await trx.step(() => col.save({ _key: 'gone' }))
    await trx.step(() => col.update('keep', { v: 1 }))
    await trx.step(() => col.saveAll([{ _key: 'i1' }, { _key: 'i2' }]))
    await trx.step(() => target.db.query('FOR i IN 1..5 INSERT {i} INTO c'))
    expect((await trx.step(() => col.count())).count).toBe(9)
    expect((await trx.abort()).status).toBe('aborted')
    expect((await col.count()).count).toBe(1)
    expect((await col.document('keep')).v).toBe(0)
    const late = await failure(trx.step(() => col.save({ _key: 'late' })))
    expect(late).toMatchObject({ errorNum: 1654, code: 410 })
    // commit after abort: 1653 "transaction was already aborted"; aborting again is no error
    expect(await failure(trx.commit())).toMatchObject({
      errorNum: 1653,
      message: 'transaction was already aborted',
    })
    expect((await trx.abort()).status).toBe('aborted')
  })

  it('lists running transactions per database and answers 1655 for unknown ones', async () => {
    await target.db.createCollection('c')
    // arangojs' listTransactions() asks _system (no database prefix); ArangoDB lists per database
    const list = async () =>
      (await target.db.request({ pathname: '/_api/transaction' }, (res) => res.parsedBody)) as {
        transactions: { id: string; state: string }[]
      }
    const t1 = await target.db.beginTransaction({ read: 'c' })
    const t2 = await target.db.beginTransaction({ read: 'c' })
    const ids = (await list()).transactions.map((t) => t.id).sort()
    expect(ids).toEqual([t1.id, t2.id].sort())
    expect((await list()).transactions[0]!.state).toBe('running')
    expect((await target.system.listTransactions()).map((t) => t.id)).not.toContain(t1.id)
    await t1.commit()
    expect((await list()).transactions.map((t) => t.id)).toEqual([t2.id])
    await t2.abort()
    expect(await failure(target.db.transaction('12345').get())).toMatchObject({ errorNum: 1655, code: 404 })
    expect(await failure(target.db.transaction('12345').commit())).toMatchObject({
      errorNum: 1655,
      message: 'transaction 12345 not found on commit operation',
    })
    const ghost = target.db.transaction('12345')
    expect(await failure(ghost.step(() => target.db.collection('c').save({})))).toMatchObject({
      errorNum: 1655,
    })
  })

  it('checks declared collections: 1652 for writes to read ones and reads without allowImplicit', async () => {
    const c = await target.db.createCollection('c')
    const d = await target.db.createCollection('d')
    expect(await failure(target.db.beginTransaction({ write: 'nope' }))).toMatchObject({ errorNum: 1203 })
    const trx = await target.db.beginTransaction({ read: 'c' }, { allowImplicit: false })
    expect(await failure(trx.step(() => c.save({})))).toMatchObject({ errorNum: 1652, code: 400 })
    expect(await failure(trx.step(() => d.count()))).toMatchObject({ errorNum: 1652 })
    expect((await trx.step(() => c.count())).count).toBe(0)
    await trx.abort()
    const implicit = await target.db.beginTransaction({ read: 'c' })
    expect((await implicit.step(() => d.count())).count).toBe(0)
    await implicit.commit()
  })

  it('never blocks readers; other writers wait for the commit', async () => {
    const col = await target.db.createCollection('c')
    await col.save({ _key: 'x', v: 0 })
    const trx = await target.db.beginTransaction({ exclusive: 'c' })
    await trx.step(() => col.update('x', { v: 1 }))
    const b = other()
    const started = Date.now()
    expect((await b.collection('c').document('x')).v).toBe(0)
    expect(await (await b.query('FOR d IN c RETURN d.v')).all()).toEqual([0])
    expect(Date.now() - started).toBeLessThan(1000)
    // a write outside the transaction waits for its lock...
    const write = b.collection('c').save({ _key: 'y' })
    expect(await settlesWithin(write, 300)).toBe(false)
    // ...while the transaction's own requests go on
    await trx.step(() => col.save({ _key: 'z' }))
    await trx.commit()
    await write
    expect((await col.count()).count).toBe(3)
    expect((await col.document('x')).v).toBe(1)
  })

  it('times out waiting for another transaction’s write lock with error 18', async () => {
    await target.db.createCollection('c')
    const t1 = await target.db.beginTransaction({ write: 'c' })
    const t2 = other().beginTransaction({ write: 'c' }, { lockTimeout: 0.2 })
    expect(await failure(t2)).toMatchObject({ errorNum: 18 })
    // a queued transaction gets the lock when the first one ends
    const t3 = other().beginTransaction({ write: 'c' }, { lockTimeout: 5 })
    expect(await settlesWithin(t3, 200)).toBe(false)
    await t1.commit()
    await (await t3).commit()
  })

  it('runs batch document requests (saveAll, updateAll, removeAll, documents) inside the transaction', async () => {
    const col = await target.db.createCollection('c')
    const trx = await target.db.beginTransaction({ write: ['c'] })
    await trx.step(() => col.saveAll([{ _key: 'a' }, { _key: 'b' }, { _key: 'c' }]))
    await trx.step(() =>
      col.updateAll([
        { _key: 'a', v: 1 },
        { _key: 'b', v: 2 },
      ]),
    )
    await trx.step(() => col.removeAll(['c']))
    const inside = await trx.step(() => col.documents(['a', 'b']))
    expect(inside.map((d) => d.v)).toEqual([1, 2])
    expect((await other().collection('c').count()).count).toBe(0)
    await trx.commit()
    expect((await col.count()).count).toBe(2)
  })

  it('runs /_api/import outside the transaction, as arangod does (the header is ignored there)', async () => {
    // arangod's RestImportHandler opens a transaction of its own for every request; the 3.12
    // manual's list of APIs that honour x-arango-trx-id has no import (arangodb issue #11157)
    const col = await target.db.createCollection('c')
    const trx = await target.db.beginTransaction({ read: ['c'] })
    const res = await trx.step(() => col.import([{ _key: 'i1' }, { _key: 'i2' }]))
    expect(res).toMatchObject({ created: 2, errors: 0 })
    // committed at once: another client sees it before the transaction ends, and it outlives the abort
    expect((await other().collection('c').count()).count).toBe(2)
    expect((await trx.abort()).status).toBe('aborted')
    expect((await col.count()).count).toBe(2)
  })

  it('keeps a cursor created in a transaction on the transaction for later batches', async () => {
    const col = await target.db.createCollection('c')
    const trx = await target.db.beginTransaction({ write: 'c' })
    await trx.step(() => col.saveAll(Array.from({ length: 10 }, (_, i) => ({ i }))))
    const cursor = await trx.step(() =>
      target.db.query('FOR d IN c SORT d.i RETURN d.i', {}, { batchSize: 3 }),
    )
    expect(await cursor.all()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    await trx.commit()
  })

  it('answers JavaScript transactions with a 501 naming the feature', async () => {
    await target.db.createCollection('c')
    const f = await failure(target.db.executeTransaction({ write: 'c' }, 'function () { return 1 }'))
    expect(f).toMatchObject({ errorNum: 9, code: 501 })
    expect(f.message).toContain('JavaScript transactions')
  })
})

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('the streaming idle timeout', () => {
  let dir: string
  let engine: EngineServer
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-trx-'))
    engine = await startEngineServer({ dataDir: dir, streamingIdleTimeoutSeconds: 0.3 })
  })
  afterAll(async () => {
    await engine.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('aborts a transaction left idle longer than the timeout (and frees its lock)', async () => {
    const db = new Database({ url: engine.url })
    const col = await db.createCollection('idle')
    const trx = await db.beginTransaction({ write: 'idle' })
    await trx.step(() => col.save({ _key: 'a' }))
    await new Promise((r) => setTimeout(r, 700))
    expect((await trx.get()).status).toBe('aborted')
    expect(await col.documentExists('a')).toBe(false)
    expect(await failure(trx.commit())).toMatchObject({
      errorNum: 1653,
      message: 'transaction was already expired',
    })
    await col.save({ _key: 'b' }) // not blocked by the aborted transaction
    expect((await col.count()).count).toBe(1)
  })
})

describe.skipIf(!!process.env.TEST_ARANGODB_URL)('a begin whose client is gone', () => {
  let dir: string
  let engine: EngineServer
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-trx-'))
    engine = await startEngineServer({ dataDir: dir })
  })
  afterAll(async () => {
    await engine.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('is aborted once it gets the write lock, instead of holding it until the idle timeout (60 s)', async () => {
    const db = new Database({ url: engine.url })
    await db.createCollection('w')
    const first = await db.beginTransaction({ write: 'w' })
    // a second writer's begin waits for the lock; its client goes away meanwhile (a consumer
    // killed with kill -9 while it waited)
    const waiting = http.request(`${engine.url}/_api/transaction/begin`, { method: 'POST' })
    waiting.on('error', () => undefined)
    waiting.end(JSON.stringify({ collections: { write: ['w'] } }))
    await new Promise((r) => setTimeout(r, 300))
    waiting.destroy()
    await new Promise((r) => setTimeout(r, 100))
    await first.abort()
    // the lock comes free at once: the orphan got it, and was aborted (without the abort, a
    // third writer would wait for the orphan's idle timeout and fail with lock timeout, 18)
    const t0 = Date.now()
    const third = await db.beginTransaction({ write: 'w' }, { lockTimeout: 10 })
    expect(Date.now() - t0).toBeLessThan(5000)
    const running = (await db.listTransactions()).filter((t) => t.state === 'running').map((t) => t.id)
    expect(running).toEqual([third.id])
    await third.abort()
  })
})
