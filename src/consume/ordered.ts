/**
 * Last writer wins by event time, per attribute and per edge, whatever the delivery order.
 *
 * Every record becomes an event with a version `(event time, message id, record index)`. The
 * bookkeeping (the versions collection, never inside the users' documents) keeps **one document
 * per vertex** (format 2, `VersionDoc`): the version of each attribute's winning write, the
 * latest delete, the latest write touching it, the create-if-missing placeholder's attributes,
 * and the latest follow or unfollow of every edge **from** that vertex. Merging is a max per
 * field, so any order, duplication and split into windows ends in the same state; the documents
 * are derived from it:
 *   - a vertex exists iff max(touch, placeholder) > del; it holds every attribute whose version
 *     > del (a placeholder's attribute only where no update set it);
 *   - an edge exists iff its latest event is a follow newer than the delete of either end.
 *
 * A window reads the documents of the vertices it touches (edge ends included: an edge's state
 * lives in its `_from` vertex's document, whose delete it needs anyway), resolves, and writes
 * back only the documents that changed. Format 1 (one document per vertex and per edge, SHA-1
 * keys) is converted by `migrateVersions` (txwriter.ts) when a consumer starts.
 */
import { edgeKey, mapMessage, sha1, withKey, type DeadLetterDoc, type Inbound, type Source } from './batch.js'
import type { Doc, Mapper, RecordGroup } from '../mapping/mapping.js'

export interface VersionedGroup {
  group: RecordGroup
  ver: string
  eventTime: number
  source: Source
}

export interface EventBatch {
  events: VersionedGroup[]
  deadLetters: DeadLetterDoc[]
  sources: Source[]
}

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

const max = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b

/** Parses and maps the messages of one window into versioned record groups (and dead letters). */
export async function buildEvents(messages: Inbound[], mapper: Mapper): Promise<EventBatch> {
  const events: VersionedGroup[] = []
  const deadLetters: DeadLetterDoc[] = []
  const sources: Source[] = []
  for (const message of messages) {
    for (const group of await mapMessage(message, mapper, deadLetters)) {
      const source: Source = { message, recordIndex: group.recordIndex, record: group.record }
      sources.push(source)
      const eventTime = group.eventTime ?? message.eventTime ?? message.publishTime
      events.push({ group, eventTime, ver: version(eventTime, message.id, group.recordIndex ?? 0), source })
    }
  }
  return { events, deadLetters, sources }
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
  // keys are ASCII (ArangoDB's key characters): length is bytes
  const k = `${collection}:${key}`
  return k.length <= 254 ? k : `=${sha1(k)}`
}

type StoredEdge =
  [string, number, 0 | 1] | [string, number, 0 | 1, number] | [string, number, 0 | 1, number, string]

interface EdgeState {
  ver: string
  present: boolean
  to: string
  tomb?: number
}

interface Edge extends EdgeState {
  /** Its edge collection, and where it is in there: `_to`, or `#` and its key. */
  coll: string
  slot: string
  /** Its index in the stored document's list (undefined: not stored). */
  at?: number
  /** Its `_key` (for a default key, computed when needed). */
  key?: string
  /** The state before this window (null: none). */
  old: EdgeState | null
  /** Touched by this window (an event, or a delete of an end): its liveness is decided anew. */
  touched: boolean
  /** Found in the edge collection (a delete's edges): its document may exist without bookkeeping. */
  stored?: boolean
  /** The edge document to write when it is live (from this window's newest follow). */
  doc?: Doc
  /** Where its `_to` vertex is (when an event of this window named it). */
  toRef?: Ref
  /** Forgotten (purged): left out of the stored document. */
  deleted?: boolean
}

/** A vertex this window touches, by bookkeeping key: looked up once, its state filled in by load. */
interface Ref {
  x?: Vertex
}

interface VertexPart {
  attrs: Record<string, string>
  weak: Record<string, [string, unknown]>
  del?: string
  touch?: string
  vt?: number
}

interface Vertex extends VertexPart {
  key: string
  c: string
  k: string
  old: VertexPart | null
  /** A vertex part exists (stored, or created by this window's events). */
  hasVertex: boolean
  /**
   * The edges this window looked at (touched, or needed): read from `raw` on first use. The
   * others stay as stored, untouched, in `raw.e`; only these are written into it.
   */
  edges: Map<string, Edge>
  /** The stored document, parsed (it becomes the new one); undefined when none is stored. */
  raw?: VersionDoc
  /** Per edge collection: slot -> index in `raw.e[collection]` (built when first needed). */
  slots?: Map<string, Map<string, number>>
  /** Something changed: the document is written back. */
  dirty: boolean
  /** The values this window's winning writes set. */
  vals?: Doc
}

