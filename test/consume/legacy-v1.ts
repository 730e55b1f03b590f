/**
 * The ordered writer's bookkeeping as it was before format 2 (format 1: one document per vertex
 * and per edge, SHA-1 keys, read by AQL), kept only to write old bookkeeping in the tests that
 * check it is still read: converted when a current consumer starts. Copied from
 * src/consume/ordered.ts and txwriter.ts of that version, dead letters and the purge left out.
 */
import { createHash } from 'node:crypto'

import type { Database } from 'arangojs'

import { edgeKey, mapMessage, type Inbound } from '../../src/consume/batch.js'
import type { VersionedGroup } from '../../src/consume/ordered.js'
import type { Doc, Mapper } from '../../src/mapping/mapping.js'

/** Format 1's version text: `16 digits|30-digit id|8 digits`. */
export function versionV1(eventTime: number, messageId: string, recordIndex = 0): string {
  const id = /^\d{1,30}$/.test(messageId) ? messageId.padStart(30, '0') : messageId
  return `${String(Math.max(0, Math.trunc(eventTime))).padStart(16, '0')}|${id}|${String(recordIndex).padStart(8, '0')}`
}

/** The window's events as format 1 versioned them. */
async function buildEvents(messages: Inbound[], mapper: Mapper): Promise<{ events: VersionedGroup[] }> {
  const events: VersionedGroup[] = []
  for (const message of messages)
    for (const group of await mapMessage(message, mapper, [])) {
      const eventTime = group.eventTime ?? message.eventTime ?? message.publishTime
      const source = { message, recordIndex: group.recordIndex, record: group.record }
      events.push({ group, eventTime, ver: versionV1(eventTime, message.id, group.recordIndex ?? 0), source })
    }
  return { events }
}

const max = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : a > b ? a : b

export interface VState {
  _key: string
  kind: 'v'
  c: string
  k: string
  attrs: Record<string, string>
  weak: Record<string, [string, unknown]>
  del?: string
  touch?: string
  /** Wall-clock ms when it became a tombstone (vertex gone): purged after --tombstone-ttl. */
  tomb?: number
}

export interface EState {
  _key: string
  kind: 'e'
  c: string
  k: string
  from: string
  to: string
  ver: string
  present: boolean
  doc?: Doc
  tomb?: number
}

export type VersionDoc = VState | EState

const h = (s: string): string => createHash('sha1').update(s).digest('hex')
export const vertexVersionKey = (collection: string, key: string): string => h(`v\n${collection}/${key}`)
export const edgeVersionKey = (collection: string, key: string): string => h(`e\n${collection}/${key}`)

const splitId = (id: string): [string, string] => {
  const i = id.indexOf('/')
  return [id.slice(0, i), id.slice(i + 1)]
}

const vAlive = (s: VState | undefined): boolean => {
  if (!s) return false
  let created = s.touch
  for (const [v] of Object.values(s.weak)) created = max(created, v)
  return created !== undefined && (s.del === undefined || created > s.del)
}

/** The attributes of the vertex document a state stands for (undefined: no document). */
function vDerived(s: VState | undefined): Set<string> | undefined {
  if (!s || !vAlive(s)) return undefined
  const live = new Set<string>()
  for (const [a, v] of Object.entries(s.attrs)) if (s.del === undefined || v > s.del) live.add(a)
  for (const [a, [v]] of Object.entries(s.weak)) if (s.del === undefined || v > s.del) live.add(a)
  return live
}

export interface WindowWrites {
  /** Per vertex collection: patches (insert, overwriteMode update, keepNull false, mergeObjects false). */
  upserts: Map<string, Doc[]>
  /** Per collection (vertex or edge): keys to remove (missing ones ignored). */
  removes: Map<string, string[]>
  /** Per edge collection: whole edges (overwriteMode replace). */
  edges: Map<string, Doc[]>
  versions: VersionDoc[]
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
 * One window's resolution, in three steps around the reads the writer makes in its transaction:
 * `wanted()` the version documents to read; `deletedIds()` (after `load`) the vertices deleted
 * anew, whose stored edges the writer lists and `addEdges`; then `writes()`.
 */
export class WindowResolver {
  private readonly v = new Map<string, VState>()
  private readonly e = new Map<string, EState>()
  private readonly oldV = new Map<string, VState | undefined>()
  private readonly oldE = new Map<string, EState | undefined>()
  private readonly newVals = new Map<string, Doc>()
  private readonly edgeTouched = new Set<string>()
  /** The stored form of each loaded version document: unchanged ones are not written back. */
  private readonly oldJson = new Map<string, string>()
  /** Version keys are SHA-1s, asked for many times per window: each is hashed once. */
  private readonly hashed = new Map<string, string>()
  private readonly edgeKeys = new WeakMap<Doc, string>()
  private superseded = 0

