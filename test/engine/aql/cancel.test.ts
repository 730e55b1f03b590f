/**
 * Every looping stage consults the query's Cancellation (src/engine/aql/cancel.ts): a query killed
 * from another thread, or past its maxRuntime, stops with ArangoDB's error 1500 "query killed"
 * (docs 3.12 "AQL query options: maxRuntime"), however long its scan, traversal, sort, COLLECT or
 * SLEEP would have run.
 */
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueryCancellation, type Cancellation } from '../../../src/engine/aql/cancel.js'
import { arangoError } from '../../../src/engine/errors.js'
import { openTestDb, type TestDb } from './helpers.js'

/** Kill `c` from a worker thread after `ms` (the query runs synchronously on this one). */
function killFromAnotherThread(c: QueryCancellation, ms: number): Worker {
  return new Worker(
    `const { workerData } = require('node:worker_threads')
     setTimeout(() => {
       const a = new Int32Array(workerData, 0, 1)
       Atomics.store(a, 0, 1)
       Atomics.notify(a, 0)
     }, ${ms})`,
    { eval: true, workerData: c.buffer },
  )
}

/** A Cancellation that kills the query at its n-th check: shows which stage's loop checks. */
function killAtCheck(n: number): Cancellation & { checks: number } {
  return {
    checks: 0,
    check() {
      if (++this.checks >= n) throw arangoError('QUERY_KILLED')
    },
    sleep() {},
  }
}

async function errorOf(p: Promise<unknown>): Promise<{ errorNum?: number; message?: string }> {
  try {
    await p
  } catch (e) {
    return e as { errorNum?: number }
  }
  throw new Error('the query was not cancelled')
}

describe('query cancellation', () => {
  let t: TestDb
  beforeAll(() => {
    t = openTestDb()
    t.store.createCollection('_system', 'docs')
    t.store.createCollection('_system', 'n')
    t.store.createCollection('_system', 'e', { type: 3 })
    t.store.transaction(() => {
      for (let i = 0; i < 5000; i++) t.store.insert('_system', 'docs', { _key: `d${i}`, i })
      // a complete graph on 6 vertices: traversals without uniqueness explode
      for (let i = 0; i < 6; i++) t.store.insert('_system', 'n', { _key: `v${i}` })
      for (let i = 0; i < 6; i++)
        for (let j = 0; j < 6; j++)
          if (i !== j) t.store.insert('_system', 'e', { _from: `n/v${i}`, _to: `n/v${j}` })
    })
  })
  afterAll(() => t.close())

  const cases: [string, string][] = [
    ['a collection scan (25 million rows)', 'FOR a IN docs FOR b IN docs RETURN 1'],
    ['a traversal', "FOR v IN 1..40 OUTBOUND 'n/v0' e RETURN 1"],
    ['a sort', 'FOR i IN 1..3000000 SORT -i RETURN i'],
    ['a COLLECT', 'FOR a IN docs FOR b IN docs COLLECT g = b.i % 7 WITH COUNT INTO c RETURN c'],
    ['SLEEP', 'RETURN SLEEP(30)'],
  ]
  for (const [what, query] of cases) {
    it(`stops ${what} killed from another thread with 1500`, async () => {
      const cancel = new QueryCancellation()
      const w = killFromAnotherThread(cancel, 150)
      const t0 = Date.now()
      const e = await errorOf(t.run(query, {}, { cancel }))
      await w.terminate()
      expect(e.errorNum).toBe(1500)
      expect(Date.now() - t0).toBeLessThan(10_000)
    })
  }

  it('stops a long scan at its maxRuntime deadline with 1500', async () => {
    const cancel = new QueryCancellation()
    cancel.setMaxRuntime(0.2)
    const e = await errorOf(t.run('FOR a IN docs FOR b IN docs RETURN 1', {}, { cancel }))
    expect(e.errorNum).toBe(1500)
  })

  it('checks inside the sort itself, not only while reading its input', async () => {
    // 200,000 rows in a scrambled order: the range and the sort's input loop check ~400 times,
    // the comparisons of the sort ~3,000 more
    const cancel = killAtCheck(1500)
    const e = await errorOf(t.run('FOR i IN 1..200000 SORT (i * 7919) % 200003 RETURN i', {}, { cancel }))
    expect(e.errorNum).toBe(1500)
    expect(cancel.checks).toBe(1500)
  })

  it('checks inside a traversal that yields nothing (expansion only)', async () => {
    const cancel = killAtCheck(3)
    const e = await errorOf(t.run("FOR v IN 30..30 OUTBOUND 'n/v0' e RETURN 1", {}, { cancel }))
    expect(e.errorNum).toBe(1500)
  })

  it('runs to the end when nobody cancels', async () => {
    const cancel = new QueryCancellation()
    expect(await t.q('FOR d IN docs COLLECT WITH COUNT INTO n RETURN n', {}, { cancel })).toEqual([5000])
  })
})