const splitId = (id: string): [string, string] => {
  const i = id.indexOf('/')
  return [id.slice(0, i), id.slice(i + 1)]
}

const emptyPart = (v: VertexPart): boolean =>
  v.del === undefined &&
  v.touch === undefined &&
  Object.keys(v.attrs).length === 0 &&
  Object.keys(v.weak).length === 0

function alive(s: VertexPart | null): boolean {
  if (!s) return false
  let created = s.touch
  for (const k in s.weak) created = max(created, s.weak[k][0])
  return created !== undefined && (s.del === undefined || created > s.del)
}

/** The attributes of the vertex document a state stands for (undefined: no document). */
function derived(s: VertexPart | null): Set<string> | undefined {
  if (!s || !alive(s)) return undefined
  const live = new Set<string>()
  for (const a in s.attrs) if (s.del === undefined || s.attrs[a] > s.del) live.add(a)
  for (const a in s.weak) if (s.del === undefined || s.weak[a][0] > s.del) live.add(a)
  return live
}

function newVertex(key: string, c: string, k: string): Vertex {
  return { key, c, k, attrs: {}, weak: {}, old: null, hasVertex: false, edges: new Map(), dirty: false }
}

/** A stored document (format 2) as working state; its edges are read when first needed. */
function fromStored(d: VersionDoc): Vertex {
  const v = d.v ?? []
  const attrs: Record<string, string> = {}
  for (const a in d.a) attrs[a] = v[d.a[a]]
  const weak: Record<string, [string, unknown]> = {}
  for (const a in d.w) weak[a] = [v[d.w[a][0]], d.w[a][1]]
  const del = d.d === undefined ? undefined : v[d.d]
  const touch = d.t === undefined ? undefined : v[d.t]
  const part: VertexPart = { attrs, weak, del, touch }
  if (d.vt !== undefined) part.vt = d.vt
  const hasVertex = !emptyPart(part)
  const x = newVertex(d._key, d.c, d.k)
  x.attrs = Object.assign({}, attrs)
  x.weak = Object.assign({}, weak)
  x.del = del
  x.touch = touch
  x.vt = d.vt
  x.old = hasVertex ? part : null
  x.hasVertex = hasVertex
  x.raw = d
  return x
}

/** The default `_key` of an edge (batch.ts `edgeKey` without --edge-key). */
const defaultKey = (from: string, to: string): string => sha1(`${from}\n${to}`)

/** Where an edge is kept in its `_from` vertex's document: by `_to` for a default key. */
const slotOf = (key: string, to: string, isDefault: boolean): string => (isDefault ? to : `#${key}`)

/** Edge `slot` of collection `coll` in `x`: as this window has it, else as stored, else undefined. */
function edgeOf(x: Vertex, coll: string, slot: string): Edge | undefined {
  const id = `${coll}\n${slot}`
  let s = x.edges.get(id)
  if (s) return s
  const list = x.raw?.e?.[coll]
  if (!list) return undefined
  x.slots ??= new Map()
  let index = x.slots.get(coll)
  if (!index) {
    index = new Map()
    for (let i = 0; i < list.length; i++) index.set(list[i][0], i)
    x.slots.set(coll, index)
  }
  const at = index.get(slot)
  if (at === undefined) return undefined
  s = stored(x, coll, list[at], at)
  x.edges.set(id, s)
  return s
}

/** A stored edge entry as working state. */
function stored(x: Vertex, coll: string, r: StoredEdge, at: number): Edge {
  const slot = r[0]
  const custom = slot.charCodeAt(0) === 35 // '#'
  const old: EdgeState = {
    ver: x.raw!.v[r[1]],
    present: r[2] === 1,
    to: custom ? (r[4] as string) : slot,
    tomb: r[3] || undefined,
  }
  return {
    ver: old.ver,
    present: old.present,
    to: old.to,
    tomb: old.tomb,
    old,
    touched: false,
    coll,
    slot,
    key: custom ? slot.slice(1) : undefined,
    at,
  }
}

