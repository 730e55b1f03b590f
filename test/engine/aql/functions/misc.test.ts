import { describe, expect, it } from 'vitest'
import { RevisionClock } from '../../../../src/engine/storage/keys.js'
import { call, v, warned } from './call.js'

describe('type check and cast functions', () => {
  it('IS_* and TYPENAME', () => {
    expect([null, true, 1, 's', [], {}].map((x) => v('TYPENAME', x))).toEqual([
      'null',
      'bool',
      'number',
      'string',
      'array',
      'object',
    ])
    expect(v('IS_LIST', [])).toBe(true)
    expect(v('IS_DOCUMENT', [])).toBe(false)
    expect(v('IS_DATESTRING', '2020-02-30')).toBe(true)
    expect(v('IS_DATESTRING', '2020-13-01')).toBe(false)
    expect(v('IS_KEY', 'a:b@c')).toBe(true)
    expect(v('IS_KEY', 'a/b')).toBe(false)
  })

  it('TO_* casts', () => {
    expect(v('TO_NUMBER', ' 12 ')).toBe(12)
    expect(v('TO_NUMBER', 'x')).toBe(0)
    expect(v('TO_STRING', null)).toBe('')
    expect(v('TO_STRING', [1, { a: 'b' }])).toBe('[1,{"a":"b"}]')
    expect(v('TO_BOOL', [])).toBe(true)
    expect(v('TO_ARRAY', { a: 1, b: [2] })).toEqual([1, [2]])
    expect(v('TO_LIST', null)).toEqual([])
    expect(v('TO_ARRAY', 'x')).toEqual(['x'])
  })
})

describe('miscellaneous functions', () => {
  it('NOT_NULL, FIRST_LIST, FIRST_DOCUMENT', () => {
    expect(v('NOT_NULL', null, false, 1)).toBe(false)
    expect(v('FIRST_LIST', 1, [2])).toEqual([2])
    expect(v('FIRST_DOCUMENT', [], null)).toBe(null)
  })

  it('DECODE_REV reads the hybrid logical clock of revisions the store generates', () => {
    const clock = new RevisionClock()
    const before = Date.now()
    const first = v('DECODE_REV', clock.next()) as { date: string; count: number }
    const second = v('DECODE_REV', clock.next()) as { date: string; count: number }
    expect(Date.parse(first.date)).toBeGreaterThanOrEqual(before)
    expect(Date.parse(first.date)).toBeLessThanOrEqual(Date.now())
    expect(second.date > first.date || second.count === first.count + 1).toBe(true)
    expect(warned('DECODE_REV', 'not a rev!')).toEqual([1542])
  })

  it('FAIL throws 1569, ASSERT 1593; WARN registers 1594 and returns false', () => {
    expect(() => call('FAIL', 'boom')).toThrow('FAIL(boom) called')
    expect(() => call('ASSERT', false, 'no')).toThrow('no')
    expect(v('ASSERT', 1, 'fine')).toBe(true)
    const r = call('WARN', 0, 'careful')
    expect(r.value).toBe(false)
    expect(r.warnings).toEqual([{ code: 1594, message: 'careful' }])
  })

  it('PASSTHRU, NOOPT and VERSION', () => {
    expect(v('PASSTHRU', [1])).toEqual([1])
    expect(v('NOOPT', 2)).toBe(2)
    expect(v('VERSION')).toMatch(/^3\.12\./)
  })
})

describe('bit functions', () => {
  it('combine unsigned 32-bit integers', () => {
    expect(v('BIT_AND', [0b1100, 0b1010, null])).toBe(0b1000)
    expect(v('BIT_OR', 0b1100, 0b1010)).toBe(0b1110)
    expect(v('BIT_XOR', [])).toBe(null)
    expect(v('BIT_NEGATE', 0, 32)).toBe(4294967295)
    expect(v('BIT_TEST', 0b100, 2)).toBe(true)
    expect(v('BIT_POPCOUNT', 255)).toBe(8)
    expect(v('BIT_SHIFT_LEFT', 0b1111, 2, 4)).toBe(0b1100)
    expect(v('BIT_SHIFT_RIGHT', 0b1111, 2, 8)).toBe(0b11)
    expect(v('BIT_CONSTRUCT', [0, 31])).toBe(2147483649)
    expect(v('BIT_DECONSTRUCT', 2147483649)).toEqual([0, 31])
    expect(v('BIT_TO_STRING', 4294967295, 32)).toBe('1'.repeat(32))
    expect(v('BIT_TO_STRING', 5, 4)).toBe('0101')
    expect(v('BIT_FROM_STRING', '0101')).toBe(5)
  })

  it('warn 1542 outside the unsigned 32-bit range', () => {
    expect(warned('BIT_AND', -1, 1)).toEqual([1542])
    expect(warned('BIT_POPCOUNT', 2 ** 32)).toEqual([1542])
    expect(warned('BIT_FROM_STRING', '012')).toEqual([1542])
  })
})