  constructor(
    private readonly events: VersionedGroup[],
    private readonly edgeKeyFields?: string[],
  ) {}

  private vid(collection: string, key: string): string {
    const k = `v\n${collection}/${key}`
    let id = this.hashed.get(k)
    if (id === undefined) this.hashed.set(k, (id = vertexVersionKey(collection, key)))
    return id
  }

  private eid(collection: string, key: string): string {
    const k = `e\n${collection}/${key}`
    let id = this.hashed.get(k)
    if (id === undefined) this.hashed.set(k, (id = edgeVersionKey(collection, key)))
    return id
  }

  /** Version-document keys of every vertex and edge this window touches (edge ends included). */
  wanted(): string[] {
    const keys = new Set<string>()
    for (const { group } of this.events) {
      for (const o of [...group.vertices, ...group.ensure, ...(group.deletes ?? [])])
        keys.add(this.vid(o.collection, o.doc._key as string))
      for (const o of [...group.edges, ...(group.unlinks ?? [])]) {
        for (const end of [o.doc._from, o.doc._to] as string[]) keys.add(this.vid(...splitId(end)))
        keys.add(this.eid(o.collection, this.keyOf(o.doc)))
      }
    }
    return [...keys]
  }

  private keyOf(doc: Doc): string {
    if (doc._key !== undefined) return String(doc._key)
    let k = this.edgeKeys.get(doc)
    if (k === undefined) this.edgeKeys.set(doc, (k = edgeKey(doc, this.edgeKeyFields)))
    return k
  }

  /** The stored version documents (those that exist). */
  load(docs: VersionDoc[]): void {
    for (const d of docs) {
      // the fetched document becomes the working state; a copy through JSON (plain data, and
      // cheaper than structuredClone) is the old state
      const json = JSON.stringify(d)
      this.oldJson.set(d._key, json)
      if (d.kind === 'v') {
        this.oldV.set(d._key, JSON.parse(json) as VState)
        this.v.set(d._key, d)
      } else {
        this.oldE.set(d._key, JSON.parse(json) as EState)
        this.e.set(d._key, d)
      }
    }
    this.apply()
  }

  private vstate(collection: string, key: string): VState {
    const id = this.vid(collection, key)
    let s = this.v.get(id)
    if (!s) {
      if (!this.oldV.has(id)) this.oldV.set(id, undefined)
      s = { _key: id, kind: 'v', c: collection, k: key, attrs: {}, weak: {} }
      this.v.set(id, s)
    }
    return s
  }

  private edgeEvent(collection: string, doc: Doc, ver: string, present: boolean): void {
    const key = this.keyOf(doc)
    const id = this.eid(collection, key)
    const cur = this.e.get(id)
    if (!this.oldE.has(id)) this.oldE.set(id, undefined)
    this.edgeTouched.add(id)
    if (cur && cur.ver >= ver) {
      this.superseded += 1
      return
    }
    const next: EState = {
      _key: id,
      kind: 'e',
      c: collection,
      k: key,
      from: doc._from as string,
      to: doc._to as string,
      ver,
      present,
    }
    if (present) next.doc = { ...doc, _key: key }
    this.e.set(id, next)
  }

