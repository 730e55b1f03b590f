/**
 * The schema of a mapping file (docs/mapping.md documents it for users): one strict schema at
 * every level, shared by `graphpipe consume --mapping` and `graphpipe import --mapping`.
 */
import { EXIT, GraphpipeError } from '../errors.js'
import { isObject } from '../objects.js'

/** An attribute name, or several whose values joined by `keySeparator` make a computed key. */
export type KeySpec = string | string[]

/** Per-field type conversion (`types`): what a field's value is turned into before mapping. */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'json'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export interface EdgeSpec {
  /** Attribute of a record naming the target(s): a key or an array of keys. */
  field: string
  /** Edge collection. */
  collection: string
  /** Vertex collection of the targets (default: the record's own collection). */
  to?: string
  /** Vertex collection of the source (default: the record's own collection). */
  from?: string
  /** Attribute naming the source's key (default: the record's own vertex); needed with a foreign `from`. */
  fromField?: string
  /** The edge's `_key` from record attributes (default: derived from `_from` and `_to`). */
  key?: KeySpec
  /** Record attributes copied into each edge. */
  attributes?: string[]
  /** Create a missing target (and a missing `fromField` source) as `{_key[, targetKey]}`, never overwriting (default true). */
  createMissing?: boolean
  /** Attribute set to the key on a created target (default: vertex.key when `to` is the vertex collection). */
  targetKey?: string
  /** Attribute of a record naming target(s) whose edge is removed (e.g. `unfollow`). */
  removeField?: string
}

export interface MappingSpec {
  /** Dot path to the array of records in a message; "" or "." means the message itself. */
  records: string
  /** Values read as null before conversion (e.g. OpenFlights' `\N`). */
  nulls?: unknown[]
  /** Type conversion per record field, applied before keys, documents and edges are made. */
  types?: Record<string, FieldType>
  /** Joins the parts of a computed key (default `_`). */
  keySeparator?: string
  vertex: {
    collection: string
    /** Attribute(s) holding the document key. */
    key: KeySpec
    /** Only these attributes are copied into the vertex (default: all but the excluded). */
    include?: string[]
    /** Attributes never copied into the vertex (edge fields are always left out). */
    exclude?: string[]
    /** Keep the key attribute in the document beside `_key` (default true, as the seed does). */
    keepKey?: boolean
    /** A record whose `field` equals `value` (default true) deletes the vertex and its edges. */
    deleteWhen?: { field: string; value?: unknown }
  }
  edges?: EdgeSpec[]
  /** Record field holding the event time (epoch ms or RFC 3339); wins over --event-time-attribute. */
  eventTime?: string
  /** Named graph to create when missing, with one edge definition per edge collection; omit for none. */
  graph?: string
}

type Obj = Record<string, unknown>

export function specError(where: string, message: string): GraphpipeError {
  return new GraphpipeError('CONSUME_BAD_MAPPING', `${where}: ${message}`, EXIT.USAGE)
}

/** Edit distance, for "did you mean" on a mistyped key. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

/** The nearest of `known` to `word`, when near enough to be a typo. */
function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const c of known) {
    const d = distance(word.toLowerCase(), c.toLowerCase())
    if (d < bestD) [best, bestD] = [c, d]
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined
}

/** Refuses keys of `obj` outside `known`, naming the nearest valid one (one strict schema at every level). */
function strictKeys(obj: Obj, known: string[], at: string, where: string): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k)) continue
    const best = nearest(k, known)
    throw specError(where, `unknown field "${at}${k}"${best ? `; did you mean ${best}?` : ''}`)
  }
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string')