describe('geo functions', () => {
  it('DISTANCE is the haversine distance of the docs example, to the last bit', () => {
    expect(v('DISTANCE', 52.5163, 13.3777, 50.9322, 6.94)).toBe(476918.89688380965)
    expect(warned('DISTANCE', '52', 13, 50, 6)).toEqual([1542])
  })

  it('GEO_DISTANCE takes [lon, lat] pairs or GeoJSON (centroids for shapes)', () => {
    const bonn = [7.0998, 50.734]
    const cologne = { type: 'Point', coordinates: [6.9528, 50.9364] }
    const d = v('GEO_DISTANCE', bonn, cologne) as number
    expect(d).toBeCloseTo(v('DISTANCE', 50.734, 7.0998, 50.9364, 6.9528) as number, 6)
    expect(v('GEO_DISTANCE', bonn, cologne, 'wgs84') as number).toBeCloseTo(d, -3)
    expect(call('GEO_DISTANCE', bonn, 'nowhere').warnings[0]?.code).toBe(1542)
    expect(v('GEO_IN_RANGE', bonn, cologne, 20000, 30000)).toBe(true)
    // shapes are measured from their centroids (length- or area-weighted, as S2 does)
    const line = {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 0],
        [3, 0],
      ],
    }
    expect(v('GEO_DISTANCE', [1.5, 0], line) as number).toBeLessThan(10)
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    }
    expect(v('GEO_DISTANCE', [0.5, 0.5], square) as number).toBeLessThan(100)
    expect(
      v('GEO_DISTANCE', [0.5, 0.5], {
        type: 'MultiPoint',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      }) as number,
    ).toBeLessThan(100)
  })

  it('IS_IN_POLYGON takes latitude/longitude or a coordinate pair', () => {
    const square = [
      [0, 0],
      [0, 10],
      [10, 10],
      [10, 0],
    ]
    expect(v('IS_IN_POLYGON', square, 5, 5)).toBe(true)
    expect(v('IS_IN_POLYGON', square, [5, 15])).toBe(false)
    expect(v('IS_IN_POLYGON', square, [5, 5], true)).toBe(true)
    expect(warned('IS_IN_POLYGON', square, 5)).toEqual([1542])
  })

  it('GeoJSON constructors validate their positions', () => {
    expect(v('GEO_POINT', 1, 2)).toEqual({ type: 'Point', coordinates: [1, 2] })
    expect(warned('GEO_POINT', '1', 2)).toEqual([1542])
    expect(warned('GEO_LINESTRING', [[1, 2]])).toEqual([1542])
    expect(
      warned('GEO_POLYGON', [
        [0, 0],
        [1, 1],
        [0, 0],
      ]),
    ).toEqual([1542])
    expect(
      v('GEO_MULTIPOINT', [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    })
  })

  // docs.arangodb.com/3.12/aql/functions/geo/#geojson-interpretation: geodesic edges, interior on the left
  const ccw = {
    type: 'Polygon',
    coordinates: [
      [
        [4, 54],
        [4, 47],
        [16, 47],
        [16, 54],
        [4, 54],
      ],
    ],
  }
  const cw = {
    type: 'Polygon',
    coordinates: [
      [
        [4, 54],
        [16, 54],
        [16, 47],
        [4, 47],
        [4, 54],
      ],
    ],
  }

  it('GEO_CONTAINS reads edges as geodesics and the interior as the left side of the ring', () => {
    expect(v('GEO_CONTAINS', ccw, [10, 50])).toBe(true)
    expect(v('GEO_CONTAINS', ccw, [10, 47])).toBe(false)
    expect(v('GEO_CONTAINS', ccw, [10, 54])).toBe(true)
    expect(v('GEO_CONTAINS', ccw, { type: 'Point', coordinates: [0, 90] })).toBe(false)
    expect(v('GEO_CONTAINS', cw, [10, 50])).toBe(false)
    expect(v('GEO_CONTAINS', cw, [0, 90])).toBe(true)
    expect(
      v('GEO_CONTAINS', ccw, {
        type: 'LineString',
        coordinates: [
          [6, 50],
          [14, 50],
        ],
      }),
    ).toBe(true)
    expect(
      v('GEO_CONTAINS', ccw, {
        type: 'LineString',
        coordinates: [
          [6, 50],
          [20, 50],
        ],
      }),
    ).toBe(false)
    expect(warned('GEO_CONTAINS', [10, 50], ccw)).toEqual([1542])
  })

  it('GEO_CONTAINS treats holes and nested MultiPolygon parts even-odd', () => {
    const withHole = {
      type: 'Polygon',
      coordinates: [
        [
          [100, 0],
          [101, 0],
          [101, 1],
          [100, 1],
          [100, 0],
        ],
        [
          [100.8, 0.8],
          [100.8, 0.2],
          [100.2, 0.2],
          [100.2, 0.8],
          [100.8, 0.8],
        ],
      ],
    }
    expect(v('GEO_CONTAINS', withHole, [100.5, 0.5])).toBe(false)
    expect(v('GEO_CONTAINS', withHole, [100.1, 0.5])).toBe(true)
    const nested = {
      type: 'MultiPolygon',
      coordinates: [withHole.coordinates.slice(0, 1), [withHole.coordinates[1]!.slice().reverse()]],
    }
    expect(v('GEO_CONTAINS', nested, [100.5, 0.5])).toBe(false)
  })

  it('GEO_INTERSECTS: crossing edges, contained points, points on lines', () => {
    expect(
      v('GEO_INTERSECTS', ccw, {
        type: 'LineString',
        coordinates: [
          [6, 50],
          [20, 50],
        ],
      }),
    ).toBe(true)
    expect(v('GEO_INTERSECTS', ccw, [30, 30])).toBe(false)
    const x1 = {
      type: 'LineString',
      coordinates: [
        [0, 0],
        [2, 2],
      ],
    }
    const x2 = {
      type: 'LineString',
      coordinates: [
        [0, 2],
        [2, 0],
      ],
    }
    expect(v('GEO_INTERSECTS', x1, x2)).toBe(true)
    expect(
      v(
        'GEO_INTERSECTS',
        {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [0, 2],
          ],
        },
        [0, 1],
      ),
    ).toBe(true)
    expect(
      v('GEO_INTERSECTS', [1, 1], {
        type: 'MultiPoint',
        coordinates: [
          [1, 1],
          [5, 5],
        ],
      }),
    ).toBe(true)
  })

  it('GEO_AREA of a 1x1 degree cell at the equator and GEO_EQUALS', () => {
    const cell = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ],
      ],
    }
    expect((v('GEO_AREA', cell) as number) / 1e9).toBeCloseTo(12.364, 2)
    // WGS84: the well-known 12308.78 km² of a one-degree cell at the equator
    expect((v('GEO_AREA', cell, 'wgs84') as number) / 1e6).toBeCloseTo(12308.78, 1)
    // a clockwise ring encloses the rest of the Earth
    const reversed = { type: 'Polygon', coordinates: [cell.coordinates[0]!.slice().reverse()] }
    expect((v('GEO_AREA', reversed) as number) + (v('GEO_AREA', cell) as number)).toBeCloseTo(
      4 * Math.PI * 6371000 ** 2,
      -3,
    )
    expect(warned('GEO_AREA', cell, 'clarke1866')).toEqual([1542])
    expect(v('GEO_EQUALS', cell, structuredClone(cell))).toBe(true)
    expect(v('GEO_EQUALS', cell, { type: 'Point', coordinates: [0, 0] })).toBe(false)
  })
})
