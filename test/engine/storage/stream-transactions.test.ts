/**
 * The storage side of stream transactions: a connection holding a transaction across calls, the
 * in-process write gate, and the manager's states and errors (arangod transaction/Manager.cpp).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ArangoError } from '../../../src/engine/errors.js'
import { errNum } from '../../helpers/arango-error.js'
import { RevisionClock } from '../../../src/engine/storage/keys.js'
import { LocalLockBusy, SqliteStore } from '../../../src/engine/storage/sqlite-store.js'
import {
  TransactionManager,
  WriteGate,
  parseBeginBody,
} from '../../../src/engine/storage/stream-transactions.js'

describe('WriteGate', () => {
  it('grants the lock in order and times out a waiter with error 18', async () => {
    const gate = new WriteGate()
    await gate.acquire('a', 0)
    expect(gate.held).toBe(true)
    const order: string[] = []
    const b = gate.acquire('b', 0).then(() => order.push('b'))
    const late = gate.acquire('c', 50)
    await expect(late).rejects.toMatchObject({ errorNum: 18 })
    const free = gate.waitFree(0).then(() => order.push('free'))
    gate.release('a')
    await Promise.all([b, free])
    // requests outside transactions run before the next transaction takes the lock
    expect(order).toEqual(['free', 'b'])
    expect(gate.held).toBe(true)
    gate.release('b')
    expect(gate.held).toBe(false)
  })
})

describe('stream transactions in storage', () => {
  let dir: string
  let gate: WriteGate
  let main: SqliteStore
  let trx: TransactionManager

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-strx-'))
    gate = new WriteGate()
    const clock = new RevisionClock()
    main = new SqliteStore(dir, { clock, lockHeldElsewhere: () => gate.held })
    main.createCollection('_system', 'c')
    trx = new TransactionManager(main, { dataDir: dir, clock, gate, idleTimeoutSeconds: 0 })
  })
  afterEach(() => {
    trx.closeAll()
    main.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('parses begin bodies as ArangoDB accepts them (string or array; allowImplicit default true)', () => {
    const o = parseBeginBody({ collections: { write: 'c', read: ['a', 'b'] }, lockTimeout: 2 })
    expect(o).toMatchObject({
      write: ['c'],
      read: ['a', 'b'],
      exclusive: [],
      allowImplicit: true,
      lockTimeoutMs: 2000,
    })
    expect(parseBeginBody({ collections: {}, allowImplicit: false }).allowImplicit).toBe(false)
    expect(() => parseBeginBody({})).toThrow(ArangoError)
    expect(() => parseBeginBody({ collections: { write: [1] } })).toThrow(/collections.write/)
    expect(() => parseBeginBody({ collections: {}, lockTimeout: -1 })).toThrow(/lockTimeout/)
  })

  it('keeps writes on the transaction connection until commit; other writes fail fast with LocalLockBusy', async () => {
    const t = await trx.begin('_system', parseBeginBody({ collections: { write: 'c' } }))
    const s = trx.lease('_system', t.id)
    s.insert('_system', 'c', { _key: 'a' })
    expect(s.get('_system', 'c', 'a')).toBeDefined()
    expect(main.get('_system', 'c', 'a')).toBeUndefined()
    expect(() => main.insert('_system', 'c', { _key: 'b' })).toThrow(LocalLockBusy)
    expect(main.count('_system', 'c')).toBe(0)
    expect(trx.end('_system', t.id, 'committed')).toBe('committed')
    expect(main.get('_system', 'c', 'a')).toBeDefined()
    main.insert('_system', 'c', { _key: 'b' })
    expect(main.count('_system', 'c')).toBe(2)
  })

  it('waits for another process’s write lock without blocking the event loop, then 18', async () => {
    // a second connection holding the write lock stands for another process on the data dir
    const otherProcess = new SqliteStore(dir, { attach: true })
    otherProcess.beginStream(true)
    let ticks = 0
    const timer = setInterval(() => ticks++, 10)
    try {
      const begin = trx.begin('_system', parseBeginBody({ collections: { write: 'c' }, lockTimeout: 0.3 }))
      await expect(begin).rejects.toMatchObject({ errorNum: 18 })
      expect(ticks).toBeGreaterThan(5)
      expect(gate.held).toBe(false)
    } finally {
      clearInterval(timer)
      otherProcess.abortStream()
      otherProcess.close()
    }
    const t = await trx.begin('_system', parseBeginBody({ collections: { write: 'c' } }))
    trx.end('_system', t.id, 'committed')
  })

  it('undoes a failing operation alone (savepoint), the rest of the transaction stays', async () => {
    const t = await trx.begin('_system', parseBeginBody({ collections: { write: 'c' } }))
    const s = trx.lease('_system', t.id)
    s.insert('_system', 'c', { _key: 'a' })
    expect(errNum(() => s.insert('_system', 'c', { _key: 'a' }))).toBe(1210)
    s.insert('_system', 'c', { _key: 'b' })
    trx.end('_system', t.id, 'committed')
    expect(main.count('_system', 'c')).toBe(2)
  })

  it('continues generated keys across the transaction and later writes', async () => {
    main.insert('_system', 'c', {})
    const t = await trx.begin('_system', parseBeginBody({ collections: { write: 'c' } }))
    const k = trx.lease('_system', t.id).insert('_system', 'c', {})._key
    trx.end('_system', t.id, 'committed')
    const after = main.insert('_system', 'c', {})._key
    expect(Number(after)).toBeGreaterThan(Number(k))
  })

  it('gives a read-only transaction a snapshot: later commits stay invisible to it', async () => {
    main.insert('_system', 'c', { _key: 'a' })
    const t = await trx.begin('_system', parseBeginBody({ collections: { read: 'c' } }))
    const s = trx.lease('_system', t.id)
    main.insert('_system', 'c', { _key: 'b' }) // a read-only transaction takes no write lock
    expect(s.count('_system', 'c')).toBe(1)
    expect(errNum(() => s.insert('_system', 'c', {}))).toBe(1652)
    trx.end('_system', t.id, 'aborted')
  })

  it('commits waitForSync transactions fsynced; reuses a finished transaction’s connection: it sees later schema changes and keys of others, a synced commit leaves it unsynced, a size-limited one is not kept', async () => {
    const begin = (o: Record<string, unknown>) =>
      trx.begin('_system', parseBeginBody({ collections: { write: 'c' }, ...o }))
    // waitForSync: synchronous=FULL (2) for this transaction; SQLite refuses to change it inside
    // one, which made every waitForSync commit fail before
    const t1 = await begin({ waitForSync: true })
    const s1 = trx.lease('_system', t1.id)
    expect(s1.db.pragma('synchronous', { simple: true })).toBe(2)
    s1.insert('_system', 'c', {})
    expect(trx.end('_system', t1.id, 'committed')).toBe('committed')
    expect(main.count('_system', 'c')).toBe(1)
    // the same connection again, back to synchronous=NORMAL (1) after the synced commit
    const t2 = await begin({})
    const s2 = trx.lease('_system', t2.id)
    expect(s2).toBe(s1)
    expect(s2.db.pragma('synchronous', { simple: true })).toBe(1)
    trx.end('_system', t2.id, 'aborted')
    main.createCollection('_system', 'later')
    main.insert('_system', 'c', {})
    const t3 = await trx.begin('_system', parseBeginBody({ collections: { write: ['c', 'later'] } }))
    const s3 = trx.lease('_system', t3.id)
    expect(s3).toBe(s1)
    s3.insert('_system', 'later', { _key: 'x' })
    // generated keys continue after the main connection's
    const k = Number(s3.insert('_system', 'c', {})._key)
    trx.end('_system', t3.id, 'committed')
    expect(main.get('_system', 'later', 'x')).toBeDefined()
    expect(k).toBe(Number(main.lastKeyValue('_system', 'c')))
    expect(main.count('_system', 'c')).toBe(3)
    const t4 = await begin({ maxTransactionSize: 100 })
    const s4 = trx.lease('_system', t4.id)
    expect(errNum(() => s4.insert('_system', 'c', { big: 'x'.repeat(200) }))).toBe(32)
    trx.end('_system', t4.id, 'committed')
    const t5 = await begin({})
    const s5 = trx.lease('_system', t5.id)
    expect(s5).not.toBe(s4)
    s5.insert('_system', 'c', { big: 'x'.repeat(200) })
    trx.end('_system', t5.id, 'committed')
  })

  it('answers states and errors as arangod: 1655, 1654, 1653, idempotent commit/abort', async () => {
    expect(errNum(() => trx.status('_system', '1'))).toBe(1655)
    const t = await trx.begin('_system', parseBeginBody({ collections: { write: 'c' } }))
    expect(errNum(() => trx.status('other', t.id))).toBe(1655)
    trx.end('_system', t.id, 'aborted')
    expect(trx.status('_system', t.id)).toBe('aborted')
    expect(errNum(() => trx.lease('_system', t.id))).toBe(1654)
    expect(errNum(() => trx.end('_system', t.id, 'committed'))).toBe(1653)
    expect(trx.end('_system', t.id, 'aborted')).toBe('aborted')
    expect(gate.held).toBe(false)
    expect(trx.counts).toMatchObject({ started: 1, aborted: 1, committed: 0 })
  })
})
