/**
 * How a message becomes graph documents: the built-in `twitter` mapping (the seed's shape), a
 * declarative mapping FILE for other shapes, or a `--transform` ES module for anything else.
 * A mapper only shapes documents; merging, keys of edges and writing happen in batch.ts/writer.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { isObject } from '../objects.js'

export type Doc = Record<string, unknown>

export interface OutDoc {
  collection: string
  doc: Doc
}

/**
 * What one record (or, for a transform, one whole message) produces. A group is atomic: when any
 * part of it is invalid, none of it is written and the record is dead-lettered.
 */
export interface RecordGroup {
  recordIndex?: number
  record?: unknown
  /** Merged into existing documents (overwriteMode update). */
  vertices: OutDoc[]
  /** Created only when missing, never overwriting (overwriteMode ignore). */
  ensure: OutDoc[]
  /** `_from`/`_to` set; `_key` is derived in batch.ts unless given. */
  edges: OutDoc[]
  /** Vertices to delete (`{_key}`), with every edge from or to them. */
  deletes?: OutDoc[]
  /** Edges to remove (`_from`/`_to`, `_key` derived as for edges). */
  unlinks?: OutDoc[]
  /** Event time (ms) taken from a record field (the mapping's `eventTime`). */
  eventTime?: number
}

export interface Reject {
  reason: string
  recordIndex?: number
  record?: unknown
}

export interface MapResult {
  groups: RecordGroup[]
  rejects: Reject[]
}

export interface GraphSpec {
  name: string
  edgeDefinitions: { collection: string; from: string[]; to: string[] }[]
}

export interface Mapper {
  /** `twitter`, the mapping file's path, or `transform <module>`: for reports. */
  readonly name: string
  readonly vertexCollections: string[]
  readonly edgeCollections: string[]
  readonly graph?: GraphSpec
  map(message: unknown): MapResult | Promise<MapResult>
}

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
function asKey(v: unknown): unknown {
  return typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v
}

// ---------------------------------------------------------------------------------------------
// Declarative mappings (the twitter one is an instance)

/** The JSON schema of a mapping file; docs/consume.md documents it for users. */
export interface MappingSpec {
  /** Dot path to the array of records in a message; "" or "." means the message itself. */
  records: string
  vertex: {
    collection: string
    /** Attribute holding the document key. */
    key: string
    /** Attributes never copied into the vertex (edge fields are always left out). */
    exclude?: string[]
    /** Keep the key attribute in the document beside `_key` (default true, as the seed does). */
    keepKey?: boolean
    /** A record whose `field` equals `value` (default true) deletes the vertex and its edges. */
    deleteWhen?: { field: string; value?: unknown }
  }
  edges?: {
    /** Attribute of a record naming the target(s): a key or an array of keys. */
    field: string
    /** Edge collection. */
    collection: string
    /** Vertex collection of the targets (default: the record's own collection). */
    to?: string
    /** Create a target missing from `to` as `{_key[, targetKey]}`, never overwriting (default true). */
    createMissing?: boolean
    /** Attribute set to the key on a created target (default: vertex.key when `to` is the vertex collection). */
    targetKey?: string
    /** Attribute of a record naming target(s) whose edge is removed (e.g. `unfollow`). */
    removeField?: string
  }[]
  /** Record field holding the event time (epoch ms or RFC 3339); wins over --event-time-attribute. */
  eventTime?: string
  /** Named graph to create when missing, with one edge definition per edge collection; omit for none. */
  graph?: string
}

export const TWITTER_MAPPING: MappingSpec = {
  records: 'data',
  vertex: { collection: 'users', key: 'username', deleteWhen: { field: 'deleted', value: true } },
  edges: [
    { field: 'follow', collection: 'follow', to: 'users', createMissing: true, removeField: 'unfollow' },
  ],
  graph: 'twitter',
}

function get(value: unknown, dotPath: string): unknown {
  if (dotPath === '' || dotPath === '.') return value
  let cur = value
  for (const part of dotPath.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined
    cur = (cur as Doc)[part]
  }
  return cur
}

