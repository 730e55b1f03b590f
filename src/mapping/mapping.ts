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
import { asKey, convertRecord, keyOf, keyProblem, Problem } from './fields.js'
import { specError, validateMappingSpec, type EdgeSpec, type MappingSpec } from './spec.js'

export { keyProblem } from './fields.js'
export { validateMappingSpec, type MappingSpec } from './spec.js'
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

// ---------------------------------------------------------------------------------------------
// Declarative mappings (the twitter one is an instance)

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

type Edge = Required<Pick<EdgeSpec, 'field' | 'collection' | 'to' | 'from' | 'createMissing' | 'targetKey'>> &
  Pick<EdgeSpec, 'fromField' | 'key' | 'attributes' | 'removeField'>

export class DeclarativeMapper implements Mapper {
  readonly vertexCollections: string[]
  readonly edgeCollections: string[]
  readonly graph?: GraphSpec
  private readonly excluded: Set<string>
  private readonly included?: Set<string>
  private readonly separator: string
  private readonly edges: Edge[]

  constructor(
    readonly name: string,
    private readonly spec: MappingSpec,
  ) {
    const v = spec.vertex
    const ownKey = typeof v.key === 'string' ? v.key : ''
    this.separator = spec.keySeparator ?? '_'
    this.edges = (spec.edges ?? []).map((e) => {
      const to = e.to ?? v.collection
      return {
        ...e,
        to,
        from: e.from ?? v.collection,
        createMissing: e.createMissing ?? true,
        targetKey: e.targetKey ?? (to === v.collection ? ownKey : ''),
      }
    })
    this.excluded = new Set([
      ...(v.exclude ?? []),
      ...this.edges.map((e) => e.field),
      ...this.edges.flatMap((e) => (e.removeField ? [e.removeField] : [])),
      ...this.edges.flatMap((e) => (e.fromField ? [e.fromField] : [])),
      ...(v.deleteWhen ? [v.deleteWhen.field] : []),
      ...(spec.eventTime ? [spec.eventTime] : []),
    ])
    if (v.include) this.included = new Set(v.include)
    this.vertexCollections = [...new Set([v.collection, ...this.edges.flatMap((e) => [e.from, e.to])])]
    this.edgeCollections = [...new Set(this.edges.map((e) => e.collection))]
    if (spec.graph) {
      const defs = new Map<string, { collection: string; from: string[]; to: string[] }>()
      for (const e of this.edges) {
        const d = defs.get(e.collection) ?? { collection: e.collection, from: [], to: [] }
        if (!d.from.includes(e.from)) d.from.push(e.from)
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
      else {
        // out is this record's own object: completed in place (cheaper than a spread per record)
        const group = out as RecordGroup
        group.recordIndex = recordIndex
        group.record = record
        result.groups.push(group)
      }
    })
    return result
  }

  private placeholder(collection: string, key: string, targetKey: string): OutDoc {
    const doc: Doc = { _key: key }
    if (targetKey) doc[targetKey] = key
    return { collection, doc }
  }

  private mapRecord(input: unknown): Omit<RecordGroup, 'recordIndex' | 'record'> | string {
    const v = this.spec.vertex
    if (!isObject(input))
      return `invalid record: expected an object, got ${Array.isArray(input) ? 'an array' : typeof input}`
    const record = convertRecord(input, this.spec.nulls, this.spec.types)
    if (typeof record === 'string') return record
    const key = keyOf(record, v.key, this.separator)
    if (key instanceof Problem) return `invalid record: ${key.message}`
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
      if (this.included && !this.included.has(k)) continue
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
      let source = key
      if (e.fromField !== undefined) {
        const raw = record[e.fromField]
        if (raw === undefined || raw === null) continue
        const bad = keyProblem(asKey(raw))
        if (bad) return `invalid record: "${e.fromField}": ${bad}`
        source = asKey(raw) as string
        if (e.createMissing) group.ensure.push(this.placeholder(e.from, source, ''))
      }
      const gone = e.removeField === undefined ? undefined : record[e.removeField]
      if (gone !== undefined && gone !== null) {
        for (const t of Array.isArray(gone) ? gone : [gone]) {
          const target = asKey(t)
          const bad = keyProblem(target)
          if (bad) return `invalid record: "${e.removeField}": ${bad}`
          group.unlinks.push({
            collection: e.collection,
            doc: { _from: `${e.from}/${source}`, _to: `${e.to}/${target as string}` },
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
        const edge: Doc = {}
        if (e.key !== undefined) {
          const k = keyOf(record, e.key, this.separator)
          if (k instanceof Problem) return `invalid record: edge key: ${k.message}`
          edge._key = targets.length > 1 ? `${k}${this.separator}${to}` : k
        }
        edge._from = `${e.from}/${source}`
        edge._to = `${e.to}/${to}`
        for (const a of e.attributes ?? []) if (record[a] !== undefined) edge[a] = record[a]
        group.edges.push({ collection: e.collection, doc: edge })
        const self = e.to === e.from && to === source && e.from === v.collection
        if (e.createMissing && !self) group.ensure.push(this.placeholder(e.to, to, e.targetKey))
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
