/**
 * Graph traversal and path searches over the edge index (`store.edges`), with ArangoDB 3.12's
 * semantics (docs.arangodb.com/3.12/aql/graphs/traversals/): depth 0 emits the start vertex with
 * a null edge; defaults order dfs, uniqueVertices none, uniqueEdges path; PRUNE still emits the
 * path it stops at.
 */
import { arangoError } from '../errors.js'
import type { Cancellation } from './cancel.js'
import type { Doc, Store } from '../storage/types.js'
import type { Direction } from './ast.js'
import type { AqlValue } from './values.js'

export interface EdgeSource {
  coll: string
  direction: Direction
}

export interface GraphAccess {
  store: Store
  db: string
  stats: { scannedIndex: number; scannedFull: number; filtered: number }
  /** The query's cancellation check, consulted every ~1000 edges a search reads. */
  cancel?: Cancellation
  /** Edges read since the last check. */
  steps?: number
}

export interface PathValue {
  edges: Doc[]
  vertices: (Doc | null)[]
  weights?: number[]
}

type Step = { edge: Doc; to: string }

/** Neighbours of `vid` over the edge sources, in edge-index order (out before in for ANY). */
export function neighbours(g: GraphAccess, sources: EdgeSource[], vid: string, reverse = false): Step[] {
  const out: Step[] = []
  for (const s of sources) {
    if (s.direction === 'OUTBOUND' || s.direction === 'ANY') {
      for (const e of g.store.edges(g.db, s.coll, 'out', vid)) out.push({ edge: e, to: e._to as string })
    }
    if (s.direction === 'INBOUND' || s.direction === 'ANY') {
      for (const e of g.store.edges(g.db, s.coll, 'in', vid)) {
        // a self-loop found in both directions is one edge
        if (s.direction === 'ANY' && e._from === e._to) continue
        out.push({ edge: e, to: e._from as string })
      }
    }
  }
  g.stats.scannedIndex += out.length
  g.steps = (g.steps ?? 0) + out.length + 1
  if (g.steps >= 1024) {
    g.steps = 0
    g.cancel?.check()
  }
  // ArangoDB 3.12.10 traversals visit neighbours in reverse edge-insertion order (EX:GRAPHTRAV_02);
  // its path searches take the first-inserted edge among equals (GRAPHASP_01)
  return reverse ? out.reverse() : out
}

/** Vertex documents by `_id`, with a bounded cache (traversals revisit hubs constantly). */
export class VertexCache {
  private cache = new Map<string, Doc | null>()
  /** Collection existence, looked up once per collection (each store lookup re-checks the schema). */
  private colls = new Map<string, boolean>()
  constructor(private readonly g: GraphAccess) {}
  get(id: string): Doc | null {
    const hit = this.cache.get(id)
    if (hit !== undefined) return hit
    const slash = id.indexOf('/')
    let doc: Doc | null = null
    if (slash > 0) {
      const coll = id.slice(0, slash)
      let exists = this.colls.get(coll)
      if (exists === undefined) {
        exists = this.g.store.getCollection(this.g.db, coll) !== undefined
        this.colls.set(coll, exists)
      }
      if (exists) {
        doc = this.g.store.get(this.g.db, coll, id.slice(slash + 1)) ?? null
      }
    }
    if (this.cache.size > 50_000) this.cache.clear()
    this.cache.set(id, doc)
    return doc
  }

  private counts = new Map<string, number>()

