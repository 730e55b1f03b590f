/**
 * HASH(): arangod's functions::Hash is `AqlValue::hash() & 0x0007ffffffffffff`, i.e. VelocyPack's
 * Slice::normalizedHash with seed 0, whose primitive is VELOCYPACK_HASH = XXH64 (velocypack's
 * default; velocypack-common.h). normalizedHash: numbers hash as their double; arrays hash
 * `length ^ 0xba5bedf00d` and then XOR each member hashed with the running value as seed; objects
 * hash `length ^ 0xf00ba44ba5` (seed2), then XOR per member the key's hash (seed3, seeded with
 * seed2) and the value's hash seeded with seed3 (so member order does not matter); everything
 * else hashes its VelocyPack bytes (null 0x18, false 0x19, true 0x1a, strings 0x40+len or 0xbf +
 * 8-byte length, then the UTF-8 bytes). Bit-compatibility with a running ArangoDB is derived from
 * the sources, not from a recorded output (docs/aql-functions.md).
 */
import type { AqlValue } from '../values.js'

const M = (1n << 64n) - 1n
const P1 = 11400714785074694791n
const P2 = 14029467366897019727n
const P3 = 1609587929392839161n
const P4 = 9650029242287828579n
const P5 = 2870177450012600261n

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M
const round = (acc: bigint, input: bigint): bigint => (rotl((acc + input * P2) & M, 31n) * P1) & M
const merge = (acc: bigint, val: bigint): bigint => ((((acc ^ round(0n, val)) * P1) & M) + P4) & M

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!)
  return v
}
function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0)
}

/** XXH64 of `input` with `seed` (the reference algorithm, little-endian reads). */
export function xxh64(input: Uint8Array, seed: bigint): bigint {
  const len = input.length
  let i = 0
  let h: bigint
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M
    let v2 = (seed + P2) & M
    let v3 = seed & M
    let v4 = (seed - P1) & M
    while (i + 32 <= len) {
      v1 = round(v1, u64(input, i))
      v2 = round(v2, u64(input, i + 8))
      v3 = round(v3, u64(input, i + 16))
      v4 = round(v4, u64(input, i + 24))
      i += 32
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M
    h = merge(merge(merge(merge(h, v1), v2), v3), v4)
  } else h = (seed + P5) & M
  h = (h + BigInt(len)) & M
  while (i + 8 <= len) {
    h = (rotl(h ^ round(0n, u64(input, i)), 27n) * P1 + P4) & M
    i += 8
  }
  if (i + 4 <= len) {
    h = (rotl(h ^ ((u32(input, i) * P1) & M), 23n) * P2 + P3) & M
    i += 4
  }
  while (i < len) {
    h = (rotl(h ^ ((BigInt(input[i]!) * P5) & M), 11n) * P1) & M
    i++
  }
  h = ((h ^ (h >> 33n)) * P2) & M
  h = ((h ^ (h >> 29n)) * P3) & M
  return h ^ (h >> 32n)
}

const u64Bytes = (v: bigint): Uint8Array => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, v & M, true)
  return b
}

function stringBytes(s: string): Uint8Array {
  const utf8 = Buffer.from(s, 'utf8')
  const head =
    utf8.length <= 126
      ? Buffer.from([0x40 + utf8.length])
      : Buffer.concat([Buffer.from([0xbf]), u64Bytes(BigInt(utf8.length))])
  return Buffer.concat([head, utf8])
}

/** VelocyPack's Slice::normalizedHash(seed) of an AQL value. */
export function normalizedHash(v: AqlValue, seed: bigint): bigint {
  if (typeof v === 'number') {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, v, true)
    return xxh64(b, seed)
  }
  if (Array.isArray(v)) {
    let value = xxh64(u64Bytes(BigInt(v.length) ^ 0xba5bedf00dn), seed)
    for (const x of v) value ^= normalizedHash(x, value)
    return value
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v)
    const seed2 = xxh64(u64Bytes(BigInt(keys.length) ^ 0xf00ba44ba5n), seed)
    let value = seed2
    for (const k of keys) {
      const seed3 = xxh64(stringBytes(k), seed2)
      value ^= seed3
      value ^= normalizedHash(v[k]!, seed3)
    }
    return value
  }
  if (typeof v === 'string') return xxh64(stringBytes(v), seed)
  return xxh64(Uint8Array.of(v === null ? 0x18 : v ? 0x1a : 0x19), seed)
}

/** HASH(value): the top bits are dropped so the number is exact in a double (as arangod does). */
export const aqlHash = (v: AqlValue): number => Number(normalizedHash(v, 0n) & 0x0007ffffffffffffn)
