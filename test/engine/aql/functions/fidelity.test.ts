/**
 * Function cases of issue 17, each expectation taken from the ArangoDB 3.12 manual or from
 * arangod's sources as the test name says (not from the engine's output).
 */
import { describe, expect, it } from 'vitest'
import { xxh64, aqlHash } from '../../../../src/engine/aql/functions/hash.js'
import { v } from './call.js'

const bytes = (s: string) => new TextEncoder().encode(s)

describe('HASH (VelocyPack normalizedHash over XXH64; bit-compatibility derived from the sources, not from a recorded ArangoDB output)', () => {
  it("the XXH64 primitive gives xxHash's published test vectors", () => {
    expect(xxh64(bytes(''), 0n)).toBe(0xef46db3751d8e999n)
    expect(xxh64(bytes('a'), 0n)).toBe(0xd24ec4f1a98c6e5bn)
    expect(xxh64(bytes('abc'), 0n)).toBe(0x44bc2cf5ad770999n)
    // 39 bytes: exercises the 32-byte stripe loop and the 4- and 1-byte tails
    expect(xxh64(bytes('Nobody inspects the spammish repetition'), 0n)).toBe(0xfbcea83c8a378bf1n)
  })

  it('numbers hash as doubles, so 1 and 1.0 are equal (normalizedHash upcasts integers)', () => {
    expect(v('HASH', 1)).toBe(v('HASH', 1.0))
    expect(v('HASH', 1)).not.toBe(v('HASH', 2))
  })

  it('object members are XORed independently: attribute order does not change the hash', () => {
    expect(v('HASH', { a: 1, b: [2, 'x'] })).toBe(v('HASH', { b: [2, 'x'], a: 1 }))
    expect(v('HASH', { a: 1 })).not.toBe(v('HASH', { a: 2 }))
  })

  it('array order matters (each member is seeded with the running hash)', () => {
    expect(v('HASH', [1, 2])).not.toBe(v('HASH', [2, 1]))
  })

  it('results keep only the low 51 bits (arangod masks with 0x0007ffffffffffff so doubles stay exact)', () => {
    for (const x of [null, true, false, 0, -1.5, '', 'foo', 'x'.repeat(200), [], {}, [[{}]]]) {
      const h = aqlHash(x)
      expect(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 51).toBe(true)
    }
    // null, false, true and "" are distinct one-byte VelocyPack values
    expect(new Set([null, false, true, ''].map((x) => aqlHash(x))).size).toBe(4)
  })
})

describe('LIKE escapes as arangod buildLikePattern converts them (3.12 manual: \\\\_, \\\\% literal)', () => {
  it('\\% and \\_ match the literal characters only', () => {
    expect(v('LIKE', 'a%b', 'a\\%b')).toBe(true)
    expect(v('LIKE', 'axb', 'a\\%b')).toBe(false)
    expect(v('LIKE', 'a_b', 'a\\_b')).toBe(true)
    expect(v('LIKE', 'axb', 'a\\_b')).toBe(false)
  })

  it('\\\\ is one literal backslash', () => {
    expect(v('LIKE', 'a\\b', 'a\\\\b')).toBe(true)
    expect(v('LIKE', 'ab', 'a\\\\b')).toBe(false)
  })

  it('a backslash before an ordinary character stays a literal backslash ("found a backslash followed by no special character")', () => {
    expect(v('LIKE', 'a\\b', 'a\\b')).toBe(true)
    expect(v('LIKE', 'ab', 'a\\b')).toBe(false)
  })

  it('a backslash before a regex-special character is dropped, the character literal', () => {
    expect(v('LIKE', 'a.', 'a\\.')).toBe(true)
    expect(v('LIKE', 'a\\.', 'a\\.')).toBe(false)
  })

  it('a trailing lone backslash is dropped (the escape flag is left set at the end)', () => {
    expect(v('LIKE', 'a', 'a\\')).toBe(true)
    expect(v('LIKE', 'a\\', 'a\\')).toBe(false)
  })
})

describe('SUBSTRING, SPLIT and APPEND edge cases', () => {
  it('SUBSTRING(s, o, null) is "": arangod reads a given length with toInt64(), and null is 0', () => {
    expect(v('SUBSTRING', 'hello', 1, null)).toBe('')
    expect(v('SUBSTRING', 'hello', 1)).toBe('ello')
    expect(v('SUBSTRING', 'hello', 1, -2)).toBe('')
  })

  it('SPLIT with an empty separator splits into characters (3.12 manual, SPLIT)', () => {
    expect(v('SPLIT', 'abc', '')).toEqual(['a', 'b', 'c'])
    expect(v('SPLIT', 'abc', '', 2)).toEqual(['a', 'b'])
  })

  it('SPLIT with an empty or non-string separator in an array splits into characters ("one empty string rules them all")', () => {
    expect(v('SPLIT', 'a-b', ['-', ''])).toEqual(['a', '-', 'b'])
    expect(v('SPLIT', 'a-b', ['-', 1])).toEqual(['a', '-', 'b'])
    expect(v('SPLIT', 'a-b', ['-'])).toEqual(['a', 'b'])
  })

  it('APPEND(a, b, true) removes all duplicates of the result (3.12 manual: aqlArrayAppend_2 gives [1,2,3,4,5,9])', () => {
    expect(v('APPEND', [1, 2, 3], [3, 4, 5, 2, 9], true)).toEqual([1, 2, 3, 4, 5, 9])
    // arangod's Append inserts the first array's members into the same set
    expect(v('APPEND', [1, 1, 2], [2, 3, 3], true)).toEqual([1, 2, 3])
    expect(v('APPEND', [1, 1], [1], false)).toEqual([1, 1, 1])
  })
})
