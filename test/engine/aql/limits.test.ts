/**
 * ArangoDB 3.12's complexity limits (manual, "Known limitations for AQL queries"; arangod's
 * tests/Aql/QueryLimitsTest.cpp): expressions nest at most 500 levels and the initial plan has at
 * most 4000 nodes; past either the query fails with 1524 "too much nesting or too many objects".
 * Below them the engine must answer - these shapes used to overflow the JavaScript stack
 * (errorNum 4 "Maximum call stack size exceeded") found by the fuzzing run (test/fuzz/).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { ArangoError } from '../../../src/engine/errors.js'
import { openTestDb } from './helpers.js'

const db = openTestDb()
afterAll(() => db.close())

async function errorNum(q: string): Promise<number | undefined> {
  try {
    await db.q(q)
    return undefined
  } catch (e) {
    if (!(e instanceof ArangoError)) throw e
    return e.errorNum
  }
}

const sum = (n: number) => 'RETURN 0' + Array.from({ length: n }, (_, i) => ` + ${i + 1}`).join('')
const filters = (n: number) => "LET x = NOOPT('testi') " + 'FILTER x '.repeat(n) + 'RETURN 1'

describe('query complexity limits', () => {
  it('RETURN 0 + 1 + … + 498 is within the 500 levels (QueryLimitsTest testDeepRecursion: 124251)', async () => {
    expect(await db.q(sum(498))).toEqual([124251])
  })

  it('RETURN 0 + 1 + … + 500 is 1524 (testTooDeepRecursion)', async () => {
    expect(await errorNum(sum(500))).toBe(1524)
  })

  it('4000 FILTERs after a LET are more than 4000 plan nodes: 1524 (testTooManyNodes)', async () => {
    expect(await errorNum(filters(4000))).toBe(1524)
  })

  it('1990 FILTERs (calculation + filter each, under 4000 nodes) run and keep the row', async () => {
    expect(await db.q('FOR i IN 1..3 ' + 'FILTER i > 1 '.repeat(1990) + 'RETURN i')).toEqual([2, 3])
  })

  it('1500 LETs run (one calculation node each)', async () => {
    const lets = Array.from({ length: 1500 }, (_, k) => `LET v${k + 1} = v${k} + 1`).join(' ')
    expect(await db.q(`LET v0 = 0 ${lets} RETURN v1500`)).toEqual([1500])
  })

  // 2500 SORT stages overflowed the stack before chains were cut into segments of 256 stages
  it('1200 SORTs, LIMITs, COLLECTs or FORs over a variable run (stage chains past 256 are segmented)', async () => {
    const n = 1200
    expect(await db.q('FOR i IN 1..3 ' + 'SORT i DESC '.repeat(n) + 'RETURN i')).toEqual([3, 2, 1])
    expect(await db.q('FOR i IN 1..3 ' + 'LIMIT 2 '.repeat(n) + 'RETURN i')).toEqual([1, 2])
    const collects = Array.from({ length: n }, (_, k) => `COLLECT v${k + 1} = v${k}`).join(' ')
    expect(await db.q(`FOR v0 IN [1, 1, 2] ${collects} RETURN v${n}`)).toEqual([1, 2])
    const fors = Array.from({ length: n }, (_, k) => `FOR v${k} IN a`).join(' ')
    expect(await db.q(`LET a = [1] ${fors} RETURN 1`)).toEqual([1])
  })

  it('nesting past 500 levels is 1524 for parentheses, arrays, objects, calls, NOT, attributes', async () => {
    const deep = 5000
    for (const q of [
      'RETURN ' + '('.repeat(deep) + '1' + ')'.repeat(deep),
      'RETURN ' + '['.repeat(deep) + '1' + ']'.repeat(deep),
      'RETURN ' + '{a:'.repeat(deep) + '1' + '}'.repeat(deep),
      'RETURN ' + 'ABS('.repeat(deep) + '1' + ')'.repeat(deep),
      'RETURN ' + 'NOT '.repeat(deep) + 'true',
      'LET a = {} RETURN a' + '.b'.repeat(deep),
      'RETURN ' + '(FOR x IN 1..1 RETURN '.repeat(deep) + '1' + ')'.repeat(deep),
      'FOR i IN 1..3 FILTER ' + Array(deep).fill('i > 0').join(' AND ') + ' RETURN i',
      'FOR i IN 1..3 FILTER ' + Array(deep).fill('i < 0').join(' OR ') + ' RETURN i',
    ]) {
      expect(await errorNum(q), q.slice(0, 40)).toBe(1524)
    }
  })

  it('450 levels of parentheses, arrays and objects still answer', async () => {
    const n = 450
    expect(await db.q('RETURN ' + '('.repeat(n) + '1' + ')'.repeat(n))).toEqual([1])
    const arr = (await db.q('RETURN ' + '['.repeat(n) + '1' + ']'.repeat(n)))[0]
    expect(JSON.stringify(arr)).toBe('['.repeat(n) + '1' + ']'.repeat(n))
  })
})