function specError(where: string, message: string): GraphpipeError {
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

/** Refuses keys of `obj` outside `known`, naming the nearest valid one (one strict schema at every level). */
function strictKeys(obj: Doc, known: string[], at: string, where: string): void {
  for (const k of Object.keys(obj)) {
    if (known.includes(k)) continue
    let best: string | undefined
    let bestD = Infinity
    for (const c of known) {
      const d = distance(k.toLowerCase(), c.toLowerCase())
      if (d < bestD) [best, bestD] = [c, d]
    }
    const hint =
      best !== undefined && bestD <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean ${best}?` : ''
    throw specError(where, `unknown field "${at}${k}"${hint}`)
  }
}

/** Checks a parsed mapping file; `where` names it in errors. */
export function validateMappingSpec(raw: unknown, where: string): MappingSpec {
  if (!isObject(raw)) throw specError(where, 'a mapping file is a JSON object')
  strictKeys(raw, ['records', 'vertex', 'edges', 'graph', 'eventTime', '$schema', 'description'], '', where)
  const str = (v: unknown, field: string, optional = false): void => {
    if (v === undefined && optional) return
    if (typeof v !== 'string' || (v === '' && field !== 'records'))
      throw specError(where, `"${field}" must be a non-empty string`)
  }
  str(raw.records ?? '', 'records')
  str(raw.eventTime, 'eventTime', true)
  const vertex = raw.vertex
  if (!isObject(vertex)) throw specError(where, '"vertex" must be an object {collection, key}')
  strictKeys(vertex, ['collection', 'key', 'exclude', 'keepKey', 'deleteWhen'], 'vertex.', where)
  str(vertex.collection, 'vertex.collection')
  str(vertex.key, 'vertex.key')
  if (
    vertex.exclude !== undefined &&
    !(Array.isArray(vertex.exclude) && vertex.exclude.every((x) => typeof x === 'string'))
  )
    throw specError(where, '"vertex.exclude" must be an array of attribute names')
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
      ['field', 'collection', 'to', 'createMissing', 'targetKey', 'removeField'],
      `edges[${i}].`,
      where,
    )
    str(e.field, `edges[${i}].field`)
    str(e.collection, `edges[${i}].collection`)
    str(e.to, `edges[${i}].to`, true)
    str(e.targetKey, `edges[${i}].targetKey`, true)
    str(e.removeField, `edges[${i}].removeField`, true)
    if (e.createMissing !== undefined && typeof e.createMissing !== 'boolean')
      throw specError(where, `"edges[${i}].createMissing" must be true or false`)
  })
  str(raw.graph, 'graph', true)
  return { ...(raw as unknown as MappingSpec), records: (raw.records as string | undefined) ?? '' }
}

/** An event time from a record field or message attribute: epoch ms (number or digits) or RFC 3339. */
export function parseEventTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.trunc(v) : undefined
  if (typeof v !== 'string' || v === '') return undefined
  if (/^\d+(\.\d+)?$/.test(v)) return Math.trunc(Number(v))
  // RFC 3339: date, 'T' or space, time, zone (Z or ±hh:mm)
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v)) return undefined
  const t = Date.parse(v)
  return Number.isFinite(t) ? t : undefined
}

export class DeclarativeMapper implements Mapper {
  readonly vertexCollections: string[]
  readonly edgeCollections: string[]
  readonly graph?: GraphSpec
  private readonly excluded: Set<string>
  private readonly edges: (Required<Omit<NonNullable<MappingSpec['edges']>[number], 'removeField'>> & {
    removeField?: string
  })[]

  constructor(
    readonly name: string,
    private readonly spec: MappingSpec,
  ) {
    const v = spec.vertex
    this.edges = (spec.edges ?? []).map((e) => {
      const to = e.to ?? v.collection
      return {
        field: e.field,
        collection: e.collection,
        to,
        createMissing: e.createMissing ?? true,
        targetKey: e.targetKey ?? (to === v.collection ? v.key : ''),
        removeField: e.removeField,
      }
    })
    this.excluded = new Set([
      ...(v.exclude ?? []),
      ...this.edges.map((e) => e.field),
      ...this.edges.flatMap((e) => (e.removeField ? [e.removeField] : [])),
      ...(v.deleteWhen ? [v.deleteWhen.field] : []),
      ...(spec.eventTime ? [spec.eventTime] : []),
    ])
    this.vertexCollections = [...new Set([v.collection, ...this.edges.map((e) => e.to)])]
    this.edgeCollections = [...new Set(this.edges.map((e) => e.collection))]
    if (spec.graph) {
      const defs = new Map<string, { collection: string; from: string[]; to: string[] }>()
      for (const e of this.edges) {
        const d = defs.get(e.collection) ?? { collection: e.collection, from: [], to: [] }
        if (!d.from.includes(v.collection)) d.from.push(v.collection)
        if (!d.to.includes(e.to)) d.to.push(e.to)
        defs.set(e.collection, d)
      }
      this.graph = { name: spec.graph, edgeDefinitions: [...defs.values()] }
    }
  }

  map(message: unknown): MapResult {
    const records = get(message, this.spec.records)
    const where =
      this.spec.records === '' || this.spec.records === '.' ? 'the message' : `"${this.spec.records}"`
    if (records === undefined || records === null) {
      return { groups: [], rejects: [{ reason: `does not fit the mapping: ${where} is missing` }] }
    }
    const list = Array.isArray(records) ? records : isObject(records) ? [records] : undefined
    if (!list) {
      return {
        groups: [],
        rejects: [
          { reason: `does not fit the mapping: ${where} must be an array of records, got ${typeof records}` },
        ],
      }
    }
    const result: MapResult = { groups: [], rejects: [] }
    list.forEach((record, recordIndex) => {
      const out = this.mapRecord(record)
      if (typeof out === 'string') result.rejects.push({ reason: out, recordIndex, record })
      else result.groups.push({ ...out, recordIndex, record })
    })
    return result
  }

  private mapRecord(record: unknown): Omit<RecordGroup, 'recordIndex' | 'record'> | string {
    const v = this.spec.vertex
    if (!isObject(record))
      return `invalid record: expected an object, got ${Array.isArray(record) ? 'an array' : typeof record}`
    const key = asKey(record[v.key])
    if (key === undefined || key === null || key === '')
      return `invalid record: no "${v.key}" (the document key)`
    const problem = keyProblem(key)
    if (problem) return `invalid record: "${v.key}": ${problem}`
    let eventTime: number | undefined
    if (this.spec.eventTime !== undefined && record[this.spec.eventTime] !== undefined) {
      eventTime = parseEventTime(record[this.spec.eventTime])
      if (eventTime === undefined)
        return `invalid record: "${this.spec.eventTime}" is not an event time (epoch ms or RFC 3339)`
    }
    const del = v.deleteWhen
    if (del && record[del.field] !== undefined && record[del.field] === (del.value ?? true)) {
      // a deletion: the record's other fields do not matter
      return {
        vertices: [],
        ensure: [],
        edges: [],
        deletes: [{ collection: v.collection, doc: { _key: key } }],
        unlinks: [],
        eventTime,
      }
    }
    const doc: Doc = { _key: key }
    for (const [k, val] of Object.entries(record)) {
      if (this.excluded.has(k) || k === '_key' || k === '_id' || k === '_rev') continue
      if (k === v.key && v.keepKey === false) continue
      doc[k] = val
    }
    const group = {
      vertices: [{ collection: v.collection, doc }],
      ensure: [] as OutDoc[],
      edges: [] as OutDoc[],
      deletes: [] as OutDoc[],
      unlinks: [] as OutDoc[],
      eventTime,
    }
    for (const e of this.edges) {
      const gone = e.removeField === undefined ? undefined : record[e.removeField]
      if (gone !== undefined && gone !== null) {
        for (const t of Array.isArray(gone) ? gone : [gone]) {
          const target = asKey(t)
          const bad = keyProblem(target)
          if (bad) return `invalid record: "${e.removeField}": ${bad}`
          group.unlinks.push({
            collection: e.collection,
            doc: { _from: `${v.collection}/${key}`, _to: `${e.to}/${target as string}` },
          })
        }
      }
      const raw = record[e.field]
      if (raw === undefined || raw === null) continue
      const targets = Array.isArray(raw) ? raw : [raw]
      for (const t of targets) {
        const target = asKey(t)
        const bad = keyProblem(target)
        if (bad) return `invalid record: "${e.field}": ${bad}`
        const to = target as string
        group.edges.push({
          collection: e.collection,
          doc: { _from: `${v.collection}/${key}`, _to: `${e.to}/${to}` },
        })
        if (e.createMissing && !(e.to === v.collection && to === key)) {
          const placeholder: Doc = { _key: to }
          if (e.targetKey) placeholder[e.targetKey] = to
          group.ensure.push({ collection: e.to, doc: placeholder })
        }
      }
    }
    return group
  }
}

export function twitterMapper(): DeclarativeMapper {
  return new DeclarativeMapper('twitter', TWITTER_MAPPING)
}

export function loadMappingFile(file: string): DeclarativeMapper {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new GraphpipeError(
      'CONSUME_BAD_MAPPING',
      `${file}: cannot read the mapping file (${(err as NodeJS.ErrnoException).code})`,
      EXIT.USAGE,
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw specError(file, `not JSON: ${(err as Error).message}`)
  }
  return new DeclarativeMapper(file, validateMappingSpec(raw, file))
}

// ---------------------------------------------------------------------------------------------
// --transform MODULE

export type TransformOutput = {
  vertices?: Record<string, Doc[]>
  ensure?: Record<string, Doc[]>
  edges?: Record<string, Doc[]>
}
export type TransformFn = (
  message: unknown,
) => TransformOutput | null | undefined | Promise<TransformOutput | null | undefined>

const ID_RE = /^([^/]+)\/(.+)$/

/** Checks what a transform returned; a string says why the message is rejected. */
export function checkTransformOutput(out: unknown): RecordGroup | string {
  if (out === null || out === undefined) return { vertices: [], ensure: [], edges: [] }
  if (!isObject(out)) return 'transform returned something other than {vertices, edges}'
  const group: RecordGroup = { vertices: [], ensure: [], edges: [] }
  for (const part of ['vertices', 'ensure', 'edges'] as const) {
    const byColl = out[part]
    if (byColl === undefined) continue
    if (!isObject(byColl))
      return `transform: "${part}" must be an object of collection name -> array of documents`
    for (const [collection, docs] of Object.entries(byColl)) {
      if (!Array.isArray(docs)) return `transform: "${part}.${collection}" must be an array`
      for (const doc of docs) {
        if (!isObject(doc)) return `transform: "${part}.${collection}" holds a non-object`
        if (part === 'edges') {
          for (const end of ['_from', '_to'] as const) {
            const m = typeof doc[end] === 'string' ? ID_RE.exec(doc[end] as string) : null
            if (!m) return `transform: an edge in "${collection}" has no valid ${end} (collection/key)`
            const bad = keyProblem(m[2])
            if (bad) return `transform: an edge in "${collection}" has ${end}: ${bad}`
          }
          if (doc._key !== undefined) {
            const bad = keyProblem(asKey(doc._key))
            if (bad) return `transform: an edge in "${collection}": _key ${bad}`
          }
        } else {
          const bad = keyProblem(asKey(doc._key))
          if (bad) return `transform: a document in "${collection}" has no valid _key: ${bad}`
        }
        group[part].push({ collection, doc: { ...doc, _key: asKey(doc._key) } })
      }
    }
  }
  for (const e of group.edges) if (e.doc._key === undefined) delete e.doc._key
  return group
}

export class TransformMapper implements Mapper {
  readonly vertexCollections: string[] = []
  readonly edgeCollections: string[] = []

  constructor(
    readonly name: string,
    private readonly fn: TransformFn,
    readonly graph?: GraphSpec,
  ) {}

  async map(message: unknown): Promise<MapResult> {
    let out: unknown
    try {
      out = await this.fn(message)
    } catch (err) {
      return {
        groups: [],
        rejects: [{ reason: `transform failed: ${(err as Error)?.message ?? String(err)}` }],
      }
    }
    const group = checkTransformOutput(out)
    if (typeof group === 'string') return { groups: [], rejects: [{ reason: group }] }
    return { groups: [group], rejects: [] }
  }
}

/** Loads `--transform MODULE`: its default export (or `transform`), and an optional `graph` export. */
export async function loadTransform(file: string): Promise<Mapper> {
  const abs = path.resolve(file)
  if (!fs.existsSync(abs))
    throw new GraphpipeError('CONSUME_BAD_TRANSFORM', `${file}: no such module`, EXIT.USAGE)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>
  } catch (err) {
    throw new GraphpipeError(
      'CONSUME_BAD_TRANSFORM',
      `${file}: cannot load the module: ${(err as Error).message.split('\n')[0]}`,
      EXIT.USAGE,
    )
  }
  const fn = typeof mod.default === 'function' ? mod.default : mod.transform
  if (typeof fn !== 'function') {
    throw new GraphpipeError(
      'CONSUME_BAD_TRANSFORM',
      `${file}: export a function (default or "transform")`,
      EXIT.USAGE,
    )
  }
  const graph = mod.graph as GraphSpec | undefined
  if (
    graph !== undefined &&
    !(isObject(graph) && typeof graph.name === 'string' && Array.isArray(graph.edgeDefinitions))
  ) {
    throw new GraphpipeError(
      'CONSUME_BAD_TRANSFORM',
      `${file}: "graph" must be {name, edgeDefinitions: [{collection, from, to}]}`,
      EXIT.USAGE,
    )
  }
  return new TransformMapper(`transform ${file}`, fn as TransformFn, graph)
}

/** `--mapping twitter|FILE` and `--transform MODULE` to a mapper. */
export async function resolveMapper(opts: { mapping?: string; transform?: string }): Promise<Mapper> {
  if (opts.transform) return loadTransform(opts.transform)
  const m = opts.mapping ?? DEFAULTS.consume.mapping
  if (m === 'twitter') return twitterMapper()
  return loadMappingFile(m)
}
