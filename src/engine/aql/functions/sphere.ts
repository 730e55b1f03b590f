/**
 * Spherical geometry for GEO_CONTAINS / GEO_INTERSECTS, following ArangoDB's GeoJSON reading
 * (docs.arangodb.com/3.12/aql/functions/geo/#geojson-interpretation): edges are geodesics, the
 * interior of a polygon's outer ring lies to the left of its path, holes are the small side of
 * their ring (ArangoDB inverts wrongly oriented holes), MultiPolygons combine even-odd.
 * Points exactly on a boundary are decided however the arithmetic falls (S2 leaves them
 * to a tie-breaking rule we do not reproduce).
 */
import type { AqlValue } from '../values.js'
import { isObject } from '../../../objects.js'
import { isArray } from './util.js'

type V3 = [number, number, number]
type Pos = [number, number]

const rad = (d: number): number => (d * Math.PI) / 180
export function toVec([lon, lat]: Pos): V3 {
  const la = rad(lat)
  const lo = rad(lon)
  return [Math.cos(la) * Math.cos(lo), Math.cos(la) * Math.sin(lo), Math.sin(la)]
}
export const fromVec = (v: V3): Pos => [
  (Math.atan2(v[1], v[0]) * 180) / Math.PI,
  (Math.asin(Math.max(-1, Math.min(1, v[2]))) * 180) / Math.PI,
]
const dot = (a: V3, b: V3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
]
const EPS = 1e-15

/** A ring as unit vectors without the repeated closing position. */
function ringVecs(ring: Pos[]): V3[] {
  const pts = ring.map(toVec)
  const [f, l] = [ring[0]!, ring[ring.length - 1]!]
  if (pts.length > 1 && f[0] === l[0] && f[1] === l[1]) pts.pop()
  return pts
}

/** Winding number of a ring around p, from the signed angles its edges subtend at p. */
function winding(ring: V3[], p: V3): number {
  let sum = 0
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!
    const b = ring[(i + 1) % ring.length]!
    sum += Math.atan2(dot(cross(a, b), p), dot(a, b) - dot(a, p) * dot(b, p))
  }
  return Math.round(sum / (2 * Math.PI))
}

/** Area to the left of a ring (Gauss-Bonnet: 2π minus the sum of left turning angles), in steradians. */
function leftArea(ring: V3[]): number {
  let turning = 0
  const n = ring.length
  for (let i = 0; i < n; i++) {
    const a = ring[(i + n - 1) % n]!
    const b = ring[i]!
    const c = ring[(i + 1) % n]!
    // directions of travel at b: arriving from a ((a×b)×b) and leaving towards c ((b×c)×b)
    const tin = cross(cross(a, b), b)
    const tout = cross(cross(b, c), b)
    turning += Math.atan2(dot(cross(tin, tout), b), dot(tin, tout))
  }
  return 2 * Math.PI - turning
}

/** Is p in the region to the left of the ring? */
function leftOf(ring: V3[], p: V3): boolean {
  const w = winding(ring, p)
  if (w !== 0) return w > 0
  // p and its antipode are on the same side: the larger side (no ring we accept is a thin band
  // reaching round the globe)
  return leftArea(ring) > 2 * Math.PI
}

/** Is p on the smaller side of the ring (how a hole is read, whatever its orientation)? */
function inSmallSide(ring: V3[], p: V3): boolean {
  const inLeft = leftOf(ring, p)
  return leftArea(ring) <= 2 * Math.PI ? inLeft : !inLeft
}

