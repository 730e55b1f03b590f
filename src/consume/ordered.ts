/**
 * Last writer wins by event time, per attribute and per edge, whatever the delivery order.
 *
 * Every record becomes an event with a version `(event time, message id, record index)`. The
 * bookkeeping (the versions collection, never inside the users' documents) keeps **one document
 * per vertex** (format 3, `VersionDoc`): the version of each attribute's winning write, the
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
 * back the documents that changed, and that of the `_to` of every edge event it applied, which
 * it decided on (so that, on ArangoDB, windows committing at once conflict where they must). Format 1 (one document per vertex and per edge, SHA-1
 * keys) is converted by `migrateVersions` (txwriter.ts) when a consumer starts.
 */
import {
  edgeKey,
  mapMessage,
  mappedNow,
  pushTo,
  withKey,
  type DeadLetterDoc,
  type Inbound,
  type Source,
} from './batch.js'
import {
  allEdges,
  defaultKey,
  derived,
  edgeOf,
  fromStored,
  guardDoc,
  keyOfEdge,
  newEdge,
  newVertex,
  slotOf,
  splitId,
  toStored,
  type Edge,
  type EdgeState,
  type Ref,
  type Vertex,
} from './vertexstate.js'
import { isVersionDoc, version, versionKey, versionKeyOfId, type VersionDoc } from './versions.js'
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

/** Parses and maps the messages of one window into versioned record groups (and dead letters). */
export async function buildEvents(messages: Inbound[], mapper: Mapper): Promise<EventBatch> {
  const events: VersionedGroup[] = []
  const deadLetters: DeadLetterDoc[] = []
  const sources: Source[] = []
  for (const message of messages) {
    const groups = mappedNow(message, deadLetters) ?? (await mapMessage(message, mapper, deadLetters))
    for (const group of groups) {
      const source: Source = { message, recordIndex: group.recordIndex, record: group.record }
      sources.push(source)
      const eventTime = group.eventTime ?? message.eventTime ?? message.publishTime
      events.push({ group, eventTime, ver: version(eventTime, message.id, group.recordIndex ?? 0), source })
    }
  }
  return { events, deadLetters, sources }
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
    return versionKeyOfId(id)
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
      if (isVersionDoc(d) && !this.v.has(d._key)) {
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
    const owner = fromRef?.x ?? this.vertexOfId(from)
    const cur = edgeOf(owner, collection, slot)
    if (cur) {
      cur.touched = true
      if (cur.ver >= ver) {
        this.superseded += 1
        return
      }
    }
    // Whether the edge lives depends on the delete of `_to`, so that vertex's document is
    // written too, even unchanged. On ArangoDB, windows written at once each read their own
    // snapshot and only a document both write makes one of them fail (and retry); without this
    // write, a window deleting `_to` and this one both commit, and an older follow outlives the
    // delete (docs/consume.md, "Several consumers at once").
    const target = toRef?.x ?? this.vertexOfId(to)
    target.dirty = true
    target.guard = true
    if (cur) {
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

  private vertexOfId(id: string): Vertex {
    const [c, k] = splitId(id)
    return this.vertex(c, k)
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
      const owner = this.vertexOfId(doc._from)
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
            pushTo(out.edges, c, s.doc ?? { _key: keyOfEdge(x, s), _from: `${x.c}/${x.k}`, _to: s.to })
            out.edgeCount += 1
          }
        } else {
          if (s.tomb === undefined) {
            s.tomb = s.old?.tomb ?? now
            x.dirty = true
          }
          // a dead edge's document was removed when it died; one never seen or found stored may exist
          if (was || s.old === null || s.stored) pushTo(out.removes, c, keyOfEdge(x, s))
          if (was) out.deletes += 1
        }
      }
    }
    for (const x of this.v.values()) {
      if (x.hasVertex) this.vertexWrites(x, out, now)
      if (!x.dirty) continue
      const doc = toStored(x)
      if (doc) out.versions.push(doc)
      else if (x.guard) out.versions.push(guardDoc(x, x.raw?.tomb ?? now))
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
        pushTo(out.removes, x.c, x.k)
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
      pushTo(out.upserts, x.c, patch)
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
      if (!isVersionDoc(d)) continue
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
