/**
 * One write's worth of messages -> a write plan: per collection, the documents to merge in,
 * the documents to create only when missing, and the edges, each merged by key in publish-time
 * order, plus the dead letters for whatever could not be mapped.
 */
import * as crypto from 'node:crypto'

import { isObject as isPlainObject } from '../objects.js'
import type { Doc, Mapper, RecordGroup } from '../mapping/mapping.js'

/** A received message as the core sees it (a Pub/Sub Message fits). */
export interface Inbound {
  id: string
  data: Buffer
  /** Publish time, ms since the epoch. */
  publishTime: number
  attributes: Record<string, string>
  /** Arrival order; ties of publish time keep it. */
  seq: number
  /** The window it belongs to, when several are written together (--order none: earlier first). */
  windowStart?: number
  /** Parsed and mapped ahead (`premap`), while the engine wrote the window before it. */
  mapped?: Promise<Mapped>
  /** The same once it is done, taken without an await (`mappedNow`). */
  premapped?: Mapped
  /** Event time (ms) from --event-time-attribute, when it parsed. */
  eventTime?: number
  /** Only these records of the message (a replay of record-level dead letters). */
  onlyRecords?: Set<number>
}

/** Where a document came from: a record of a message (or a whole message, for a transform). */
export interface Source {
  message: Inbound
  recordIndex?: number
  record?: unknown
  /** Set once something it produced was rejected: its other parts are not written. */
  failed?: string
}

export interface PlanItem {
  collection: string
  doc: Doc
  sources: Source[]
}

export interface DeadLetterDoc extends Doc {
  _key: string
  reason: string
  messageId: string
  publishTime: string
  attributes: Record<string, string>
  data: string
  dataEncoding: 'utf8' | 'base64'
  recordIndex?: number
  record?: unknown
  deadLetteredAt: string
  /** Where the message came from (full resource names), so `deadletters replay` can send it back. */
  topic?: string
  subscription?: string
  /** The raw payload was too big for a document and is not kept (it cannot be replayed). */
  dataDropped?: boolean
}

/** The topic and subscription a consumer reads (stamped on its dead letters). */
export interface Origin {
  topic?: string
  subscription?: string
}

export interface WritePlan {
  messages: Inbound[]
  /** Per collection, merged into existing documents (overwriteMode update). */
  vertices: Map<string, PlanItem[]>
  /** Per collection, created only when missing (overwriteMode ignore). */
  ensure: Map<string, PlanItem[]>
  edges: Map<string, PlanItem[]>
  /** Arrival order (--order none): vertices deleted (with their edges) before anything is written. */
  deletes: Map<string, Set<string>>
  /** Arrival order: edge keys removed before anything is written. */
  unlinks: Map<string, Set<string>>
  deadLetters: DeadLetterDoc[]
  /** Every record-level source, to dead-letter those that a write rejects. */
  sources: Source[]
}

export interface PlanOptions {
  /** Edge attributes whose values make an edge's `_key` (default: `_from` and `_to`). */
  edgeKey?: string[]
}

/** crypto.hash (Node 20.12+): a one-shot digest, a few times cheaper than createHash per key. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash

/** SHA-1 of a text, in hex. */
export const sha1 = oneShot
  ? (text: string): string => oneShot('sha1', text, 'hex')
  : (text: string): string => crypto.createHash('sha1').update(text).digest('hex')

const hash = sha1

/** The deterministic `_key` of an edge: redelivery of the same edge lands on the same document. */
export function edgeKey(doc: Doc, fields?: string[]): string {
  if (!fields || fields.length === 0) return hash(`${String(doc._from)}\n${String(doc._to)}`)
  return hash(JSON.stringify(fields.map((f) => doc[f] ?? null)))
}

/** Appends `v` to the list of `k` in `m`, starting the list when there is none. */
export function pushTo<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

/** A copy of `doc` with `_key` set (a field-by-field copy: object spread is several times slower here). */
export function withKey(doc: Doc, key: string): Doc {
  const out: Doc = {}
  for (const k in doc) out[k] = doc[k]
  out._key = key
  return out
}

/** A shallow copy of `doc` (field by field, as `withKey`). */
function copy(doc: Doc): Doc {
  const out: Doc = {}
  for (const k in doc) out[k] = doc[k]
  return out
}

