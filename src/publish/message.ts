/**
 * Turning one piece of input text into a Pub/Sub message, or saying why it cannot be one.
 * Limits from https://cloud.google.com/pubsub/quotas#resource_limits: 10 MB per message (the
 * client libraries count 10 * 1000 * 1000 bytes of data, attributes and ordering key), 100
 * attributes, keys up to 256 bytes, values up to 1024 bytes, ordering keys up to 1024 bytes.
 */
import { isUtf8 } from 'node:buffer'

import { EXIT, GraphpipeError } from '../errors.js'

export const LIMITS = {
  messageBytes: 10 * 1000 * 1000,
  attributes: 100,
  attributeKeyBytes: 256,
  attributeValueBytes: 1024,
  orderingKeyBytes: 1024,
} as const

/** How each message gets its attributes and ordering key. */
export interface MessageOptions {
  /** `--attribute KEY=VALUE`: on every message. */
  attributes?: Record<string, string>
  /** `--attribute-from KEY=PATH`: from a field of each message (dot path). */
  attributesFrom?: Array<{ key: string; path: string[] }>
  /** `--ordering-key VALUE`. */
  orderingKey?: string
  /** `--ordering-key-from PATH` (dot path, split). */
  orderingKeyFrom?: string[]
}

export interface PreparedMessage {
  data: Buffer
  attributes?: Record<string, string>
  orderingKey?: string
  /** Bytes Pub/Sub counts for the message: data + attribute keys and values + ordering key. */
  size: number
}

export type Prepared = { ok: true; message: PreparedMessage } | { ok: false; reason: string }

/**
 * Removes whitespace outside strings; everything else stays byte for byte (numbers keep their
 * digits, which JSON.parse + JSON.stringify would not for integers beyond 2^53).
 */
export function compactJson(text: string): string {
  const out: string[] = []
  let start = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      if (i > start) out.push(text.slice(start, i))
      start = i + 1
    }
  }
  if (start < text.length) out.push(text.slice(start))
  return out.join('')
}

/** Splits a dot path: `data.0.username` -> ['data', '0', 'username']. */
export function parsePath(path: string, flag: string): string[] {
  const parts = path.split('.')
  if (path === '' || parts.some((p) => p === '')) {
    throw new GraphpipeError(
      'PUBLISH_BAD_PATH',
      `${flag}: "${path}" is not a dot path like data.0.username`,
      EXIT.USAGE,
    )
  }
  return parts
}

/** The value at a dot path (array elements by index), or undefined. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let cur: unknown = value
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key)) return undefined
      cur = cur[Number(key)]
    } else {
      cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined
    }
  }
  return cur
}

/** Attribute and ordering key values are strings: scalars as text, objects and arrays as JSON. */
function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

/** Whether messages need their parsed document (fields for attributes or the ordering key). */
export function needsDocument(opts: MessageOptions): boolean {
  return Boolean(opts.attributesFrom?.length) || opts.orderingKeyFrom !== undefined
}

/** Whether the bytes hold JSON whitespace (outside strings or not: then compaction has work). */
function hasWhitespace(raw: Buffer): boolean {
  return (
    raw.indexOf(0x20) !== -1 ||
    raw.indexOf(0x0a) !== -1 ||
    raw.indexOf(0x0d) !== -1 ||
    raw.indexOf(0x09) !== -1
  )
}

/**
 * Validate one piece of input and build its message. `validated`: these bytes passed an earlier
 * pass unchanged, so they are parsed again only when fields are needed. The body is the input
 * bytes themselves when there is no whitespace to remove (the common JSON-lines case).
 */
export function prepareMessage(raw: Buffer, opts: MessageOptions, validated = false): Prepared {
  let value: unknown
  let text: string | undefined
  if (!validated || needsDocument(opts)) {
    if (!validated && !isUtf8(raw)) return { ok: false, reason: 'not valid UTF-8' }
    text = raw.toString('utf8')
    try {
      value = JSON.parse(text)
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` }
    }
  }
  const data = hasWhitespace(raw) ? Buffer.from(compactJson(text ?? raw.toString('utf8')), 'utf8') : raw
  let size = data.length

  let attributes: Record<string, string> | undefined
  let count = 0
  const add = (key: string, val: string): string | undefined => {
    const kb = Buffer.byteLength(key)
    const vb = Buffer.byteLength(val)
    if (kb > LIMITS.attributeKeyBytes)
      return `attribute key "${key.slice(0, 40)}…" is ${kb} bytes (limit 256)`
    if (vb > LIMITS.attributeValueBytes) return `attribute "${key}" value is ${vb} bytes (limit 1024)`
    attributes ??= {}
    if (!(key in attributes)) count++
    else size -= Buffer.byteLength(key) + Buffer.byteLength(attributes[key])
    attributes[key] = val
    size += kb + vb
    return undefined
  }
  if (opts.attributes) {
    for (const [k, v] of Object.entries(opts.attributes)) {
      const why = add(k, v)
      if (why) return { ok: false, reason: why }
    }
  }
  if (opts.attributesFrom) {
    for (const { key, path } of opts.attributesFrom) {
      const v = asString(getPath(value, path))
      if (v === undefined) continue
      const why = add(key, v)
      if (why) return { ok: false, reason: `${why} (from field ${path.join('.')})` }
    }
  }
  if (count > LIMITS.attributes) return { ok: false, reason: `${count} attributes (limit 100)` }

  let orderingKey = opts.orderingKey
  if (opts.orderingKeyFrom) orderingKey = asString(getPath(value, opts.orderingKeyFrom))
  if (orderingKey !== undefined) {
    const ob = Buffer.byteLength(orderingKey)
    if (ob > LIMITS.orderingKeyBytes) return { ok: false, reason: `ordering key is ${ob} bytes (limit 1024)` }
    if (ob === 0) orderingKey = undefined
    else size += ob
  }
  if (size > LIMITS.messageBytes) {
    return { ok: false, reason: `message over 10 MB (${size} bytes with attributes and ordering key)` }
  }
  return { ok: true, message: { data, attributes, orderingKey, size } }
}