  /**
   * Cost-based bulk load: when one expansion needs many vertices of a collection that is not much
   * bigger than that (a hub's neighbours), one sequential scan of the collection is cheaper than a
   * primary-index lookup per vertex.
   */
  prefetch(steps: Step[]): void {
    if (steps.length < PREFETCH_MIN) return
    const missing = new Map<string, number>()
    const seen = new Set<string>()
    for (const st of steps) {
      if (seen.has(st.to) || this.cache.has(st.to)) continue
      seen.add(st.to)
      const coll = st.to.slice(0, st.to.indexOf('/'))
      missing.set(coll, (missing.get(coll) ?? 0) + 1)
    }
    for (const [coll, n] of missing) {
      if (n < PREFETCH_MIN || coll === '') continue
      if (!this.g.store.getCollection(this.g.db, coll)) continue
      let size = this.counts.get(coll)
      if (size === undefined) {
        size = this.g.store.count(this.g.db, coll)
        this.counts.set(coll, size)
      }
      if (size > n * PREFETCH_FACTOR || this.cache.size + size > 50_000) continue
      const wanted = new Set([...seen].filter((id) => id.startsWith(coll + '/')))
      for (const d of this.g.store.scan(this.g.db, coll)) {
        if (wanted.delete(d._id)) this.cache.set(d._id, d)
      }
      for (const id of wanted) this.cache.set(id, null)
      this.g.stats.scannedFull += size
    }
  }
}

const PREFETCH_MIN = 64
const PREFETCH_FACTOR = 4

export interface TraversalSpec {
  sources: EdgeSource[]
  min: number
  max: number
  order: 'dfs' | 'bfs' | 'weighted'
  uniqueVertices: 'none' | 'path' | 'global'
  uniqueEdges: 'none' | 'path'
  vertexCollections?: Set<string>
  weightAttribute?: string
  defaultWeight: number
  /** Evaluated on every visited vertex; true stops expansion below it. */
  prune?: (v: Doc | null, e: Doc | null, p: () => PathValue) => boolean
}

export interface TraversalRow {
  v: Doc | null
  e: Doc | null
  p: () => PathValue
}

const collOf = (id: string) => id.slice(0, id.indexOf('/'))

interface State {
  vid: string
  v: Doc | null
  depth: number
  vertices: (Doc | null)[]
  vids: string[]
  edges: Doc[]
  weights: number[]
  weight: number
}

/**
 * An edge's weight: its weight attribute when that is a number, else the default. A negative one
 * stops the query with 1948 as arangod's weight callbacks do (ShortestPathOptions::weightEdge,
 * the weighted traversal's callback in TraverserOptions).
 */
function weightOf(attribute: string | undefined, defaultWeight: number, e: Doc): number {
  const x = attribute === undefined ? undefined : e[attribute]
  const w = typeof x === 'number' ? x : defaultWeight
  if (w < 0) throw arangoError('GRAPH_NEGATIVE_EDGE_WEIGHT')
  return w
}

function edgeWeight(spec: TraversalSpec, e: Doc): number {
  return spec.order === 'weighted' ? weightOf(spec.weightAttribute, spec.defaultWeight, e) : 1
}