/** ArangoDB's update semantics (mergeObjects true): objects merge recursively, anything else replaces. */
export function mergeInto(target: Doc, patch: Doc): Doc {
  for (const [k, v] of Object.entries(patch)) {
    const cur = target[k]
    target[k] = isPlainObject(cur) && isPlainObject(v) ? mergeInto(copy(cur), v) : v
  }
  return target
}

export function rawData(data: Buffer): { data: string; dataEncoding: 'utf8' | 'base64' } {
  const text = data.toString('utf8')
  return Buffer.byteLength(text) === data.length && !text.includes('\uFFFD')
    ? { data: text, dataEncoding: 'utf8' }
    : { data: data.toString('base64'), dataEncoding: 'base64' }
}

/** Stable per message and record, so a redelivery overwrites its dead letter rather than adding one. */
export function deadLetterKey(messageId: string, recordIndex?: number): string {
  return hash(`${messageId}:${recordIndex ?? ''}`)
}

/** The dead-letter document of a message (or of one of its records). */
export function deadLetter(
  message: Inbound,
  reason: string,
  recordIndex?: number,
  record?: unknown,
): DeadLetterDoc {
  const doc: DeadLetterDoc = {
    _key: deadLetterKey(message.id, recordIndex),
    reason,
    messageId: message.id,
    publishTime: new Date(message.publishTime).toISOString(),
    attributes: message.attributes,
    ...rawData(message.data),
    deadLetteredAt: new Date().toISOString(),
  }
  if (recordIndex !== undefined) doc.recordIndex = recordIndex
  if (record !== undefined) doc.record = record
  return doc
}

/** `borrowed`: `doc` is still the mapper's own object, copied before the first merge into it. */
interface MergedItem extends PlanItem {
  borrowed: boolean
}

class Merger {
  readonly byColl = new Map<string, Map<string, MergedItem>>()

  add(collection: string, key: string, doc: Doc, source: Source, merge: boolean): void {
    let m = this.byColl.get(collection)
    if (!m) this.byColl.set(collection, (m = new Map()))
    const item = m.get(key)
    if (!item) {
      // most documents of a write are added once: no copy unless another one merges into it
      m.set(key, { collection, doc, sources: [source], borrowed: true })
      return
    }
    if (merge) {
      if (item.borrowed) {
        item.doc = copy(item.doc)
        item.borrowed = false
      }
      mergeInto(item.doc, doc)
    }
    // a record's parts are all added before the next record's: a repeat is the last one
    if (item.sources[item.sources.length - 1] !== source) item.sources.push(source)
  }

  drop(collection: string, key: string): void {
    this.byColl.get(collection)?.delete(key)
  }

  /** Drops the items for which `test` holds (edges of a deleted vertex). */
  dropWhere(test: (doc: Doc) => boolean): void {
    for (const m of this.byColl.values()) for (const [k, item] of m) if (test(item.doc)) m.delete(k)
  }

  has(collection: string, key: string): boolean {
    return this.byColl.get(collection)?.has(key) ?? false
  }

  lists(): Map<string, PlanItem[]> {
    return new Map([...this.byColl].map(([c, m]) => [c, [...m.values()]]))
  }
}

/** A message's record groups and the dead letters of what could not be mapped. */
export interface Mapped {
  groups: RecordGroup[]
  deadLetters: DeadLetterDoc[]
}

/**
 * One message's record groups: its body parsed as JSON and mapped; a body that is not JSON and
 * every record the mapper rejects become dead letters (pushed to `deadLetters`).
 */
export async function mapMessage(
  message: Inbound,
  mapper: Mapper,
  deadLetters: DeadLetterDoc[],
): Promise<RecordGroup[]> {
  return taken(message, await (message.mapped ?? mapNow(message, mapper)), deadLetters)
}

/**
 * `mapMessage` for a message already mapped ahead, without an await (a write's plan takes its
 * thousands of messages in one go); undefined when it is not mapped yet.
 */
export function mappedNow(message: Inbound, deadLetters: DeadLetterDoc[]): RecordGroup[] | undefined {
  return message.premapped && taken(message, message.premapped, deadLetters)
}

/** A message's mapping taken: the message lets go of it, its dead letters join `deadLetters`. */
function taken(message: Inbound, done: Mapped, deadLetters: DeadLetterDoc[]): RecordGroup[] {
  message.mapped = undefined
  message.premapped = undefined
  for (const d of done.deadLetters) deadLetters.push(d)
  return done.groups
}

