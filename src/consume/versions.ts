/**
 * The bookkeeping's stored format: event versions (`version`, and format 1's converted), the
 * format 2 document of a vertex and its `_key`. Separate from the resolution (ordered.ts) and the
 * working state (vertexstate.ts): the writer, the conversion and the tests need only these.
 */
import { sha1 } from './batch.js'

/**
 * Sortable text of (event time, message id, record index): plain string order is version order.
 * Compact, as a bookkeeping document holds many: the event time in base 36 (11 characters, fixed
 * width), a numeric message id (Pub/Sub's) as its length in base 36 and its digits, the record
 * index likewise; any other message id follows `~` and ends with `|` (ordered after numeric ones).
 * Format 1 wrote `16 digits|30-digit id|8 digits`: `fromV1Version` converts those.
 */
export function version(eventTime: number, messageId: string, recordIndex = 0): string {
  const t = Math.max(0, Math.trunc(eventTime)).toString(36).padStart(11, '0')
  const i = String(recordIndex)
  const index = i.length.toString(36) + i
  if (/^\d{1,30}$/.test(messageId)) {
    const n = messageId.replace(/^0+(?=\d)/, '')
    return t + n.length.toString(36) + n + index
  }
  return `${t}~${messageId}|${index}`
}

/** A format 1 version (`16 digits|id|8 digits`) in today's form ('' stays: older than any). */
export function fromV1Version(v: string): string {
  const m = /^(\d{16})\|(.*)\|(\d{8})$/s.exec(v)
  return m ? version(Number(m[1]), m[2], Number(m[3])) : v
}

/** The key of the format marker document in the versions collection (`{v: 2}`). */
export const FORMAT_KEY = '=format'
export const FORMAT = 2

/**
 * A vertex's bookkeeping document, format 2. Versions are stored once per document (`v`) and
 * referred to by index, as most attributes and edges of one record share its version.
 */
export interface VersionDoc {
  _key: string
  f: 2
  /** The vertex: collection and key. */
  c: string
  k: string
  /** The versions the fields below refer to by index. */
  v: string[]
  /** Attribute -> version of its winning write. */
  a?: Record<string, number>
  /** Placeholder (create-if-missing) attribute -> [version, value]. */
  w?: Record<string, [number, unknown]>
  /** Latest delete. */
  d?: number
  /** Latest write touching the vertex. */
  t?: number
  /** Wall-clock ms when the vertex became a tombstone (gone): purged after --tombstone-ttl. */
  vt?: number
  /**
   * Edges from this vertex, per edge collection: [slot, version, 1 follow | 0 unfollow], plus the
   * tombstone time (ms) of a removed one. The slot is `_to` for an edge with the default key (the
   * SHA-1 of `_from` and `_to`), else `#` and its key, and then `_to` follows (tombstone or 0):
   * [#key, version, present, tombstone ms or 0, _to]. (Arrays, not objects keyed by slot: parsed
   * objects with arbitrary keys are slow to read and write in V8.)
   */
  e?: Record<string, StoredEdge[]>
  /** The earliest tombstone in this document (vertex or edge), for the purge. */
  tomb?: number
  /** Versions in `v` when it was last rebuilt (it is rebuilt once it has grown past twice that). */
  vn?: number
}

/**
 * The bookkeeping `_key` of a vertex: `collection:key` (both are valid key characters and a
 * collection name holds no `:`), or `=` and a SHA-1 when that is longer than a key may be.
 */
export function versionKey(collection: string, key: string): string {
  return versionKeyOfId(`${collection}/${key}`)
}

/** The same from a document id `collection/key` (edge ends), without splitting it. */
export function versionKeyOfId(id: string): string {
  // keys are ASCII (ArangoDB's key characters): length is bytes
  const k = id.replace('/', ':')
  return k.length <= 254 ? k : `=${sha1(k)}`
}

/** A stored edge entry (see `VersionDoc.e`). */
export type StoredEdge =
  [string, number, 0 | 1] | [string, number, 0 | 1, number] | [string, number, 0 | 1, number, string]