export function* traverse(g: GraphAccess, spec: TraversalSpec, startId: string): Generator<TraversalRow> {
  const cache = new VertexCache(g)
  const startDoc = cache.get(startId)
  // ArangoDB: a start vertex that does not exist yields nothing
  if (!startDoc) return
  const weighted = spec.order === 'weighted'
  const mkPath = (s: State) => (): PathValue =>
    weighted
      ? { edges: s.edges.slice(), vertices: s.vertices.slice(), weights: s.weights.slice() }
      : { edges: s.edges.slice(), vertices: s.vertices.slice() }
  const visited = new Set<string>([startId])

  const admit = (s: State, step: Step): boolean => {
    if (spec.uniqueEdges === 'path' && s.edges.some((x) => x._id === step.edge._id)) return false
    if (spec.uniqueVertices === 'path' && s.vids.includes(step.to)) return false
    if (spec.uniqueVertices === 'global') {
      if (visited.has(step.to)) return false
    }
    if (spec.vertexCollections && !spec.vertexCollections.has(collOf(step.to))) return false
    return true
  }

  const start: State = {
    vid: startId,
    v: startDoc,
    depth: 0,
    vertices: [startDoc],
    vids: [startId],
    edges: [],
    weights: [0],
    weight: 0,
  }

  if (spec.order === 'dfs') {
    const s = start
    // one path closure for the whole walk: each row is consumed before the walk moves on
    const p = (): PathValue => ({ edges: s.edges.slice(), vertices: s.vertices.slice() })
    const push = (step: Step, v: Doc | null) => {
      s.vids.push(step.to)
      s.vertices.push(v)
      s.edges.push(step.edge)
      s.vid = step.to
      s.v = v
      s.depth++
    }
    const pop = () => {
      s.vids.pop()
      s.vertices.pop()
      s.edges.pop()
      s.vid = s.vids[s.vids.length - 1]!
      s.v = s.vertices[s.vertices.length - 1]!
      s.depth--
    }
    const visit = function* (): Generator<TraversalRow> {
      const e = s.edges.length ? s.edges[s.edges.length - 1]! : null
      const pruned = spec.prune ? spec.prune(s.v, e, p) : false
      if (s.depth >= spec.min) yield { v: s.v, e, p }
      if (pruned || s.depth >= spec.max) return
      const steps = neighbours(g, spec.sources, s.vid, true)
      cache.prefetch(steps)
      // children at the maximum depth are emitted here, without a generator each
      const leaves = s.depth + 1 >= spec.max
      for (const step of steps) {
        if (!admit(s, step)) continue
        const v = cache.get(step.to)
        if (spec.uniqueVertices === 'global') visited.add(step.to)
        push(step, v)
        if (leaves) {
          if (spec.prune) spec.prune(v, step.edge, p)
          if (s.depth >= spec.min) yield { v, e: step.edge, p }
        } else yield* visit()
        pop()
      }
    }
    yield* visit()
    return
  }

  // bfs and weighted: a queue (weighted: a priority queue on the path weight)
  const heap = new StateQueue(weighted)
  heap.push(start)
  while (heap.size > 0) {
    const s = heap.pop()!
    const e = s.edges.length ? s.edges[s.edges.length - 1]! : null
    const p = mkPath(s)
    const pruned = spec.prune ? spec.prune(s.v, e, p) : false
    if (s.depth >= spec.min) yield { v: s.v, e, p }
    if (pruned || s.depth >= spec.max) continue
    const steps = neighbours(g, spec.sources, s.vid, true)
    cache.prefetch(steps)
    for (const step of steps) {
      if (!admit(s, step)) continue
      if (spec.uniqueVertices === 'global') visited.add(step.to)
      const v = cache.get(step.to)
      const w = s.weight + edgeWeight(spec, step.edge)
      heap.push({
        vid: step.to,
        v,
        depth: s.depth + 1,
        vertices: [...s.vertices, v],
        vids: [...s.vids, step.to],
        edges: [...s.edges, step.edge],
        weights: [...s.weights, w],
        weight: w,
      })
    }
  }
}

/** FIFO, or a stable binary min-heap on `weight`. */
class StateQueue {
  private items: { s: State; seq: number }[] = []
  private head = 0
  private seq = 0
  constructor(private readonly weighted: boolean) {}
  get size(): number {
    return this.items.length - this.head
  }
  push(s: State): void {
    const item = { s, seq: this.seq++ }
    if (!this.weighted) {
      this.items.push(item)
      return
    }
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (less(a[i]!, a[parent]!)) {
        ;[a[i], a[parent]] = [a[parent]!, a[i]!]
        i = parent
      } else break
    }
  }
  pop(): State | undefined {
    if (!this.weighted) {
      const it = this.items[this.head++]
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head)
        this.head = 0
      }
      return it?.s
    }
    const a = this.items
    if (a.length === 0) return undefined
    const top = a[0]!
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && less(a[l]!, a[m]!)) m = l
        if (r < a.length && less(a[r]!, a[m]!)) m = r
        if (m === i) break
        ;[a[i], a[m]] = [a[m]!, a[i]!]
        i = m
      }
    }
    return top.s
  }
}
const less = (x: { s: State; seq: number }, y: { s: State; seq: number }) =>
  x.s.weight < y.s.weight || (x.s.weight === y.s.weight && x.seq < y.seq)

// ------------------------------------------------------------------ path searches

export interface PathSearchSpec {
  sources: EdgeSource[]
  weightAttribute?: string
  defaultWeight: number
}

export interface FoundPath {
  vertices: (Doc | null)[]
  edges: Doc[]
  weight: number
}

