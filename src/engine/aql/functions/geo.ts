/**
 * Geo functions that are pure math (docs.arangodb.com/3.12/aql/functions/geo/): distances on a
 * sphere of radius 6371000 m (ArangoDB's EARTH_RADIUS), GeoJSON constructors, areas, equality.
 * Functions that need a geo index (NEAR, WITHIN, ...) are not here.
 */
import { compare, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import {
  AUTHALIC_RADIUS,
  authalicLatitude,
  centroid,
  fromVec,
  containsPoint,
  parseShape,
  polygonsArea,
  shapeContains,
  shapesIntersect,
} from './sphere.js'
import { isObject } from '../../../objects.js'
import { clone, def, invalidArg, isArray, warnIn, type FnTable } from './util.js'

export const EARTH_RADIUS = 6371000
const rad = (d: number): number => (d * Math.PI) / 180

/** Haversine distance in metres; with R = 6371000 it reproduces the docs' DISTANCE value exactly. */
export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const p1 = rad(lat1)
  const p2 = rad(lat2)
  const dp = rad(lat2 - lat1)
  const dl = rad(lon2 - lon1)
  const a = Math.sin(dp / 2) ** 2 + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) ** 2
  // the asin form reproduces the docs' DISTANCE(52.5163, 13.3777, 50.9322, 6.94) =
  // 476918.89688380965 to the last bit; the atan2 form is one ulp off
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)))
}

type Pos = [number, number] // [lon, lat]
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isPos = (v: unknown): v is Pos => isArray(v) && v.length >= 2 && isNum(v[0]) && isNum(v[1])

/** All positions of a GeoJSON geometry (rings' closing positions included). */
function positions(g: AqlValue): Pos[] | null {
  if (!isObject(g)) return null
  const c = g.coordinates
  const walk = (v: AqlValue, depth: number, out: Pos[]): boolean => {
    if (depth === 0) {
      if (!isPos(v)) return false
      out.push([v[0], v[1]])
      return true
    }
    return isArray(v) && v.every((x) => walk(x, depth - 1, out))
  }
  const depth: Record<string, number> = {
    Point: 0,
    MultiPoint: 1,
    LineString: 1,
    MultiLineString: 2,
    Polygon: 2,
    MultiPolygon: 3,
  }
  const d = typeof g.type === 'string' ? depth[g.type] : undefined
  if (d === undefined) return null
  const out: Pos[] = []
  return walk(c ?? null, d, out) && out.length ? out : null
}

/** A point for distance purposes: a [lon, lat] pair, a GeoJSON Point, or a shape's centroid. */
function toPoint(v: AqlValue): Pos | null {
  if (isPos(v)) return [v[0], v[1]]
  if (isObject(v) && v.type === 'Point' && isPos(v.coordinates)) return [v.coordinates[0], v.coordinates[1]]
  const shape = parseShape(v)
  if (!shape) return null
  return shape.points.length === 1 && !shape.chains.length ? fromVec(shape.points[0]!) : centroid(shape)
}

/** Vincenty's inverse formula on WGS84 (GEO_DISTANCE/GEO_AREA ellipsoid "wgs84"). */
function vincenty(a1: Pos, a2: Pos): number {
  const a = 6378137
  const f = 1 / 298.257223563
  const b = (1 - f) * a
  const L = rad(a2[0] - a1[0])
  const U1 = Math.atan((1 - f) * Math.tan(rad(a1[1])))
  const U2 = Math.atan((1 - f) * Math.tan(rad(a2[1])))
  const sinU1 = Math.sin(U1)
  const cosU1 = Math.cos(U1)
  const sinU2 = Math.sin(U2)
  const cosU2 = Math.cos(U2)
  let lambda = L
  let iter = 0
  let sinSigma = 0
  let cosSigma = 0
  let sigma = 0
  let cos2Alpha = 0
  let cos2SigmaM = 0
  do {
    const sinL = Math.sin(lambda)
    const cosL = Math.cos(lambda)
    sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL)
    if (sinSigma === 0) return 0
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL
    sigma = Math.atan2(sinSigma, cosSigma)
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma
    cos2Alpha = 1 - sinAlpha * sinAlpha
    cos2SigmaM = cos2Alpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cos2Alpha : 0
    const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha))
    const prev = lambda
    lambda =
      L +
      (1 - C) *
        f *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)))
    if (Math.abs(lambda - prev) < 1e-12) break
  } while (++iter < 200)
  const u2 = (cos2Alpha * (a * a - b * b)) / (b * b)
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
  const dSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM ** 2) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)))
  return b * A * (sigma - dSigma)
}