async function mapNow(message: Inbound, mapper: Mapper): Promise<Mapped> {
  const deadLetters: DeadLetterDoc[] = []
  let value: unknown
  try {
    value = JSON.parse(message.data.toString('utf8'))
  } catch (err) {
    deadLetters.push(deadLetter(message, `not JSON: ${(err as Error).message}`))
    return { groups: [], deadLetters }
  }
  const result = await mapper.map(value)
  const only = message.onlyRecords
  if (only) {
    const keep = (i: number | undefined) => i !== undefined && only.has(i)
    result.groups = result.groups.filter((g) => keep(g.recordIndex))
    result.rejects = result.rejects.filter((r) => r.recordIndex === undefined || keep(r.recordIndex))
  }
  for (const r of result.rejects) deadLetters.push(deadLetter(message, r.reason, r.recordIndex, r.record))
  return { groups: result.groups, deadLetters }
}

/**
 * Parses and maps a message ahead of its write (the consumer does it for the next window's
 * messages while the engine writes the current one). Not on arrival: a message then waits a
 * whole window with its parsed records alive, and the collector copies them twice (measured: more
 * GC than it saved); ahead by one write they die young enough.
 */
export function premap(message: Inbound, mapper: Mapper): void {
  if (message.mapped) return
  const p = mapNow(message, mapper)
  p.then(
    (done) => {
      if (message.mapped === p) message.premapped = done
    },
    () => undefined, // awaited (and so reported) when the window is written
  )
  message.mapped = p
}

/** Parses, maps and merges the messages of one write, in publish-time order (window by window). */
export async function buildPlan(
  messages: Inbound[],
  mapper: Mapper,
  options: PlanOptions = {},
): Promise<WritePlan> {
  const ordered = [...messages].sort(
    (a, b) => (a.windowStart ?? 0) - (b.windowStart ?? 0) || a.publishTime - b.publishTime || a.seq - b.seq,
  )
  const vertices = new Merger()
  const ensure = new Merger()
  const edges = new Merger()
  const deadLetters: DeadLetterDoc[] = []
  const sources: Source[] = []
  const deletes = new Map<string, Set<string>>()
  const unlinks = new Map<string, Set<string>>()
  const add = (m: Map<string, Set<string>>, c: string, k: string): void => {
    const set = m.get(c)
    if (set) set.add(k)
    else m.set(c, new Set([k]))
  }

  const addGroup = (message: Inbound, group: RecordGroup): void => {
    const source: Source = { message, recordIndex: group.recordIndex, record: group.record }
    sources.push(source)
    // in arrival order a delete undoes what came before it in this write; what follows stands
    if (group.deletes)
      for (const v of group.deletes) {
        const key = v.doc._key as string
        const id = `${v.collection}/${key}`
        vertices.drop(v.collection, key)
        ensure.drop(v.collection, key)
        edges.dropWhere((e) => e._from === id || e._to === id)
        add(deletes, v.collection, key)
      }
    if (group.unlinks)
      for (const e of group.unlinks) {
        const key = e.doc._key === undefined ? edgeKey(e.doc, options.edgeKey) : String(e.doc._key)
        edges.drop(e.collection, key)
        add(unlinks, e.collection, key)
      }
    for (const v of group.vertices) vertices.add(v.collection, v.doc._key as string, v.doc, source, true)
    for (const v of group.ensure) ensure.add(v.collection, v.doc._key as string, v.doc, source, false)
    for (const e of group.edges) {
      const doc = e.doc._key === undefined ? withKey(e.doc, edgeKey(e.doc, options.edgeKey)) : e.doc
      edges.add(e.collection, doc._key as string, doc, source, true)
    }
  }

  for (const message of ordered) {
    const groups = mappedNow(message, deadLetters) ?? (await mapMessage(message, mapper, deadLetters))
    for (const g of groups) addGroup(message, g)
  }

  // A document written in full in this window needs no create-if-missing: the update creates it.
  const ensureLists = new Map<string, PlanItem[]>()
  for (const [coll, items] of ensure.lists()) {
    const rest = items.filter((i) => !vertices.has(coll, i.doc._key as string))
    if (rest.length > 0) ensureLists.set(coll, rest)
  }
  return {
    messages,
    vertices: vertices.lists(),
    ensure: ensureLists,
    edges: edges.lists(),
    deletes,
    unlinks,
    deadLetters,
    sources,
  }
}
