import { describe, expect, it } from 'vitest'
import { v, warned } from './call.js'

describe('numeric functions', () => {
  it('cast arguments with TO_NUMBER and turn non-finite results into null', () => {
    expect(v('ROUND', -2.5)).toBe(-2)
    expect(v('ROUND', 2.5)).toBe(3)
    expect(v('FLOOR', '3.7')).toBe(3)
    expect(v('ABS', [-4])).toBe(4)
    expect(v('SQRT', -1)).toBe(null)
    expect(v('LOG', 0)).toBe(null)
    expect(v('POW', 2, 0.5)).toBe(Math.SQRT2)
    expect(v('EXP2', 10)).toBe(1024)
    expect(v('ATAN2', 1, 1)).toBe(Math.PI / 4)
    expect(v('DEGREES', Math.PI)).toBe(180)
  })

  it('SUM and PRODUCT skip nulls, give null for other non-numbers without a warning', () => {
    expect(v('SUM', [1, null, 2.5])).toBe(3.5)
    expect(v('SUM', [])).toBe(0)
    expect(v('SUM', [1, '2'])).toBe(null)
    expect(v('PRODUCT', [])).toBe(1)
    expect(warned('SUM', 'x')).toEqual([1563])
  })

  it('AVERAGE warns 1563 on non-numbers; MEDIAN/PERCENTILE/VARIANCE warn 1561', () => {
    expect(v('AVERAGE', [1, null, 2])).toBe(1.5)
    expect(v('AVERAGE', [])).toBe(null)
    expect(warned('AVERAGE', [1, 'a'])).toEqual([1563])
    expect(warned('MEDIAN', [1, true])).toEqual([1561])
    expect(warned('VARIANCE_POPULATION', [1, 'a'])).toEqual([1561])
  })

  it('MIN ignores nulls, MAX takes the AQL order maximum', () => {
    expect(v('MIN', [null, 3, 'a', 1])).toBe(1)
    expect(v('MAX', [null, 3, 'a', [0]])).toEqual([0])
    expect(v('MIN', [null, null])).toBe(null)
    expect(v('MAX', [])).toBe(null)
  })

  it('MEDIAN and PERCENTILE (rank and interpolation)', () => {
    expect(v('MEDIAN', [4, 1, 3, 2])).toBe(2.5)
    expect(v('MEDIAN', [3, null, 1, 2])).toBe(2)
    expect(v('PERCENTILE', [1, 2, 3, 4], 50)).toBe(2)
    expect(v('PERCENTILE', [1, 2, 3, 4], 50, 'interpolation')).toBe(2.5)
    expect(v('PERCENTILE', [1, 2, 3, 4], 10, 'interpolation')).toBe(null)
    expect(warned('PERCENTILE', [1, 2], 0)).toEqual([1542])
    expect(warned('PERCENTILE', [1, 2], 50, 'nearest')).toEqual([1542])
  })

  it('VARIANCE / STDDEV: population and sample', () => {
    expect(v('VARIANCE_POPULATION', [1, 3, 5, 7])).toBe(5)
    expect(v('VARIANCE_SAMPLE', [1, 3, 5, 7])).toBeCloseTo(20 / 3, 12)
    expect(v('STDDEV_POPULATION', [2, 4, 4, 4, 5, 5, 7, 9])).toBe(2)
    expect(v('STDDEV_SAMPLE', [1])).toBe(null)
    expect(v('VARIANCE', [])).toBe(null)
  })

  it('vector similarity and distance, with matrices against a vector', () => {
    expect(v('COSINE_SIMILARITY', [1, 0], [0, 1])).toBe(0)
    expect(
      v(
        'COSINE_SIMILARITY',
        [
          [1, 0],
          [2, 0],
        ],
        [1, 0],
      ),
    ).toEqual([1, 1])
    expect(v('L1_DISTANCE', [1, 2], [3, 5])).toBe(5)
    expect(v('L2_DISTANCE', [0, 0], [3, 4])).toBe(5)
    expect(warned('L2_DISTANCE', [1], [1, 2])).toEqual([1542])
  })

  it('DECAY_* functions score 1 inside the offset and `decay` at scale', () => {
    expect(v('DECAY_GAUSS', 41, 40, 5, 5, 0.5)).toBe(1)
    expect(v('DECAY_GAUSS', 50, 40, 5, 5, 0.5)).toBeCloseTo(0.5, 12)
    expect(v('DECAY_EXP', 50, 40, 5, 5, 0.5)).toBeCloseTo(0.5, 12)
    expect(v('DECAY_LINEAR', 50, 40, 5, 5, 0.5)).toBeCloseTo(0.5, 12)
    expect(v('DECAY_LINEAR', [40, 100], 40, 5, 0, 0.5)).toEqual([1, 0])
    expect(warned('DECAY_EXP', 1, 0, 0, 0, 0.5)).toEqual([1542])
  })
})
