/**
 * The bookkeeping's stored format: event versions (`version`, and format 1's converted), the
 * format 3 document of a vertex (and the edge lists' codec) and its `_key`. Separate from the resolution (ordered.ts) and the
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

/** The key of the format marker document in the versions collection (`{v: 3}`). */
export const FORMAT_KEY = '=format'
/** The format this version writes; it reads 2 as well (their edge lists are arrays). */
export const FORMAT = 3

/** A bookkeeping document of format 2 or 3 (format 1 documents have `kind` and no `f`). */
export const isVersionDoc = (d: { f?: unknown } | null | undefined): boolean =>
  d != null && (d.f === 3 || d.f === 2)

/**
 * A vertex's bookkeeping document, format 3 (format 2 differs only in `e`, see there). Versions
 * are stored once per document (`v`) and referred to by index, as most attributes and edges of
 * one record share its version.
 */
export interface VersionDoc {
  _key: string
  f: 2 | 3
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
   * Edges from this vertex, per edge collection: entries [slot, version, 1 follow | 0 unfollow],
   * plus the tombstone time (ms) of a removed one. The slot is `_to` for an edge with the default
   * key (the SHA-1 of `_from` and `_to`), else `#` and its key, and then `_to` follows (tombstone
   * or 0): [#key, version, present, tombstone ms or 0, _to]. Format 3 stores a collection's
   * entries as one string (`encodeEdges`): a vertex's document is read and written whole by every
   * window that touches it, and one string costs the consumer and the server a fraction of what
   * JSON of many small arrays does to parse and print; a window decodes only the lists it looks
   * at. Format 2 stored the arrays.
   */
  e?: Record<string, StoredEdge[] | string>
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

/**
 * Format 3's edge list: entries joined by `|`, an entry's fields by spaces (`users/bob 3 1`,
 * `#k1 4 0 1733600000000 users/bob`). Neither character can occur in a slot or a document
 * handle (ArangoDB's key and collection name characters), so no escaping is needed.
 */
export function encodeEdges(list: StoredEdge[]): string {
  return list.map(encodeEdge).join('|')
}

/** One entry of `encodeEdges`. */
export function encodeEdge(r: StoredEdge): string {
  return r.join(' ')
}

/** `encodeEdge` undone. */
export function decodeEdge(text: string): StoredEdge {
  const f = text.split(' ')
  const p = f[2] === '1' ? 1 : 0
  return f.length === 3
    ? [f[0], Number(f[1]), p]
    : f.length === 4
      ? [f[0], Number(f[1]), p, Number(f[3])]
      : [f[0], Number(f[1]), p, Number(f[3]), f[4]]
}