  private apply(): void {
    // deletes first: an update older than a delete of this window must not count as live
    for (const { group, ver } of this.events)
      for (const o of group.deletes ?? []) {
        const s = this.vstate(o.collection, o.doc._key as string)
        s.del = max(s.del, ver)
      }
    for (const { group, ver } of this.events) {
      let lost = false
      for (const o of group.vertices) {
        const s = this.vstate(o.collection, o.doc._key as string)
        s.touch = max(s.touch, ver)
        const vals = this.newVals.get(s._key) ?? {}
        for (const [a, val] of Object.entries(o.doc)) {
          if (a === '_key') continue
          const cur = s.attrs[a]
          if (cur !== undefined && cur >= ver) {
            lost = true
            continue
          }
          s.attrs[a] = ver
          vals[a] = val
        }
        this.newVals.set(s._key, vals)
      }
      for (const o of group.ensure) {
        const s = this.vstate(o.collection, o.doc._key as string)
        for (const [a, val] of Object.entries(o.doc)) {
          if (a === '_key') continue
          const cur = s.weak[a]
          if (cur === undefined || cur[0] < ver) s.weak[a] = [ver, val]
        }
        if (Object.keys(o.doc).length === 1 && !(s.weak._key && s.weak._key[0] >= ver))
          s.weak._key = [ver, o.doc._key] // a bare placeholder still creates the document
      }
      for (const o of group.edges) this.edgeEvent(o.collection, o.doc, ver, true)
      for (const o of group.unlinks ?? []) this.edgeEvent(o.collection, o.doc, ver, false)
      if (lost) this.superseded += 1
    }
  }

  /** `collection/key` of the vertices whose delete is new in this window. */
  deletedIds(): string[] {
    const out: string[] = []
    for (const [id, s] of this.v) {
      const old = this.oldV.get(id)
      if (s.del !== undefined && s.del !== old?.del) out.push(`${s.c}/${s.k}`)
    }
    return out
  }

  /** Stored edges of newly deleted vertices (found by the writer) with their version documents. */
  addEdges(edges: { collection: string; doc: Doc }[], versions: EState[]): void {
    const byKey = new Map(versions.map((v) => [v._key, v]))
    for (const { collection, doc } of edges) {
      const id = this.eid(collection, String(doc._key))
      if (this.e.has(id)) {
        this.edgeTouched.add(id)
        continue
      }
      const stored = byKey.get(id)
      // an edge written without bookkeeping (e.g. --order none) counts as older than any delete
      const s: EState = stored ?? {
        _key: id,
        kind: 'e',
        c: collection,
        k: String(doc._key),
        from: doc._from as string,
        to: doc._to as string,
        ver: '',
        present: true,
      }
      this.oldE.set(id, JSON.parse(JSON.stringify(s)) as EState)
      this.e.set(id, s)
      this.edgeTouched.add(id)
    }
  }

  private edgeLive(s: EState | undefined, vs: Map<string, VState | undefined>): boolean {
    if (!s || !s.present) return false
    for (const end of [s.from, s.to]) {
      const del = vs.get(this.vid(...splitId(end)))?.del
      if (del !== undefined && s.ver <= del) return false
    }
    return true
  }

  private changed(id: string, s: VersionDoc, old: VersionDoc | undefined): boolean {
    if (old === undefined) return true
    return JSON.stringify(s) !== (this.oldJson.get(id) ?? JSON.stringify(old))
  }

