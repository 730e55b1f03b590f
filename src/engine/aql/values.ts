/**
 * AQL values and their semantics, shared by the executor and the function library.
 * Type order null < bool < number < string < array < object
 * (docs.arangodb.com/3.12/aql/fundamentals/type-and-value-order/).
 */
export type AqlValue = null | boolean | number | string | AqlValue[] | { [k: string]: AqlValue }
export type AqlObject = { [k: string]: AqlValue }

export function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 0
  switch (typeof v) {
    case 'boolean':
      return 1
    case 'number':
      return 2
    case 'string':
      return 3
    default:
      return Array.isArray(v) ? 4 : 5
  }
}

/** Compare strings by code point (3.12 defaults to the en_US_POSIX locale). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const la = a.length
  const lb = b.length
  const n = Math.min(la, lb)
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!
    const cb = b.codePointAt(i)!
    if (ca !== cb) return ca < cb ? -1 : 1
    if (ca > 0xffff) i++
  }
  return la < lb ? -1 : la > lb ? 1 : 0
}

/** Total order over AQL values: -1, 0 or 1. Arrays element-wise, objects over the sorted union of keys. */
export function compare(a: unknown, b: unknown): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  switch (ra) {
    case 0:
      return 0
    case 1:
      return a === b ? 0 : a ? 1 : -1
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
    case 3:
      return compareStrings(a as string, b as string)
    case 4: {
      const xa = a as unknown[]
      const xb = b as unknown[]
      const n = Math.max(xa.length, xb.length)
      for (let i = 0; i < n; i++) {
        const c = compare(i < xa.length ? xa[i] : null, i < xb.length ? xb[i] : null)
        if (c !== 0) return c
      }
      return 0
    }
    default: {
      const oa = a as Record<string, unknown>
      const ob = b as Record<string, unknown>
      const keys = [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort(compareStrings)
      for (const k of keys) {
        const c = compare(oa[k] ?? null, ob[k] ?? null)
        if (c !== 0) return c
      }
      return 0
    }
  }
}

export const equals = (a: unknown, b: unknown): boolean => compare(a, b) === 0

/** AQL truthiness (TO_BOOL): null, false, 0, "" are false; every array and object is true. */
export function toBool(v: unknown): boolean {
  if (v === null || v === undefined) return false
  switch (typeof v) {
    case 'boolean':
      return v
    case 'number':
      return v !== 0 && !Number.isNaN(v)
    case 'string':
      return v.length > 0
    default:
      return true
  }
}

/** TO_NUMBER: null/false/objects -> 0, true -> 1, numeric strings parsed (else 0), [x] -> TO_NUMBER(x), longer arrays 0. */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0
  switch (typeof v) {
    case 'boolean':
      return v ? 1 : 0
    case 'number':
      return Number.isFinite(v) ? v : 0
    case 'string': {
      const s = v.trim()
      if (s === '') return 0
      const n = Number(s)
      return Number.isFinite(n) ? n : 0
    }
    default:
      if (Array.isArray(v)) {
        if (v.length === 0) return 0
        if (v.length === 1) return toNumber(v[0])
        return 0
      }
      return 0
  }
}

/** Numbers as ArangoDB prints them: integers without a fraction, others in shortest round-trip form. */
export function numberToString(n: number): string {
  if (!Number.isFinite(n)) return 'null'
  return String(n)
}

/** TO_STRING: null -> "", arrays/objects -> compact JSON. */
export function toStringValue(v: unknown): string {
  if (v === null || v === undefined) return ''
  switch (typeof v) {
    case 'string':
      return v
    case 'boolean':
      return v ? 'true' : 'false'
    case 'number':
      return numberToString(v)
    default:
      return JSON.stringify(v)
  }
}

export function typeName(v: unknown): string {
  return ['null', 'bool', 'number', 'string', 'array', 'object'][typeRank(v)]!
}

/** Normalise a JS value into an AQL value: undefined -> null, non-finite numbers -> null. */
export function normalize(v: unknown): AqlValue {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  return v as AqlValue
}

/**
 * A string that is equal for AQL-equal values (object key order ignored), for DISTINCT, COLLECT
 * grouping and UNIQUE-style aggregation.
 */
export function canonicalKey(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v !== 'object') return typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v)
  if (Array.isArray(v)) return '[' + v.map(canonicalKey).join(',') + ']'
  const o = v as Record<string, unknown>
  return (
    '{' +
    Object.keys(o)
      .sort()
      .map((k) => JSON.stringify(k) + ':' + canonicalKey(o[k]))
      .join(',') +
    '}'
  )
}