/** A new edge state of `x` (none stored). */
function newEdge(x: Vertex, coll: string, slot: string, state: EdgeState, key?: string): Edge {
  // (no object spread on these paths: V8 copies an object literal field by field much faster)
  const s: Edge = {
    ver: state.ver,
    present: state.present,
    to: state.to,
    tomb: state.tomb,
    old: null,
    touched: true,
    coll,
    slot,
    key,
  }
  x.edges.set(`${coll}\n${slot}`, s)
  return s
}

/** The `_key` of edge `s` of `x`. */
const keyOfEdge = (x: Vertex, s: Edge): string => (s.key ??= defaultKey(`${x.c}/${x.k}`, s.to))

/** Every stored edge of `x` read into `x.edges` (the purge and the conversion look at all). */
function allEdges(x: Vertex): void {
  const e = x.raw?.e
  for (const coll in e)
    e[coll].forEach((r, at) => {
      const id = `${coll}\n${r[0]}`
      if (!x.edges.has(id)) x.edges.set(id, stored(x, coll, r, at))
    })
}

/**
 * The stored form of a working state; undefined when nothing is left to keep. The stored
 * document is updated in place: its untouched edges stay as they are, so their version indices
 * keep pointing into the version table, which only grows until `full` (or its growth) rebuilds it.
 */
function toStored(x: Vertex, full = false): VersionDoc | undefined {
  const raw = x.raw
  if (raw?.e && !full && raw.v.length > 2 * (raw.vn ?? 0) + 32) full = true // compact the table
  if (full) allEdges(x)
  const keep = !full && raw !== undefined
  const v: string[] = keep ? raw.v : []
  // the versions written now are the newest: looked for from the end (the table is short)
  const ix = (ver: string): number => {
    const i = v.lastIndexOf(ver)
    return i >= 0 ? i : v.push(ver) - 1
  }
  const doc: VersionDoc = { _key: x.key, f: 2, c: x.c, k: x.k, v }
  // the earliest tombstone (exact when rebuilt; else it may be stale, too early, which only
  // makes the purge look at the document in vain and set it right)
  let tomb = keep ? raw.tomb : undefined
  const earliest = (t: number | undefined) => {
    if (t !== undefined && (tomb === undefined || t < tomb)) tomb = t
  }
  if (x.hasVertex) {
    const a: Record<string, number> = {}
    let n = 0
    for (const k in x.attrs) {
      a[k] = ix(x.attrs[k])
      n++
    }
    if (n > 0) doc.a = a
    const w: Record<string, [number, unknown]> = {}
    n = 0
    for (const k in x.weak) {
      w[k] = [ix(x.weak[k][0]), x.weak[k][1]]
      n++
    }
    if (n > 0) doc.w = w
    if (x.del !== undefined) doc.d = ix(x.del)
    if (x.touch !== undefined) doc.t = ix(x.touch)
    if (x.vt !== undefined) {
      doc.vt = x.vt
      earliest(x.vt)
    }
  }
  // the stored lists are updated in place (untouched entries stay as they are), or rebuilt
  const e: Record<string, StoredEdge[]> = keep && raw.e ? raw.e : {}
  let forgotten = false
  for (const s of x.edges.values()) {
    const list = (e[s.coll] ??= [])
    if (s.deleted) {
      forgotten = true
      continue
    }
    const i = ix(s.ver)
    const p = s.present ? 1 : 0
    const r: StoredEdge =
      s.slot.charCodeAt(0) === 35
        ? [s.slot, i, p, s.tomb ?? 0, s.to]
        : s.tomb === undefined
          ? [s.slot, i, p]
          : [s.slot, i, p, s.tomb]
    if (keep && s.at !== undefined) list[s.at] = r
    else list.push(r)
    earliest(s.tomb)
  }
  if (forgotten) {
    for (const s of x.edges.values())
      if (s.deleted && keep && s.at !== undefined) (e[s.coll][s.at] as unknown) = undefined
    for (const coll in e) e[coll] = e[coll].filter((r) => r !== undefined)
  }
  let edges = 0
  for (const coll in e) {
    if (e[coll].length === 0) delete e[coll]
    else edges++
  }
  if (edges > 0) doc.e = e
  if (full) doc.vn = v.length
  else if (raw?.vn !== undefined) doc.vn = raw.vn
  if (tomb !== undefined) doc.tomb = tomb
  if (!x.hasVertex && edges === 0) return undefined
  return doc
}