function w(spec: PathSearchSpec, e: Doc): number {
  return spec.weightAttribute === undefined ? 1 : weightOf(spec.weightAttribute, spec.defaultWeight, e)
}

/**
 * Dijkstra (BFS when unweighted) from `from` to `to`, avoiding `bannedEdges` / `bannedVertices`
 * (used by Yen's algorithm). Returns the id path and edges, or null.
 */
function dijkstra(
  g: GraphAccess,
  spec: PathSearchSpec,
  from: string,
  to: string,
  bannedEdges?: Set<string>,
  bannedVertices?: Set<string>,
  reverse = false,
): { vids: string[]; edges: Doc[]; weight: number } | null {
  const dist = new Map<string, number>([[from, 0]])
  const prev = new Map<string, { vid: string; edge: Doc }>()
  const done = new Set<string>()
  const q = new StateQueue(true)
  const mk = (vid: string, weight: number): State => ({
    vid,
    v: null,
    depth: 0,
    vertices: [],
    vids: [],
    edges: [],
    weights: [],
    weight,
  })
  q.push(mk(from, 0))
  while (q.size > 0) {
    const s = q.pop()!
    if (done.has(s.vid)) continue
    done.add(s.vid)
    if (s.vid === to) break
    for (const step of neighbours(g, spec.sources, s.vid, reverse)) {
      if (bannedEdges?.has(step.edge._id)) continue
      if (bannedVertices?.has(step.to)) continue
      if (done.has(step.to)) continue
      const nd = s.weight + w(spec, step.edge)
      const old = dist.get(step.to)
      if (old === undefined || nd < old) {
        dist.set(step.to, nd)
        prev.set(step.to, { vid: s.vid, edge: step.edge })
        q.push(mk(step.to, nd))
      }
    }
  }
  if (!done.has(to)) return null
  const vids = [to]
  const edges: Doc[] = []
  let cur = to
  while (cur !== from) {
    const p = prev.get(cur)!
    edges.unshift(p.edge)
    vids.unshift(p.vid)
    cur = p.vid
  }
  return { vids, edges, weight: dist.get(to)! }
}

export function shortestPath(
  g: GraphAccess,
  spec: PathSearchSpec,
  from: string,
  to: string,
): FoundPath | null {
  const cache = new VertexCache(g)
  if (!cache.get(from) || !cache.get(to)) return null
  const r = dijkstra(g, spec, from, to)
  if (!r) return null
  return { vertices: r.vids.map((id) => cache.get(id)), edges: r.edges, weight: r.weight }
}

/** Yen's algorithm: loopless paths by increasing weight. */
export function* kShortestPaths(
  g: GraphAccess,
  spec: PathSearchSpec,
  from: string,
  to: string,
): Generator<FoundPath> {
  const cache = new VertexCache(g)
  if (!cache.get(from) || !cache.get(to)) return
  // K_SHORTEST_PATHS breaks ties among equal-weight paths like ArangoDB 3.12.10's (GRAPHKSP_03)
  const first = dijkstra(g, spec, from, to, undefined, undefined, true)
  if (!first) return
  const found: { vids: string[]; edges: Doc[]; weight: number }[] = [first]
  const candidates: { vids: string[]; edges: Doc[]; weight: number }[] = []
  const key = (p: { edges: Doc[]; vids: string[] }) =>
    p.vids.join('|') + '#' + p.edges.map((e) => e._id).join('|')
  const seen = new Set<string>([key(first)])
  let k = 0
  for (;;) {
    const cur = found[k]!
    yield { vertices: cur.vids.map((id) => cache.get(id)), edges: cur.edges, weight: cur.weight }
    k++
    for (let i = 0; i < cur.vids.length - 1; i++) {
      const spur = cur.vids[i]!
      const rootV = cur.vids.slice(0, i + 1)
      const rootE = cur.edges.slice(0, i)
      const bannedEdges = new Set<string>()
      for (const p of found) {
        if (p.vids.length > i && p.vids.slice(0, i + 1).join('|') === rootV.join('|')) {
          const ed = p.edges[i]
          if (ed) bannedEdges.add(ed._id)
        }
      }
      const bannedVertices = new Set(rootV.slice(0, -1))
      const sp = dijkstra(g, spec, spur, to, bannedEdges, bannedVertices, true)
      if (!sp) continue
      const rootWeight = rootE.reduce((acc, e) => acc + w(spec, e), 0)
      const cand = {
        vids: [...rootV, ...sp.vids.slice(1)],
        edges: [...rootE, ...sp.edges],
        weight: rootWeight + sp.weight,
      }
      const ck = key(cand)
      if (!seen.has(ck)) {
        seen.add(ck)
        candidates.push(cand)
      }
    }
    if (candidates.length === 0) return
    let best = 0
    for (let i = 1; i < candidates.length; i++) {
      const c = candidates[i]!
      const b = candidates[best]!
      if (c.weight < b.weight || (c.weight === b.weight && c.edges.length < b.edges.length)) best = i
    }
    found.push(candidates.splice(best, 1)[0]!)
  }
}

