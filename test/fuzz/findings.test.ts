/**
 * The findings of the fuzzing run (test/fuzz/), each kept as the query that found it, with the
 * answer ArangoDB 3.12 gives. (The nesting and plan-size limits have their own file,
 * test/engine/aql/limits.test.ts.)
 */
import { afterAll, describe, expect, it } from 'vitest'
import { ArangoError } from '../../src/engine/errors.js'
import { openTestDb } from '../engine/aql/helpers.js'

const db = openTestDb()
afterAll(() => db.close())

async function failure(q: string): Promise<ArangoError> {
  try {
    await db.q(q)
  } catch (e) {
    if (e instanceof ArangoError) return e
    throw e
  }
  throw new Error(`expected ${q} to fail`)
}

describe('fuzzing findings', () => {
  // ran the heap out of memory (the process died): `..` materialized any range; arangod refuses
  // ranges over 10 million values (Range::throwIfTooBigForMaterialization) with 1504, as RANGE() here did
  it('LET y = 1 RETURN NOT (y .. 4.2e218): 1504 "range is too big to be materialized"', async () => {
    const e = await failure('LET y = 1 RETURN NOT (y .. 4.211298952085477e+218)')
    expect(e.errorNum).toBe(1504)
    expect(e.message).toMatch(/too big to be materialized/)
  })

  it('a small range still materializes: LENGTH(1..10) = 10', async () => {
    expect(await db.q('RETURN LENGTH(1..10)')).toEqual([10])
  })

  // the lexer looped forever (pushing empty names until the heap ran out) on a `$` not followed
  // by a letter; ArangoDB's tokens.ll reads names as `$?[a-zA-Z][_a-zA-Z0-9]*`
  it("'A13B$5f' and a lone '$' are 1501 unexpected character; $name stays a name", async () => {
    for (const q of ['A13B$5f', 'RETURN $', 'RETURN $5']) {
      const e = await failure(q)
      expect(e.errorNum).toBe(1501)
      expect(e.message).toMatch(/unexpected character '\$'/)
    }
    expect(await db.q('LET $a = 1 RETURN $a')).toEqual([1])
  })

  it('FOR i IN 1..1e18 stays lazy (no materialization) and LIMIT ends it', async () => {
    expect(await db.q('FOR i IN 1..1e18 LIMIT 3 RETURN i')).toEqual([1, 2, 3])
  })
})