export interface WindowWrites {
  /** Per vertex collection: patches (insert, overwriteMode update, keepNull false, mergeObjects false). */
  upserts: Map<string, Doc[]>
  /** Per collection (vertex or edge): keys to remove (missing ones ignored). */
  removes: Map<string, string[]>
  /** Per edge collection: whole edges (overwriteMode replace). */
  edges: Map<string, Doc[]>
  /** Bookkeeping documents to store (overwriteMode replace). */
  versions: VersionDoc[]
  /** Bookkeeping documents with nothing left to keep (purged). */
  versionRemoves: string[]
  /** Records whose writes lost to newer ones, in full or in part (the cost of ordering, made visible). */
  superseded: number
  vertices: number
  edgeCount: number
  deletes: number
}

const push = <T>(m: Map<string, T[]>, k: string, v: T): void => {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

/**
 * One window's resolution, in steps around the reads the writer makes in its transaction:
 * `wanted()` the bookkeeping keys to read, `load()` them; `deletedIds()` the vertices deleted
 * anew, whose stored edges the writer lists; `owners()` of those edges still to read, `addEdges`;
 * then `writes()`.
 */
export class WindowResolver {
  private readonly v = new Map<string, Vertex>()
  private readonly edgeKeys = new WeakMap<Doc, string>()
  private superseded = 0
  /** Per event, the vertices it touches, in apply()'s order (from wanted()). */
  private refs: Ref[][] = []
  /** Bookkeeping key -> its Ref (one per vertex of this window). */
  private readonly slots = new Map<string, Ref>()

  constructor(
    private readonly events: VersionedGroup[],
    private readonly edgeKeyFields?: string[],
  ) {}

  private vkey(collection: string, key: string): string {
    return versionKey(collection, key)
  }

  /** The bookkeeping key of a vertex `collection/key`. */
  private idKey(id: string): string {
    const k = id.replace('/', ':')
    return k.length <= 254 ? k : `=${sha1(k)}`
  }

  /** Bookkeeping keys of every vertex this window touches (edge ends included). */
  wanted(): string[] {
    const ref = (k: string): Ref => {
      let r = this.slots.get(k)
      if (!r) this.slots.set(k, (r = {}))
      return r
    }
    // the vertices in the order apply() visits them: each key computed and looked up once
    this.refs = this.events.map(({ group }) => {
      const r: Ref[] = []
      for (const o of group.vertices) r.push(ref(this.vkey(o.collection, o.doc._key as string)))
      for (const o of group.ensure) r.push(ref(this.vkey(o.collection, o.doc._key as string)))
      for (const o of group.deletes ?? []) r.push(ref(this.vkey(o.collection, o.doc._key as string)))
      for (const o of group.edges)
        r.push(ref(this.idKey(o.doc._from as string)), ref(this.idKey(o.doc._to as string)))
      for (const o of group.unlinks ?? [])
        r.push(ref(this.idKey(o.doc._from as string)), ref(this.idKey(o.doc._to as string)))
      return r
    })
    return [...this.slots.keys()]
  }

  private keyOf(doc: Doc): string {
    if (doc._key !== undefined) return String(doc._key)
    let k = this.edgeKeys.get(doc)
    if (k === undefined) this.edgeKeys.set(doc, (k = edgeKey(doc, this.edgeKeyFields)))
    return k
  }

  /** The stored bookkeeping documents (those that exist); the window's events are applied once. */
  load(docs: VersionDoc[]): void {
    this.add(docs)
    this.apply()
  }

  /** More stored documents (the owners of a delete's edges), without applying events again. */
  add(docs: VersionDoc[]): void {
    for (const d of docs)
      if (d && d.f === FORMAT && !this.v.has(d._key)) {
        const x = fromStored(d)
        this.v.set(d._key, x)
        const r = this.slots.get(d._key)
        if (r) r.x = x
      }
  }

  private vertex(collection: string, key: string): Vertex {
    const id = this.vkey(collection, key)
    let x = this.v.get(id)
    if (!x) {
      this.v.set(id, (x = newVertex(id, collection, key)))
      const r = this.slots.get(id)
      if (r) r.x = x
    }
    return x
  }

  private edgeEvent(
    collection: string,
    doc: Doc,
    ver: string,
    present: boolean,
    fromRef?: Ref,
    toRef?: Ref,
  ): void {
    const from = doc._from as string
    const to = doc._to as string
    const derived = doc._key === undefined && !this.edgeKeyFields?.length
    const key = this.keyOf(doc)
    const slot = slotOf(key, to, derived || key === defaultKey(from, to))
    let owner = fromRef?.x
    if (!owner) {
      const [fc, fk] = splitId(from)
      owner = this.vertex(fc, fk)
    }
    const cur = edgeOf(owner, collection, slot)
    if (cur) {
      cur.touched = true
      if (cur.ver >= ver) {
        this.superseded += 1
        return
      }
      cur.ver = ver
      cur.present = present
      cur.to = to
      cur.key = key
      cur.doc = present ? withKey(doc, key) : undefined
      cur.toRef = toRef
    } else {
      const s = newEdge(owner, collection, slot, { ver, present, to }, key)
      s.doc = present ? withKey(doc, key) : undefined
      s.toRef = toRef
    }
    owner.dirty = true
  }

  /** The vertex of key `id` (when known) or of collection/key; created when not there. */
  private vertexAt(ref: Ref | undefined, collection: string, key: string): Vertex {
    return ref?.x ?? this.vertex(collection, key)
  }

  private apply(): void {
    const refs = this.refs
    // deletes first: an update older than a delete of this window must not count as live
    this.events.forEach(({ group, ver }, i) => {
      const base = group.vertices.length + group.ensure.length
      group.deletes?.forEach((o, j) => {
        const x = this.vertexAt(refs[i]?.[base + j], o.collection, o.doc._key as string)
        x.hasVertex = true
        if (x.del === undefined || ver > x.del) {
          x.del = ver
          x.dirty = true
        }
      })
    })
    for (let i = 0; i < this.events.length; i++) {
      const { group, ver } = this.events[i]
      const r = refs[i]
      let j = 0
      let lost = false
      for (const o of group.vertices) {
        const x = this.vertexAt(r?.[j++], o.collection, o.doc._key as string)
        x.hasVertex = true
        if (x.touch === undefined || ver > x.touch) {
          x.touch = ver
          x.dirty = true
        }
        const vals = (x.vals ??= {})
        for (const a in o.doc) {
          if (a === '_key') continue
          const cur = x.attrs[a]
          if (cur !== undefined && cur >= ver) {
            lost = true
            continue
          }
          x.attrs[a] = ver
          vals[a] = o.doc[a]
          x.dirty = true
        }
      }
      for (const o of group.ensure) {
        const x = this.vertexAt(r?.[j++], o.collection, o.doc._key as string)
        x.hasVertex = true
        let bare = true
        for (const a in o.doc) {
          if (a === '_key') continue
          bare = false
          const cur = x.weak[a]
          if (cur === undefined || cur[0] < ver) {
            x.weak[a] = [ver, o.doc[a]]
            x.dirty = true
          }
        }
        if (bare && !(x.weak._key && x.weak._key[0] >= ver)) {
          x.weak._key = [ver, o.doc._key] // a bare placeholder still creates the document
          x.dirty = true
        }
      }
      j += group.deletes?.length ?? 0
      for (const o of group.edges) {
        this.edgeEvent(o.collection, o.doc, ver, true, r?.[j], r?.[j + 1])
        j += 2
      }
      for (const o of group.unlinks ?? []) {
        this.edgeEvent(o.collection, o.doc, ver, false, r?.[j], r?.[j + 1])
        j += 2
      }
      if (lost) this.superseded += 1
    }
  }

  /** `collection/key` of the vertices whose delete is new in this window. */
  deletedIds(): string[] {
    const out: string[] = []
    for (const x of this.v.values())
      if (x.del !== undefined && x.del !== x.old?.del) out.push(`${x.c}/${x.k}`)
    return out
  }

  /** Bookkeeping keys of the `_from` vertices of these edges that are not loaded yet. */
  owners(edges: { _from: string }[]): string[] {
    const out = new Set<string>()
    for (const e of edges) {
      const k = this.idKey(e._from)
      if (!this.v.has(k)) out.add(k)
    }
    return [...out]
  }

  /** Stored edges of newly deleted vertices (found by the writer; their owners `add`ed first). */
  addEdges(edges: { collection: string; doc: { _key: string; _from: string; _to: string } }[]): void {
    for (const { collection, doc } of edges) {
      const [fc, fk] = splitId(doc._from)
      const owner = this.vertex(fc, fk)
      const slot = slotOf(doc._key, doc._to, doc._key === defaultKey(doc._from, doc._to))
      const cur = edgeOf(owner, collection, slot)
      if (cur) {
        cur.touched = true
        cur.stored = true
        continue
      }
      // an edge written without bookkeeping (e.g. --order none) counts as older than any delete
      const old: EdgeState = { ver: '', present: true, to: doc._to }
      const s = newEdge(owner, collection, slot, old, doc._key)
      s.old = old
      s.stored = true
      owner.dirty = true
    }
  }

  /** Whether edge `e` of `from` is live in its `which` state (old or new), with that state's dels. */
  private live(e: Edge, from: Vertex, which: 'old' | 'new'): boolean {
    const s = which === 'new' ? e : e.old
    if (!s || !s.present) return false
    const fromDel = which === 'new' ? from.del : from.old?.del
    if (fromDel !== undefined && s.ver <= fromDel) return false
    // the _to vertex: where this window's event named it, else looked up
    const to = (s.to === e.to ? e.toRef?.x : undefined) ?? this.v.get(this.idKey(s.to))
    const toDel = which === 'new' ? to?.del : to?.old?.del
    return toDel === undefined || s.ver > toDel
  }

  writes(now = Date.now()): WindowWrites {
    const out: WindowWrites = {
      upserts: new Map(),
      removes: new Map(),
      edges: new Map(),
      versions: [],
      versionRemoves: [],
      superseded: this.superseded,
      vertices: 0,
      edgeCount: 0,
      deletes: 0,
    }
    // edges first: their liveness reads the dels of both ends, old and new, unchanged below
    for (const x of this.v.values()) {
      for (const s of x.edges.values()) {
        if (!s.touched) continue
        const was = this.live(s, x, 'old')
        const is = this.live(s, x, 'new')
        const c = s.coll
        if (is) {
          if (s.tomb !== undefined) {
            s.tomb = undefined
            x.dirty = true
          }
          if (!was || s.ver !== s.old?.ver) {
            push(out.edges, c, s.doc ?? { _key: keyOfEdge(x, s), _from: `${x.c}/${x.k}`, _to: s.to })
            out.edgeCount += 1
          }
        } else {
          if (s.tomb === undefined) {
            s.tomb = s.old?.tomb ?? now
            x.dirty = true
          }
          // a dead edge's document was removed when it died; one never seen or found stored may exist
          if (was || s.old === null || s.stored) push(out.removes, c, keyOfEdge(x, s))
          if (was) out.deletes += 1
        }
      }
    }
    for (const x of this.v.values()) {
      if (x.hasVertex) this.vertexWrites(x, out, now)
      if (!x.dirty) continue
      const doc = toStored(x)
      if (doc) out.versions.push(doc)
      else if (x.raw) out.versionRemoves.push(x.key)
    }
    return out
  }

  private vertexWrites(x: Vertex, out: WindowWrites, now: number): void {
    const old = x.old
    // forget attribute versions a delete made moot: they can never win again
    if (x.del !== undefined) {
      for (const a in x.attrs)
        if (x.attrs[a] <= x.del) {
          delete x.attrs[a]
          x.dirty = true
        }
      for (const a in x.weak)
        if (x.weak[a][0] <= x.del) {
          delete x.weak[a]
          x.dirty = true
        }
    }
    const before = derived(old)
    const after = derived(x)
    if (!after) {
      if (before || (x.del !== undefined && x.del !== old?.del)) {
        push(out.removes, x.c, x.k)
        out.deletes += 1
      }
      if (x.vt === undefined) {
        x.vt = old?.vt ?? now
        x.dirty = true
      }
      return
    }
    if (x.vt !== undefined) {
      x.vt = undefined
      x.dirty = true
    }
    const vals = x.vals ?? {}
    const patch: Doc = { _key: x.k }
    let n = 0
    for (const a of after) {
      if (a === '_key') continue
      const strong = x.attrs[a]
      if (strong !== undefined && (x.del === undefined || strong > x.del)) {
        // a winning write of this window (an attribute unchanged since is already in the document)
        if (a in vals && strong !== old?.attrs[a]) {
          patch[a] = vals[a]
          n++
        }
      } else {
        // a placeholder's attribute: written unless the document holds exactly this one already
        const w = x.weak[a]
        const oldStrong = old?.attrs[a]
        const wasWeak =
          before?.has(a) &&
          !(oldStrong !== undefined && (old?.del === undefined || oldStrong > old.del)) &&
          old?.weak[a]?.[0] === w[0]
        if (!wasWeak) {
          patch[a] = w[1]
          n++
        }
      }
    }
    for (const a of before ?? [])
      if (!after.has(a) && a !== '_key') {
        patch[a] = null
        n++
      }
    if (n > 0 || !before) {
      push(out.upserts, x.c, patch)
      out.vertices += 1
    }
  }

  /**
   * Tombstones older than `cutoff` forgotten: those of the stored documents given (the purge's
   * reads); what is left is stored again, a document left empty is removed.
   */
  static purge(docs: VersionDoc[], cutoff: number): { versions: VersionDoc[]; removes: string[] } {
    const versions: VersionDoc[] = []
    const removes: string[] = []
    for (const d of docs) {
      if (d.f !== FORMAT) continue
      const x = fromStored(d)
      if (x.vt !== undefined && x.vt < cutoff) {
        x.attrs = {}
        x.weak = {}
        x.del = undefined
        x.touch = undefined
        x.vt = undefined
        x.hasVertex = false
      }
      allEdges(x)
      for (const s of x.edges.values()) if (s.tomb !== undefined && s.tomb < cutoff) s.deleted = true
      const doc = toStored(x, true)
      if (doc) versions.push(doc)
      else removes.push(x.key)
    }
    return { versions, removes }
  }
}

/**
 * Format 1 documents (`kind` 'v' for a vertex, 'e' for an edge, SHA-1 keys) folded into format 2
 * documents: `into` (the stored format 2 documents of the same vertices, if any) merged with them
 * by the same max per field as any window, so converting twice or concurrently changes nothing.
 */
export function convertV1(
  legacy: Record<string, unknown>[],
  into: VersionDoc[],
  now = Date.now(),
): VersionDoc[] {
  const byKey = new Map<string, Vertex>()
  for (const d of into) if (d?.f === FORMAT) byKey.set(d._key, fromStored(d))
  const vertex = (c: string, k: string): Vertex => {
    const key = versionKey(c, k)
    let x = byKey.get(key)
    if (!x) byKey.set(key, (x = newVertex(key, c, k)))
    x.dirty = true
    return x
  }
  for (const d of legacy) {
    if (d.kind === 'v') {
      const x = vertex(d.c as string, d.k as string)
      x.hasVertex = true
      for (const [a, ver] of Object.entries((d.attrs ?? {}) as Record<string, string>))
        x.attrs[a] = max(x.attrs[a], fromV1Version(ver))!
      for (const [a, [ver, val]] of Object.entries((d.weak ?? {}) as Record<string, [string, unknown]>)) {
        const w: [string, unknown] = [fromV1Version(ver), val]
        if (!x.weak[a] || x.weak[a][0] < w[0]) x.weak[a] = w
      }
      x.del = max(x.del, d.del === undefined ? undefined : fromV1Version(d.del as string))
      x.touch = max(x.touch, d.touch === undefined ? undefined : fromV1Version(d.touch as string))
      if (typeof d.tomb === 'number') x.vt = x.vt === undefined ? d.tomb : Math.min(x.vt, d.tomb)
    } else if (d.kind === 'e') {
      const [fc, fk] = splitId(d.from as string)
      const x = vertex(fc, fk)
      const c = d.c as string
      const key = d.k as string
      const to = d.to as string
      const slot = slotOf(key, to, key === defaultKey(d.from as string, to))
      const ver = fromV1Version(d.ver as string)
      const cur = edgeOf(x, c, slot)
      if (cur && cur.ver >= ver) continue
      const s: EdgeState = { ver, present: d.present === true, to }
      if (typeof d.tomb === 'number') s.tomb = d.tomb
      if (cur) {
        cur.ver = s.ver
        cur.present = s.present
        cur.to = to
        cur.tomb = s.tomb
      } else newEdge(x, c, slot, s, key).old = s
    }
  }
  const out: VersionDoc[] = []
  for (const x of byKey.values()) {
    if (!x.dirty) continue
    // the merged vertex is a tombstone iff it is gone; it keeps the earliest time it became one
    if (x.hasVertex) x.vt = alive(x) ? undefined : (x.vt ?? now)
    const doc = toStored(x, true)
    if (doc) out.push(doc)
  }
  return out
}
