/**
 * Every function, fed arguments of every AQL type within its arity, either answers an AQL value
 * (no undefined, NaN or Infinity anywhere) or fails with an ArangoError - never a JavaScript
 * exception. Arguments come from a seeded generator so failures reproduce.
 */
import { describe, expect, it } from 'vitest'
import { ArangoError } from '../../../../src/engine/errors.js'
import { FUNCTIONS } from '../../../../src/engine/aql/functions/index.js'
import type { AqlValue } from '../../../../src/engine/aql/values.js'
import { call } from './call.js'

const SAMPLES: AqlValue[] = [
  null,
  true,
  false,
  0,
  -1.5,
  3,
  1e300,
  '',
  'abc',
  '2020-02-29T12:34:56Z',
  'Europe/Berlin',
  'days',
  '🥑',
  [],
  [1, 'a', null],
  [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 0],
  ],
  {},
  { a: 1, _id: 'c/k', type: 'Point', coordinates: [1, 2] },
]
// need a store, block, or are random by design
const SKIP = new Set(['DOCUMENT', 'COLLECTION_COUNT', 'COLLECTIONS', 'SCHEMA_GET', 'SLEEP', 'FAIL', 'ASSERT'])

function isAqlValue(v: unknown): boolean {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true
  if (typeof v === 'number') return Number.isFinite(v)
  if (Array.isArray(v)) return v.every(isAqlValue)
  if (typeof v === 'object') return Object.values(v as object).every(isAqlValue)
  return false
}

let seed = 42
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed % n
}

describe('robustness over argument types', () => {
  it('answers an AQL value or an ArangoError for every function and argument mix', () => {
    let calls = 0
    for (const [name, def] of Object.entries(FUNCTIONS)) {
      if (SKIP.has(name)) continue
      const maxArgs = Math.min(def.maxArgs, def.minArgs + 3)
      for (let round = 0; round < 60; round++) {
        const n = def.minArgs + rand(maxArgs - def.minArgs + 1)
        const args = Array.from({ length: n }, () => structuredClone(SAMPLES[rand(SAMPLES.length)]!))
        try {
          const { value } = call(name, ...args)
          expect(isAqlValue(value), `${name}(${JSON.stringify(args)}) = ${String(value)}`).toBe(true)
        } catch (err) {
          // RANGE of huge spans, REPLACE_NTH gaps and the like fail the query on purpose
          expect(err instanceof ArangoError, `${name}(${JSON.stringify(args)}) threw ${String(err)}`).toBe(
            true,
          )
        }
        calls++
      }
    }
    expect(calls).toBeGreaterThan(10_000)
  })
})