function geoDistance(
  ctx: FunctionContext,
  name: string,
  a: AqlValue,
  b: AqlValue,
  ell: AqlValue,
): number | null {
  const p = toPoint(a)
  const q = toPoint(b)
  if (!p || !q) return warnIn(ctx, name, 1542, 'Requires coordinate pair or GeoJSON')
  const e = ell === null ? 'sphere' : ell
  if (e === 'wgs84') return vincenty(p, q)
  if (e !== 'sphere') return invalidArg(ctx, name)
  return haversine(p[1], p[0], q[1], q[0])
}

function polygonRings(v: AqlValue): Pos[][][] | null {
  if (!isObject(v)) return null
  if (v.type === 'Polygon' && isArray(v.coordinates)) return [v.coordinates as unknown as Pos[][]]
  if (v.type === 'MultiPolygon' && isArray(v.coordinates)) return v.coordinates as unknown as Pos[][][]
  return null
}

/** Even-odd ray casting in the plane; `x` and `y` follow the axis order of the ring's positions. */
function pointInRing(x: number, y: number, ring: AqlValue[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const pi = ring[i] as Pos
    const pj = ring[j] as Pos
    if (pi[1] > y !== pj[1] > y && x < ((pj[0] - pi[0]) * (y - pi[1])) / (pj[1] - pi[1]) + pi[0]) {
      inside = !inside
    }
  }
  return inside
}

function construct(
  ctx: FunctionContext,
  name: string,
  type: string,
  v: AqlValue,
  valid: (v: AqlValue) => boolean,
): AqlValue {
  if (!isArray(v) || !valid(v)) return invalidArg(ctx, name)
  return { type, coordinates: clone(v) }
}
const isLine = (v: AqlValue): boolean => isArray(v) && v.length >= 2 && v.every(isPos)
const isRing = (v: AqlValue): boolean => isArray(v) && v.length >= 4 && v.every(isPos)

