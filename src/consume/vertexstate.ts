/**
 * One vertex's bookkeeping as working state (`Vertex`, its edges `Edge`), read from its stored
 * document (`fromStored`, edges on first use) and written back (`toStored`); what a state derives
 * (`alive`, `derived`); and `convertV1`, which folds format 1 documents into this state. Separate
 * from ordered.ts, which resolves a window's events over these states, so the conversion needs
 * no resolver.
 */
import { pushTo, sha1 } from './batch.js'
import {
  FORMAT,
  decodeEdge,
  encodeEdge,
  encodeEdges,
  fromV1Version,
  isVersionDoc,
  versionKey,
  type StoredEdge,
  type VersionDoc,
} from './versions.js'
import type { Doc } from '../mapping/mapping.js'

const max = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b

export interface EdgeState {
  ver: string
  present: boolean
  to: string
  tomb?: number
}

export interface Edge extends EdgeState {
  /** Its edge collection, and where it is in there: `_to`, or `#` and its key. */
  coll: string
  slot: string
  /** Its index in the stored document's list (format 2; undefined: not stored). */
  at?: number
  /** Where its entry is in the stored document's text of its collection (format 3). */
  start?: number
  end?: number
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
export interface Ref {
  x?: Vertex
}

export interface VertexPart {
  attrs: Record<string, string>
  weak: Record<string, [string, unknown]>
  del?: string
  touch?: string
  vt?: number
}

export interface Vertex extends VertexPart {
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
  /** An edge event of this window read its delete: the document is written even if empty (`guardDoc`). */
  guard?: boolean
  /** The values this window's winning writes set. */
  vals?: Doc
}

export const splitId = (id: string): [string, string] => {
  const i = id.indexOf('/')
  return [id.slice(0, i), id.slice(i + 1)]
}

const emptyPart = (v: VertexPart): boolean =>
  v.del === undefined &&
  v.touch === undefined &&
  Object.keys(v.attrs).length === 0 &&
  Object.keys(v.weak).length === 0

export function alive(s: VertexPart | null): boolean {
  if (!s) return false
  let created = s.touch
  for (const k in s.weak) created = max(created, s.weak[k][0])
  return created !== undefined && (s.del === undefined || created > s.del)
}

/** The attributes of the vertex document a state stands for (undefined: no document). */
export function derived(s: VertexPart | null): Set<string> | undefined {
  if (!s || !alive(s)) return undefined
  const live = new Set<string>()
  for (const a in s.attrs) if (s.del === undefined || s.attrs[a] > s.del) live.add(a)
  for (const a in s.weak) if (s.del === undefined || s.weak[a][0] > s.del) live.add(a)
  return live
}

export function newVertex(key: string, c: string, k: string): Vertex {
  return { key, c, k, attrs: {}, weak: {}, old: null, hasVertex: false, edges: new Map(), dirty: false }
}

/**
 * The document of a vertex with no state that an edge event read (see `Vertex.guard`): nothing
 * to keep, written so that a window deleting the vertex at the same time conflicts with this
 * one. Its tombstone time lets the purge remove it after --tombstone-ttl.
 */
export function guardDoc(x: Vertex, now: number): VersionDoc {
  return { _key: x.key, f: FORMAT, c: x.c, k: x.k, v: [], tomb: now }
}

/** A stored document (format 2 or 3) as working state; its edges are read when first needed. */
export function fromStored(d: VersionDoc): Vertex {
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
export const defaultKey = (from: string, to: string): string => sha1(`${from}\n${to}`)

/** Where an edge is kept in its `_from` vertex's document: by `_to` for a default key. */
export const slotOf = (key: string, to: string, isDefault: boolean): string => (isDefault ? to : `#${key}`)

/** Edge `slot` of collection `coll` in `x`: as this window has it, else as stored, else undefined. */
export function edgeOf(x: Vertex, coll: string, slot: string): Edge | undefined {
  const id = `${coll}\n${slot}`
  let s = x.edges.get(id)
  if (s) return s
  const list = x.raw?.e?.[coll]
  if (list === undefined) return undefined
  if (typeof list === 'string') {
    // format 3: the one entry looked for, found in the text (no other entry is decoded)
    let start = 0
    if (!list.startsWith(`${slot} `)) {
      start = list.indexOf(`|${slot} `) + 1
      if (start === 0) return undefined
    }
    let end = list.indexOf('|', start)
    if (end < 0) end = list.length
    s = stored(x, coll, decodeEdge(list.slice(start, end)), undefined, start, end)
  } else {
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
  }
  x.edges.set(id, s)
  return s
}

/** A stored edge entry as working state: at `at` of its list, or at `start`..`end` of its text. */
function stored(x: Vertex, coll: string, r: StoredEdge, at?: number, start?: number, end?: number): Edge {
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
    start,
    end,
  }
}

/** A new edge state of `x` (none stored). */
export function newEdge(x: Vertex, coll: string, slot: string, state: EdgeState, key?: string): Edge {
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
export const keyOfEdge = (x: Vertex, s: Edge): string => (s.key ??= defaultKey(`${x.c}/${x.k}`, s.to))

/** Every stored edge of `x` read into `x.edges` (the purge and the conversion look at all). */
export function allEdges(x: Vertex): void {
  const e = x.raw?.e
  for (const coll in e) {
    const list = e[coll]
    if (typeof list === 'string') {
      for (let start = 0; start < list.length;) {
        let end = list.indexOf('|', start)
        if (end < 0) end = list.length
        const r = decodeEdge(list.slice(start, end))
        const id = `${coll}\n${r[0]}`
        if (!x.edges.has(id)) x.edges.set(id, stored(x, coll, r, undefined, start, end))
        start = end + 1
      }
    } else
      list.forEach((r, at) => {
        const id = `${coll}\n${r[0]}`
        if (!x.edges.has(id)) x.edges.set(id, stored(x, coll, r, at))
      })
  }
}

/** Versions a table may hold beyond twice its size at the last rebuild before it is rebuilt again. */
const SLACK = 8

/**
 * The stored form of a working state; undefined when nothing is left to keep. The stored
 * document is updated in place: its untouched edges stay as they are, so their version indices
 * keep pointing into the version table, which only grows until `full` (or its growth) rebuilds it.
 */
export function toStored(x: Vertex, full = false): VersionDoc | undefined {
  const raw = x.raw
  // Only stored edge entries point into the table by index: without any, it is rebuilt every
  // time at no cost (it used to keep every version ever written); with some, once it holds more
  // than twice the versions it had when last rebuilt, plus a few (amortized: each rebuild reads
  // every edge of the vertex once).
  if (raw && !full && (!raw.e || raw.v.length > 2 * (raw.vn ?? 0) + SLACK)) full = true
  if (full) allEdges(x)
  const keep = !full && raw !== undefined
  const v: string[] = keep ? raw.v : []
  // the versions written now are the newest: looked for from the end (the table is short)
  const ix = (ver: string): number => {
    const i = v.lastIndexOf(ver)
    return i >= 0 ? i : v.push(ver) - 1
  }
  const doc: VersionDoc = { _key: x.key, f: FORMAT, c: x.c, k: x.k, v }
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
  // the stored lists are updated in place (untouched entries stay as they are), or rebuilt;
  // a format 3 text is spliced: its untouched entries are copied as they are, never decoded
  const e: Record<string, StoredEdge[] | string> = keep && raw.e ? raw.e : {}
  // made only for a vertex with edges to write: most documents a window writes have none
  let spliced: Map<string, { start: number; end: number; text: string | null }[]> | undefined
  let added: Map<string, string[]> | undefined
  let forgotten = false
  for (const s of x.edges.values()) {
    const stored = e[s.coll]
    if (s.deleted) {
      if (typeof stored === 'string' && s.start !== undefined)
        pushTo((spliced ??= new Map()), s.coll, { start: s.start, end: s.end!, text: null })
      else forgotten = true
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
    earliest(s.tomb)
    if (typeof stored === 'string') {
      if (s.start !== undefined)
        pushTo((spliced ??= new Map()), s.coll, { start: s.start, end: s.end!, text: encodeEdge(r) })
      else pushTo((added ??= new Map()), s.coll, encodeEdge(r))
      continue
    }
    const list = (e[s.coll] ??= []) as StoredEdge[]
    if (keep && s.at !== undefined) list[s.at] = r
    else list.push(r)
  }
  if (forgotten) {
    for (const s of x.edges.values())
      if (s.deleted && keep && s.at !== undefined) ((e[s.coll] as StoredEdge[])[s.at] as unknown) = undefined
    for (const coll in e) {
      const list = e[coll]
      if (typeof list !== 'string') e[coll] = list.filter((r) => r !== undefined)
    }
  }
  // stored as format 3 texts (a format 2 document's lists are encoded now)
  const out: Record<string, string> = {}
  let edges = 0
  for (const coll in e) {
    const list = e[coll]
    const text =
      typeof list === 'string' ? splice(list, spliced?.get(coll), added?.get(coll)) : encodeEdges(list)
    if (text.length === 0) continue
    out[coll] = text
    edges++
  }
  if (edges > 0) doc.e = out
  if (full) doc.vn = v.length
  else if (raw?.vn !== undefined) doc.vn = raw.vn
  if (tomb !== undefined) doc.tomb = tomb
  if (!x.hasVertex && edges === 0) return undefined
  return doc
}

/** A format 3 text with entries replaced (`text`) or removed (null), and entries added. */
function splice(
  text: string,
  edits: { start: number; end: number; text: string | null }[] | undefined,
  added: string[] | undefined,
): string {
  if (!edits && !added) return text
  const parts: string[] = []
  let pos = 0
  if (edits) {
    edits.sort((a, b) => a.start - b.start)
    for (const ed of edits) {
      // the entries between (without the separator before this one)
      if (ed.start > pos) parts.push(text.slice(pos, ed.start - 1))
      if (ed.text !== null) parts.push(ed.text)
      pos = ed.end + 1
    }
  }
  if (pos < text.length) parts.push(text.slice(pos))
  if (added) parts.push(...added)
  return parts.join('|')
}

/**
 * Format 1 documents (`kind` 'v' for a vertex, 'e' for an edge, SHA-1 keys) folded into format 3
 * documents: `into` (the stored format 2 or 3 documents of the same vertices, if any) merged with them
 * by the same max per field as any window, so converting twice or concurrently changes nothing.
 */
export function convertV1(
  legacy: Record<string, unknown>[],
  into: VersionDoc[],
  now = Date.now(),
): VersionDoc[] {
  const byKey = new Map<string, Vertex>()
  for (const d of into) if (isVersionDoc(d)) byKey.set(d._key, fromStored(d))
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
