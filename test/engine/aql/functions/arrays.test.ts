import { describe, expect, it } from 'vitest'
import { call, v, warned } from './call.js'

describe('array functions', () => {
  it('LENGTH of every type', () => {
    expect(v('LENGTH', null)).toBe(0)
    expect(v('LENGTH', true)).toBe(1)
    expect(v('LENGTH', -1.5)).toBe(4)
    expect(v('COUNT', '🥑🥑')).toBe(2)
    expect(v('LENGTH', { a: 1 })).toBe(1)
  })

  it('FIRST, LAST and NTH warn 1563 on non-arrays', () => {
    expect(warned('FIRST', 'abc')).toEqual([1563])
    expect(v('LAST', [])).toBe(null)
    expect(v('NTH', [1, 2], 1.9)).toBe(2)
    expect(warned('NTH', null, 0)).toEqual([1563])
  })

  it('FLATTEN treats depths below 1 as 1', () => {
    expect(v('FLATTEN', [1, [2, [3]]], 0)).toEqual([1, 2, [3]])
    expect(v('FLATTEN', [1, [2, [3, [4]]]], 5)).toEqual([1, 2, 3, 4])
  })

  it('PUSH, APPEND and UNSHIFT with null lists and unique', () => {
    expect(v('PUSH', null, 1)).toEqual([1])
    expect(v('PUSH', [1], 1, true)).toEqual([1])
    expect(warned('PUSH', 'x', 1)).toEqual([1542])
    expect(v('APPEND', null, [1])).toEqual([1])
    expect(v('APPEND', null, 1)).toBe(1)
    expect(v('APPEND', [1], null)).toEqual([1])
    expect(v('APPEND', 'x', [])).toBe('x')
    expect(v('APPEND', [1, 1], [1, 2, 2], true)).toEqual([1, 2])
    expect(v('APPEND', [1], 2)).toEqual([1, 2])
    expect(v('UNSHIFT', null, 1)).toEqual([1])
    expect(v('UNSHIFT', [1, 2], 2, true)).toEqual([1, 2])
  })

  it('POP and SHIFT keep null, REMOVE_* turn null into []', () => {
    expect(v('POP', null)).toBe(null)
    expect(v('SHIFT', [])).toEqual([])
    expect(v('REMOVE_VALUE', null, 1)).toEqual([])
    expect(v('REMOVE_VALUE', [1, 2, 1, 1], 1, -1)).toEqual([2])
    expect(v('REMOVE_VALUES', [1, 2], null)).toEqual([1, 2])
    expect(v('REMOVE_NTH', [1, 2, 3], -4)).toEqual([1, 2, 3])
    expect(v('REMOVE_NTH', [1, 2, 3], -1.5)).toEqual([1, 3])
  })

  it('REPLACE_NTH pads, clamps negative positions, and fails without a padding value', () => {
    expect(v('REPLACE_NTH', ['a'], 3, 'z', 'y')).toEqual(['a', 'y', 'y', 'z'])
    expect(v('REPLACE_NTH', ['a', 'b'], -5, 'z')).toEqual(['z', 'b'])
    expect(() => call('REPLACE_NTH', ['a'], 3, 'z')).toThrow(/REPLACE_NTH/)
    expect(() => call('REPLACE_NTH', ['a'], null, 'z')).toThrow(/REPLACE_NTH/)
  })

  it('SLICE with negative start and length', () => {
    expect(v('SLICE', [1, 2, 3, 4, 5], -3, 2)).toEqual([3, 4])
    expect(v('SLICE', [1, 2, 3, 4, 5], 1, -1)).toEqual([2, 3, 4])
    expect(v('SLICE', [1, 2, 3], 5)).toEqual([])
    expect(warned('SLICE', null, 0)).toEqual([1542])
  })

  it('RANGE: integer ranges without a step, floats with one', () => {
    expect(v('RANGE', 1.5, 3.9)).toEqual([1, 2, 3])
    expect(v('RANGE', 3, 1)).toEqual([3, 2, 1])
    expect(v('RANGE', 0, 1, 0.25)).toEqual([0, 0.25, 0.5, 0.75, 1])
    expect(v('RANGE', 1, 0, -0.5)).toEqual([1, 0.5, 0])
    expect(warned('RANGE', 1, 5, -1)).toEqual([1542])
    expect(() => call('RANGE', 0, 1e9)).toThrow(/range/)
  })

  it('UNIQUE keeps first occurrences; SORTED uses the AQL type order', () => {
    expect(v('UNIQUE', [1, '1', 1, { a: 1, b: 2 }, { b: 2, a: 1 }])).toEqual([1, '1', { a: 1, b: 2 }])
    expect(v('SORTED', [[1], 'a', 2, null, true, {}])).toEqual([null, true, 2, 'a', [1], {}])
    expect(v('SORTED_UNIQUE', [3, 1, 3])).toEqual([1, 3])
    expect(v('COUNT_DISTINCT', [1, 1, null, null])).toBe(2)
    expect(warned('UNIQUE', {})).toEqual([1563])
  })

  it('set operations: values in arangod hash order (reverse insertion)', () => {
    expect(v('INTERSECTION', [1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7])).toEqual([5, 4, 3])
    // 1 is missing from the second array, so it drops out even though the third has it
    expect(v('INTERSECTION', [1, 2], [2, 2], [1, 2])).toEqual([2])
    expect(v('MINUS', [1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8])).toEqual([2, 1])
    expect(v('OUTERSECTION', [1, 2, 3], [2, 3, 4], [3, 4, 5])).toEqual([5, 1])
    expect(v('UNION', [1], [1, 2])).toEqual([1, 1, 2])
    expect(v('UNION_DISTINCT', [1, 2], [2, 3])).toEqual([1, 2, 3])
    expect(warned('INTERSECTION', [1], 'x')).toEqual([1563])
    expect(warned('MINUS', [1], 'x')).toEqual([1542])
    expect(warned('UNION', [1], null)).toEqual([1542])
  })

  it('REVERSE reverses arrays and UTF-16 units of strings, and warns 1563 otherwise', () => {
    expect(v('REVERSE', [1, [2]])).toEqual([[2], 1])
    expect(v('REVERSE', 'abc')).toBe('cba')
    expect(v('REVERSE', 'a🥑')).toBe('\ufffd\ufffda')
    expect(warned('REVERSE', 12)).toEqual([1563])
  })

  it('JACCARD, INTERLEAVE and POSITION', () => {
    expect(v('JACCARD', [1, 1, 2, 2, 2, 3], [2, 2, 3, 4])).toBe(0.5)
    expect(v('INTERLEAVE', [1], [], [2, 3])).toEqual([1, 2, 3])
    expect(v('POSITION', [1, [2]], [2], true)).toBe(1)
    expect(v('CONTAINS_ARRAY', [], 1)).toBe(false)
    expect(warned('POSITION', 'abc', 'a')).toEqual([1563])
  })

  it('results do not alias their arguments', () => {
    const inner = { a: 1 }
    const out = v('PUSH', [inner], 2) as unknown[]
    ;(out[0] as { a: number }).a = 99
    expect(inner.a).toBe(1)
  })
})
