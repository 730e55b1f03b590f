/**
 * What a mapping does to a record's fields before it shapes documents: `nulls`, per-field type
 * conversion (`types`) and keys, plain or computed from several attributes.
 */
import type { FieldType, KeySpec } from './spec.js'

type Doc = Record<string, unknown>

/** ArangoDB's document key rule: 1-254 bytes of letters, digits and _-.@()+,=;$!*'%: */
const KEY_RE = /^[A-Za-z0-9_\-.@()+,=;$!*'%:]{1,254}$/

export function keyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `key must be a string, got ${key === null ? 'null' : typeof key}`
  if (!KEY_RE.test(key)) {
    return `"${key.length > 60 ? key.slice(0, 60) + '…' : key}" is not a valid document key (1-254 characters of A-Z a-z 0-9 _-.@()+,=;$!*'%:)`
  }
  return undefined
}

/** A key from an attribute value: strings as they are, integers as their decimal text. */
export function asKey(v: unknown): unknown {
  return typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 40 ? s.slice(0, 40) + '…' : s
}

/** Why a value does not convert (a class, so no converted value can be mistaken for it). */
export class Problem {
  constructor(readonly message: string) {}
}

/** One value converted to `type`, or the Problem. null stays null; "" is null for non-strings. */
export function convertValue(v: unknown, type: FieldType): unknown {
  if (v === null) return null
  switch (type) {
    case 'string':
      if (typeof v === 'string') return v
      if (typeof v === 'number' || typeof v === 'boolean') return String(v)
      return new Problem(`${show(v)} is not a string`)
    case 'number':
    case 'integer': {
      let n: number
      if (typeof v === 'number') n = v
      else if (typeof v === 'string' && v.trim() !== '') n = Number(v.trim())
      else if (v === '') return null
      else return new Problem(`${show(v)} is not a${type === 'integer' ? 'n integer' : ' number'}`)
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isSafeInteger(n)))
        return new Problem(`${show(v)} is not a${type === 'integer' ? 'n integer' : ' number'}`)
      return n
    }
    case 'boolean':
      if (typeof v === 'boolean') return v
      if (v === 1 || v === 'true' || v === '1') return true
      if (v === 0 || v === 'false' || v === '0') return false
      if (v === '') return null
      return new Problem(`${show(v)} is not a boolean (true/false/1/0)`)
    case 'json':
      if (typeof v !== 'string') return v
      if (v === '') return null
      try {
        return JSON.parse(v) as unknown
      } catch {
        return new Problem(`${show(v)} is not JSON`)
      }
  }
}

/** The record with `nulls` read as null and `types` applied, or why it does not convert. */
export function convertRecord(
  record: Doc,
  nulls: unknown[] | undefined,
  types: Record<string, FieldType> | undefined,
): Doc | string {
  if (!nulls?.length && !types) return record
  const out: Doc = { ...record }
  if (nulls?.length) for (const [k, v] of Object.entries(out)) if (nulls.includes(v)) out[k] = null
  for (const [field, type] of Object.entries(types ?? {})) {
    if (out[field] === undefined) continue
    const v = convertValue(out[field], type)
    if (v instanceof Problem) return `invalid record: "${field}": ${v.message}`
    out[field] = v
  }
  return out
}

/** A key from one attribute, or the values of several joined by `separator`, or the Problem. */
export function keyOf(record: Doc, spec: KeySpec, separator: string): string | Problem {
  const fields = typeof spec === 'string' ? [spec] : spec
  const parts: string[] = []
  for (const f of fields) {
    const v = asKey(record[f])
    if (v === undefined || v === null || v === '') return new Problem(`no "${f}" (the document key)`)
    if (typeof v !== 'string') return new Problem(`"${f}": ${keyProblem(v)}`)
    parts.push(v)
  }
  const key = parts.join(separator)
  const problem = keyProblem(key)
  if (!problem) return key
  return new Problem(`${fields.map((f) => `"${f}"`).join('+')}: ${problem}`)
}