/** Checks a parsed mapping file; `where` names it in errors. */
export function validateMappingSpec(raw: unknown, where: string): MappingSpec {
  if (!isObject(raw)) throw specError(where, 'a mapping file is a JSON object')
  strictKeys(
    raw,
    [
      'records',
      'nulls',
      'types',
      'keySeparator',
      'vertex',
      'edges',
      'graph',
      'eventTime',
      '$schema',
      'description',
    ],
    '',
    where,
  )
  const str = (v: unknown, field: string, optional = false): void => {
    if (v === undefined && optional) return
    if (typeof v !== 'string' || (v === '' && field !== 'records'))
      throw specError(where, `"${field}" must be a non-empty string`)
  }
  const names = (v: unknown, field: string): void => {
    if (v !== undefined && !strings(v))
      throw specError(where, `"${field}" must be an array of attribute names`)
  }
  const keySpec = (v: unknown, field: string, optional = false): void => {
    if (v === undefined && optional) return
    if (typeof v === 'string' && v !== '') return
    if (strings(v) && v.length > 0 && v.every((x) => x !== '')) return
    throw specError(where, `"${field}" must be an attribute name or a non-empty array of them`)
  }
  str(raw.records ?? '', 'records')
  str(raw.eventTime, 'eventTime', true)
  if (raw.nulls !== undefined && !Array.isArray(raw.nulls))
    throw specError(where, '"nulls" must be an array of values read as null')
  if (raw.keySeparator !== undefined && typeof raw.keySeparator !== 'string')
    throw specError(where, '"keySeparator" must be a string')
  if (raw.types !== undefined) {
    if (!isObject(raw.types)) throw specError(where, '"types" must be an object of field name -> type')
    for (const [field, t] of Object.entries(raw.types)) {
      if (typeof t === 'string' && (FIELD_TYPES as readonly string[]).includes(t)) continue
      const best = typeof t === 'string' ? nearest(t, FIELD_TYPES) : undefined
      throw specError(
        where,
        `"types.${field}": unknown type ${JSON.stringify(t)}${best ? `; did you mean ${best}?` : ''} (one of ${FIELD_TYPES.join(', ')})`,
      )
    }
  }
  const vertex = raw.vertex
  if (!isObject(vertex)) throw specError(where, '"vertex" must be an object {collection, key}')
  strictKeys(vertex, ['collection', 'key', 'include', 'exclude', 'keepKey', 'deleteWhen'], 'vertex.', where)
  str(vertex.collection, 'vertex.collection')
  keySpec(vertex.key, 'vertex.key')
  names(vertex.include, 'vertex.include')
  names(vertex.exclude, 'vertex.exclude')
  if (vertex.keepKey !== undefined && typeof vertex.keepKey !== 'boolean')
    throw specError(where, '"vertex.keepKey" must be true or false')
  if (vertex.deleteWhen !== undefined) {
    if (!isObject(vertex.deleteWhen))
      throw specError(where, '"vertex.deleteWhen" must be an object {field, value}')
    strictKeys(vertex.deleteWhen, ['field', 'value'], 'vertex.deleteWhen.', where)
    str(vertex.deleteWhen.field, 'vertex.deleteWhen.field')
  }
  const edges = raw.edges ?? []
  if (!Array.isArray(edges)) throw specError(where, '"edges" must be an array')
  edges.forEach((e, i) => {
    if (!isObject(e)) throw specError(where, `"edges[${i}]" must be an object {field, collection, to}`)
    strictKeys(
      e,
      [
        'field',
        'collection',
        'to',
        'from',
        'fromField',
        'key',
        'attributes',
        'createMissing',
        'targetKey',
        'removeField',
      ],
      `edges[${i}].`,
      where,
    )
    str(e.field, `edges[${i}].field`)
    str(e.collection, `edges[${i}].collection`)
    str(e.to, `edges[${i}].to`, true)
    str(e.from, `edges[${i}].from`, true)
    str(e.fromField, `edges[${i}].fromField`, true)
    keySpec(e.key, `edges[${i}].key`, true)
    names(e.attributes, `edges[${i}].attributes`)
    str(e.targetKey, `edges[${i}].targetKey`, true)
    str(e.removeField, `edges[${i}].removeField`, true)
    if (e.createMissing !== undefined && typeof e.createMissing !== 'boolean')
      throw specError(where, `"edges[${i}].createMissing" must be true or false`)
    // without fromField the source is the record's own vertex, which lives in vertex.collection
    if (e.from !== undefined && e.fromField === undefined && e.from !== vertex.collection)
      throw specError(
        where,
        `"edges[${i}].from" is not the vertex collection: give "edges[${i}].fromField", the attribute naming the source key`,
      )
    if (e.removeField !== undefined && e.fromField !== undefined)
      throw specError(where, `"edges[${i}].removeField" works only for edges from the record's own vertex`)
  })
  str(raw.graph, 'graph', true)
  return { ...(raw as unknown as MappingSpec), records: (raw.records as string | undefined) ?? '' }
}