/** Every path from `from` to `to` with min..max edges, vertices unique on the path, shortest first. */
export function* kPaths(
  g: GraphAccess,
  spec: PathSearchSpec,
  from: string,
  to: string,
  min: number,
  max: number,
): Generator<FoundPath> {
  const cache = new VertexCache(g)
  if (!cache.get(from) || !cache.get(to)) return
  // BFS over partial paths gives them by length
  let frontier: { vids: string[]; edges: Doc[] }[] = [{ vids: [from], edges: [] }]
  for (let depth = 0; depth <= max && frontier.length > 0; depth++) {
    const next: { vids: string[]; edges: Doc[] }[] = []
    for (const p of frontier) {
      const last = p.vids[p.vids.length - 1]!
      if (last === to && depth >= min) {
        yield {
          vertices: p.vids.map((id) => cache.get(id)),
          edges: p.edges,
          weight: p.edges.reduce((a, e) => a + w(spec, e), 0),
        }
      }
      if (depth === max) continue
      for (const step of neighbours(g, spec.sources, last)) {
        if (p.vids.includes(step.to)) continue
        next.push({ vids: [...p.vids, step.to], edges: [...p.edges, step.edge] })
      }
    }
    frontier = next
  }
}

/** All shortest (fewest edges) paths from `from` to `to`. */
export function* allShortestPaths(
  g: GraphAccess,
  spec: PathSearchSpec,
  from: string,
  to: string,
): Generator<FoundPath> {
  const cache = new VertexCache(g)
  if (!cache.get(from) || !cache.get(to)) return
  if (from === to) {
    yield { vertices: [cache.get(from)], edges: [], weight: 0 }
    return
  }
  const depthOf = new Map<string, number>([[from, 0]])
  const preds = new Map<string, Step[]>()
  let frontier = [from]
  let found = false
  for (let d = 1; frontier.length > 0 && !found; d++) {
    const next: string[] = []
    for (const vid of frontier) {
      for (const step of neighbours(g, spec.sources, vid)) {
        const seenAt = depthOf.get(step.to)
        if (seenAt === undefined) {
          depthOf.set(step.to, d)
          next.push(step.to)
        }
        if (depthOf.get(step.to) === d) {
          const list = preds.get(step.to) ?? []
          list.push({ edge: step.edge, to: vid })
          preds.set(step.to, list)
          if (step.to === to) found = true
        }
      }
    }
    frontier = next
  }
  if (!found) return
  const build = function* (vid: string): Generator<{ vids: string[]; edges: Doc[] }> {
    if (vid === from) {
      yield { vids: [from], edges: [] }
      return
    }
    for (const p of preds.get(vid) ?? []) {
      for (const head of build(p.to)) yield { vids: [...head.vids, vid], edges: [...head.edges, p.edge] }
    }
  }
  for (const p of build(to)) {
    yield { vertices: p.vids.map((id) => cache.get(id)), edges: p.edges, weight: p.edges.length }
  }
}

export type { AqlValue }