export const GEO_FUNCTIONS: FnTable = {
  GEO_CONTAINS: def(2, 2, (ctx, [a, b]) => {
    const sa = parseShape(a!)
    const sb = parseShape(b!)
    // the container has to be a (Multi)Polygon
    if (!sa || !sb || sa.polygons.length === 0) return invalidArg(ctx, 'GEO_CONTAINS')
    return sb.polygons.length === 0 && sb.chains.length === 0 && sb.points.length === 1
      ? containsPoint(sa, sb.points[0]!)
      : shapeContains(sa, sb)
  }),
  GEO_INTERSECTS: def(2, 2, (ctx, [a, b]) => {
    const sa = parseShape(a!)
    const sb = parseShape(b!)
    if (!sa || !sb) return invalidArg(ctx, 'GEO_INTERSECTS')
    return shapesIntersect(sa, sb)
  }),
  DISTANCE: def(4, 4, (ctx, args) => {
    if (!args.every(isNum)) return invalidArg(ctx, 'DISTANCE')
    const [lat1, lon1, lat2, lon2] = args as number[]
    return haversine(lat1!, lon1!, lat2!, lon2!)
  }),
  GEO_DISTANCE: def(2, 3, (ctx, args) =>
    geoDistance(ctx, 'GEO_DISTANCE', args[0]!, args[1]!, args[2] ?? null),
  ),
  GEO_IN_RANGE: def(4, 7, (ctx, args) => {
    const d = geoDistance(ctx, 'GEO_IN_RANGE', args[0]!, args[1]!, args[6] ?? null)
    if (d === null) return null
    const lo = args[2]
    const hi = args[3]
    if (!isNum(lo) || !isNum(hi)) return invalidArg(ctx, 'GEO_IN_RANGE')
    const incLo = args.length > 4 ? args[4] !== false : true
    const incHi = args.length > 5 ? args[5] !== false : true
    return (incLo ? d >= lo : d > lo) && (incHi ? d <= hi : d < hi)
  }),
  GEO_AREA: def(1, 2, (ctx, args) => {
    const g = args[0]!
    const ell = args.length > 1 && args[1] !== null ? args[1] : 'sphere'
    if (ell !== 'sphere' && ell !== 'wgs84') return invalidArg(ctx, 'GEO_AREA')
    if (!polygonRings(g)) return invalidArg(ctx, 'GEO_AREA')
    if (ell === 'sphere') {
      const shape = parseShape(g)
      return shape ? polygonsArea(shape) * EARTH_RADIUS * EARTH_RADIUS : invalidArg(ctx, 'GEO_AREA')
    }
    // WGS84: the same computation on the authalic sphere, with latitudes mapped to authalic ones
    const mapped = clone(g) as { coordinates: unknown }
    const walk = (v: unknown): void => {
      if (isPos(v)) v[1] = authalicLatitude(v[1])
      else if (isArray(v)) v.forEach(walk)
    }
    walk(mapped.coordinates)
    const shape = parseShape(mapped as AqlValue)
    return shape ? polygonsArea(shape) * AUTHALIC_RADIUS * AUTHALIC_RADIUS : invalidArg(ctx, 'GEO_AREA')
  }),
  GEO_EQUALS: def(2, 2, (ctx, [a, b]) => {
    if (!positions(a!) || !positions(b!)) return invalidArg(ctx, 'GEO_EQUALS')
    return (a as { type: string }).type === (b as { type: string }).type && compare(a, b) === 0
  }),
  // legacy function: IS_IN_POLYGON(polygon, lat, lon) or IS_IN_POLYGON(polygon, coord, useLonLat);
  // polygon and coordinate use the same axis order ([lat, lon], or [lon, lat] with useLonLat)
  IS_IN_POLYGON: def(2, 3, (ctx, args) => {
    const poly = args[0]
    if (!isArray(poly) || !poly.every(isPos)) return invalidArg(ctx, 'IS_IN_POLYGON')
    let a: number
    let b: number
    if (isArray(args[1])) {
      if (!isPos(args[1])) return invalidArg(ctx, 'IS_IN_POLYGON')
      ;[a, b] = args[1]
    } else {
      if (args.length < 3 || !isNum(args[1]) || !isNum(args[2])) return invalidArg(ctx, 'IS_IN_POLYGON')
      a = args[1]
      b = args[2]
    }
    return pointInRing(a, b, poly)
  }),
  GEO_POINT: def(2, 2, (ctx, [lon, lat]) => {
    if (!isNum(lon) || !isNum(lat)) return invalidArg(ctx, 'GEO_POINT')
    return { type: 'Point', coordinates: [lon, lat] }
  }),
  GEO_MULTIPOINT: def(1, 1, (ctx, [v]) => construct(ctx, 'GEO_MULTIPOINT', 'MultiPoint', v!, isLine)),
  GEO_LINESTRING: def(1, 1, (ctx, [v]) => construct(ctx, 'GEO_LINESTRING', 'LineString', v!, isLine)),
  GEO_MULTILINESTRING: def(1, 1, (ctx, [v]) =>
    construct(
      ctx,
      'GEO_MULTILINESTRING',
      'MultiLineString',
      v!,
      (x) => isArray(x) && x.length > 0 && x.every(isLine),
    ),
  ),
  GEO_POLYGON: def(1, 1, (ctx, [v]) => {
    if (!isArray(v) || v.length === 0) return invalidArg(ctx, 'GEO_POLYGON')
    // a flat list of positions is one ring
    const rings = v.every(isPos) ? [v] : v
    if (!rings.every(isRing)) return invalidArg(ctx, 'GEO_POLYGON')
    return { type: 'Polygon', coordinates: clone(rings) }
  }),
  GEO_MULTIPOLYGON: def(1, 1, (ctx, [v]) =>
    construct(
      ctx,
      'GEO_MULTIPOLYGON',
      'MultiPolygon',
      v!,
      (x) => isArray(x) && x.length > 0 && x.every((p) => isArray(p) && p.length > 0 && p.every(isRing)),
    ),
  ),
}
