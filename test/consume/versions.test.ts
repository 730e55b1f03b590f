/**
 * Version text (event time, message id, record index): its plain string order is the order the
 * ordered consumer applies records in, and format 1's text converts to the same value.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { fromV1Version, version } from '../../src/consume/versions.js'
import { versionV1 } from './legacy-v1.js'

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const eventTime = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2 ** 53 - 1 }))
const numericId = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }).map(String),
  fc.integer({ min: 0, max: 1000 }).map(String),
)
const index = fc.integer({ min: 0, max: 99_999_999 })

describe('version text', () => {
  it('orders by event time, then numeric message id, then record index', () => {
    fc.assert(
      fc.property(eventTime, numericId, index, eventTime, numericId, index, (t1, m1, i1, t2, m2, i2) => {
        const want = Math.sign(t1 - t2) || Math.sign(Number(BigInt(m1) - BigInt(m2))) || Math.sign(i1 - i2)
        expect(cmp(version(t1, m1, i1), version(t2, m2, i2))).toBe(want)
      }),
      { numRuns: 2000 },
    )
  })

  it('orders as format 1 did, and format 1 text converts to the same version', () => {
    const id = fc.oneof(
      numericId,
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^\d+$/.test(s)),
    )
    fc.assert(
      fc.property(eventTime, id, index, eventTime, id, index, (t1, m1, i1, t2, m2, i2) => {
        expect(fromV1Version(versionV1(t1, m1, i1))).toBe(version(t1, m1, i1))
        // numeric ids (Pub/Sub's): the same order as format 1
        if (/^\d+$/.test(m1) && /^\d+$/.test(m2))
          expect(cmp(version(t1, m1, i1), version(t2, m2, i2))).toBe(
            cmp(versionV1(t1, m1, i1), versionV1(t2, m2, i2)),
          )
      }),
      { numRuns: 2000 },
    )
  })

  it('is short: a Pub/Sub message id and a small record index take 31 characters', () => {
    expect(version(1_733_526_000_000, '17335260000001234', 0)).toHaveLength(31)
  })
})