export interface Shape {
  points: V3[]
  /** Polylines and ring boundaries as vertex chains (rings closed). */
  chains: V3[][]
  /** Polygons: [outer, ...holes] as open rings. */
  polygons: V3[][][]
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const isPos = (v: unknown): v is Pos => isArray(v) && v.length >= 2 && isNum(v[0]) && isNum(v[1])
const posList = (v: unknown, min: number): Pos[] | null =>
  isArray(v) && v.length >= min && v.every(isPos) ? (v as unknown as Pos[]) : null

/** Parse a coordinate pair or a GeoJSON geometry; null when invalid. */
export function parseShape(v: AqlValue): Shape | null {
  if (isPos(v)) return { points: [toVec(v)], chains: [], polygons: [] }
  if (!isObject(v) || typeof v.type !== 'string') return null
  const c = v.coordinates
  const shape: Shape = { points: [], chains: [], polygons: [] }
  const addPolygon = (rings: unknown): boolean => {
    if (!isArray(rings) || rings.length === 0) return false
    const poly: V3[][] = []
    for (const r of rings) {
      const ring = posList(r, 4)
      if (!ring) return false
      const vecs = ringVecs(ring)
      if (vecs.length < 3) return false
      poly.push(vecs)
      shape.chains.push([...vecs, vecs[0]!])
    }
    shape.polygons.push(poly)
    return true
  }
  switch (v.type) {
    case 'Point':
      if (!isPos(c)) return null
      shape.points.push(toVec(c))
      return shape
    case 'MultiPoint': {
      const ps = posList(c, 1)
      if (!ps) return null
      shape.points.push(...ps.map(toVec))
      return shape
    }
    case 'LineString': {
      const ps = posList(c, 2)
      if (!ps) return null
      shape.chains.push(ps.map(toVec))
      return shape
    }
    case 'MultiLineString':
      if (!isArray(c) || c.length === 0) return null
      for (const l of c) {
        const ps = posList(l, 2)
        if (!ps) return null
        shape.chains.push(ps.map(toVec))
      }
      return shape
    case 'Polygon':
      return addPolygon(c) ? shape : null
    case 'MultiPolygon':
      if (!isArray(c) || c.length === 0) return null
      for (const p of c) if (!addPolygon(p)) return null
      return shape
    default:
      return null
  }
}

/** Point in a polygon-bearing shape: inside an odd number of (outer ring minus holes) polygons. */
export function containsPoint(shape: Shape, p: V3): boolean {
  let n = 0
  for (const [outer, ...holes] of shape.polygons) {
    if (leftOf(outer!, p) && !holes.some((h) => inSmallSide(h, p))) n++
  }
  return n % 2 === 1
}

/** Do the geodesic arcs ab and cd cross at a point interior to both (S2's SimpleCrossing)? */
function arcsCross(a: V3, b: V3, c: V3, d: V3): boolean {
  const ab = cross(a, b)
  const acb = -dot(ab, c)
  const bda = dot(ab, d)
  if (acb * bda <= 0) return false
  const cd = cross(c, d)
  const cbd = -dot(cd, b)
  const dac = dot(cd, a)
  return acb * cbd > 0 && acb * dac > 0
}

function chainsCross(x: V3[][], y: V3[][]): boolean {
  for (const cx of x) {
    for (let i = 0; i + 1 < cx.length; i++) {
      for (const cy of y) {
        for (let j = 0; j + 1 < cy.length; j++) {
          if (arcsCross(cx[i]!, cx[i + 1]!, cy[j]!, cy[j + 1]!)) return true
        }
      }
    }
  }
  return false
}

const samePoint = (a: V3, b: V3): boolean => Math.abs(dot(a, b) - 1) < EPS

/** Is p on one of the chains (a vertex, or on an arc between its ends)? */
function onChains(chains: V3[][], p: V3): boolean {
  for (const ch of chains) {
    for (let i = 0; i < ch.length; i++) {
      if (samePoint(ch[i]!, p)) return true
      if (i + 1 < ch.length) {
        const a = ch[i]!
        const b = ch[i + 1]!
        const n = cross(a, b)
        const len = Math.hypot(...n)
        if (
          len > 0 &&
          Math.abs(dot(n, p)) / len < 1e-12 &&
          dot(cross(a, p), n) >= 0 &&
          dot(cross(p, b), n) >= 0
        ) {
          return true
        }
      }
    }
  }
  return false
}

/** GEO_CONTAINS: `a` (polygons) holds every point of `b` and no edge of `b` leaves it. */
export function shapeContains(a: Shape, b: Shape): boolean {
  const vertices = [...b.points, ...b.chains.flat()]
  if (!vertices.every((p) => containsPoint(a, p))) return false
  return !chainsCross(a.chains, b.chains)
}

/** GEO_INTERSECTS: the shapes share at least one point. */
export function shapesIntersect(a: Shape, b: Shape): boolean {
  if (chainsCross(a.chains, b.chains)) return true
  const anyIn = (s: Shape, t: Shape): boolean =>
    [...t.points, ...t.chains.flat()].some(
      (p) =>
        (s.polygons.length > 0 && containsPoint(s, p)) ||
        onChains(s.chains, p) ||
        s.points.some((q) => samePoint(q, p)),
    )
  return anyIn(a, b) || anyIn(b, a)
}

/** Area of the polygons of a shape in steradians: outer rings' left side minus their holes. */
export function polygonsArea(shape: Shape): number {
  let total = 0
  for (const [outer, ...holes] of shape.polygons) {
    total += leftArea(outer!)
    for (const h of holes) total -= Math.min(leftArea(h), 4 * Math.PI - leftArea(h))
  }
  return total
}

// WGS84 ellipsoid and its authalic (equal-area) sphere
const WGS84_A = 6378137
const WGS84_F = 1 / 298.257223563
const E2 = WGS84_F * (2 - WGS84_F)
const E = Math.sqrt(E2)
const q = (s: number): number =>
  (1 - E2) * (s / (1 - E2 * s * s) - Math.log((1 - E * s) / (1 + E * s)) / (2 * E))
const QP = q(1)
export const AUTHALIC_RADIUS = WGS84_A * Math.sqrt(QP / 2)

/** Geodetic latitude to authalic latitude, so areas on the authalic sphere equal WGS84 areas. */
export function authalicLatitude(latDeg: number): number {
  const beta = Math.asin(Math.max(-1, Math.min(1, q(Math.sin(rad(latDeg))) / QP)))
  return (beta * 180) / Math.PI
}

const add = (a: V3, b: V3, k = 1): V3 => [a[0] + b[0] * k, a[1] + b[1] * k, a[2] + b[2] * k]
const norm = (a: V3): number => Math.hypot(a[0], a[1], a[2])

/** Signed area of the spherical triangle abc (Van Oosterom and Strackee). */
const triangleArea = (a: V3, b: V3, c: V3): number =>
  2 * Math.atan2(dot(a, cross(b, c)), 1 + dot(a, b) + dot(b, c) + dot(c, a))

/**
 * The centroid S2 would compute (ShapeContainer::centroid): points averaged, polylines weighted
 * by edge length, polygons by area (fan triangles from each ring's first vertex, holes
 * subtracting), as a [lon, lat] position.
 */
export function centroid(shape: Shape): Pos | null {
  let c: V3 = [0, 0, 0]
  if (shape.polygons.length) {
    for (const [outer, ...holes] of shape.polygons) {
      for (const [ring, sign] of [[outer!, 1], ...holes.map((h) => [h, -1] as const)] as [V3[], number][]) {
        const o = ring[0]!
        for (let i = 1; i + 1 < ring.length; i++) {
          const a = ring[i]!
          const b = ring[i + 1]!
          const area = triangleArea(o, a, b)
          const mid = add(add(o, a), b)
          const len = norm(mid)
          if (len > 0) c = add(c, mid, (sign * area) / len)
        }
      }
    }
  } else if (shape.chains.length) {
    for (const ch of shape.chains) {
      for (let i = 0; i + 1 < ch.length; i++) {
        const mid = add(ch[i]!, ch[i + 1]!)
        const len = norm(mid)
        const angle = Math.atan2(norm(cross(ch[i]!, ch[i + 1]!)), dot(ch[i]!, ch[i + 1]!))
        if (len > 0) c = add(c, mid, angle / len)
      }
    }
  } else {
    for (const p of shape.points) c = add(c, p)
  }
  const len = norm(c)
  if (len === 0) return null
  return [
    (Math.atan2(c[1], c[0]) * 180) / Math.PI,
    (Math.asin(Math.max(-1, Math.min(1, c[2] / len))) * 180) / Math.PI,
  ]
}