  writes(now = Date.now()): WindowWrites {
    const out: WindowWrites = {
      upserts: new Map(),
      removes: new Map(),
      edges: new Map(),
      versions: [],
      superseded: this.superseded,
      vertices: 0,
      edgeCount: 0,
      deletes: 0,
    }
    for (const [id, s] of this.v) {
      const old = this.oldV.get(id)
      // forget attribute versions a delete made moot: they can never win again
      if (s.del !== undefined) {
        for (const [a, v] of Object.entries(s.attrs)) if (v <= s.del) delete s.attrs[a]
        for (const [a, [v]] of Object.entries(s.weak)) if (v <= s.del) delete s.weak[a]
      }
      const before = vDerived(old)
      const after = vDerived(s)
      if (!after) {
        if (before || (s.del !== undefined && s.del !== old?.del)) {
          push(out.removes, s.c, s.k)
          out.deletes += 1
        }
        s.tomb = old?.tomb ?? now
      } else {
        delete s.tomb
        const vals = this.newVals.get(id) ?? {}
        const patch: Doc = { _key: s.k }
        for (const a of after) {
          if (a === '_key') continue
          if (s.attrs[a] !== undefined && (s.del === undefined || s.attrs[a] > s.del)) {
            if (a in vals && s.attrs[a] !== old?.attrs[a]) patch[a] = vals[a]
          } else patch[a] = s.weak[a][1]
        }
        for (const a of before ?? []) if (!after.has(a) && a !== '_key') patch[a] = null
        if (Object.keys(patch).length > 1 || !before) {
          push(out.upserts, s.c, patch)
          out.vertices += 1
        }
      }
      if (this.changed(id, s, old)) out.versions.push(s)
    }
    const vs = new Map<string, VState | undefined>([...this.oldV.keys()].map((k) => [k, this.v.get(k)]))
    const oldVs = this.oldV
    for (const id of this.edgeTouched) {
      const s = this.e.get(id)!
      const old = this.oldE.get(id)
      const was = this.edgeLive(old, oldVs)
      const is = this.edgeLive(s, vs)
      if (is) {
        delete s.tomb
        if (!was || s.ver !== old?.ver) {
          push(out.edges, s.c, s.doc ?? { _key: s.k, _from: s.from, _to: s.to })
          out.edgeCount += 1
        }
      } else {
        s.tomb = old?.tomb ?? now
        // removing a missing edge is harmless; the stored one may predate the bookkeeping
        push(out.removes, s.c, s.k)
        if (was) out.deletes += 1
      }
      if (this.changed(id, s, old)) out.versions.push(s)
    }
    return out
  }
}

/** One window written as the format 1 writer wrote it: one stream transaction. */
export async function writeV1(
  db: Database,
  mapper: Mapper,
  messages: Inbound[],
  vc = 'graphpipe_versions',
): Promise<void> {
  const batch = await buildEvents(messages, mapper)
  const edgeColls = [...mapper.edgeCollections]
  const trx = await db.beginTransaction({ write: [vc, ...mapper.vertexCollections, ...edgeColls] })
  const q = async <T>(query: string, bindVars: Record<string, unknown>): Promise<T[]> =>
    (await trx.step(() => db.query(query, bindVars))).all() as Promise<T[]>
  try {
    const resolver = new WindowResolver(batch.events)
    const keys = resolver.wanted()
    resolver.load(await q<VersionDoc>('FOR d IN @@vc FILTER d._key IN @keys RETURN d', { '@vc': vc, keys }))
    const deleted = resolver.deletedIds()
    if (deleted.length > 0)
      for (const ec of edgeColls) {
        const edges: { _key: string; _from: string; _to: string }[] = []
        const seen = new Set<string>()
        for (const end of ['_from', '_to'])
          for (const e of await q<{ _key: string; _from: string; _to: string }>(
            `FOR e IN @@ec FILTER e.${end} IN @ids RETURN {_key: e._key, _from: e._from, _to: e._to}`,
            { '@ec': ec, ids: deleted },
          ))
            if (!seen.has(e._key)) {
              seen.add(e._key)
              edges.push(e)
            }
        if (edges.length === 0) continue
        const vers = await q<EState>('FOR d IN @@vc FILTER d._key IN @keys RETURN d', {
          '@vc': vc,
          keys: edges.map((e) => edgeVersionKey(ec, e._key)),
        })
        resolver.addEdges(
          edges.map((doc) => ({ collection: ec, doc })),
          vers,
        )
      }
    const w = resolver.writes()
    for (const [c, docs] of w.upserts)
      await trx.step(() =>
        db.collection(c).saveAll(docs, { overwriteMode: 'update', keepNull: false, mergeObjects: false }),
      )
    for (const [c, docs] of w.edges)
      await trx.step(() => db.collection(c).saveAll(docs, { overwriteMode: 'replace' }))
    for (const [c, keys] of w.removes)
      await q('FOR k IN @keys REMOVE k IN @@c OPTIONS {ignoreErrors: true}', { '@c': c, keys })
    if (w.versions.length > 0)
      await trx.step(() => db.collection(vc).saveAll(w.versions, { overwriteMode: 'replace' }))
    await trx.commit()
  } catch (err) {
    await trx.abort()
    throw err
  }
}
