/**
 * The named-graph API (`/_api/gharial`) as ArangoDB 3.12 answers it. Graph definitions are documents
 * of each database's `_graphs` system collection (`{_key: name, name, edgeDefinitions,
 * orphanCollections}`), so AQL's `GRAPH 'g'` reads the same thing. Every mutation of a definition
 * and every write through a graph runs in one store transaction.
 *
 * Shapes and codes follow the recorded 3.12.10 exchanges (conformance/rest-api.jsonl, HttpGharial*):
 * definitions answer 202 (201 with waitForSync); from/to lists, edge definitions (by collection)
 * and orphans are kept sorted; the graph `etag` header carries the bare revision.
 */
import { isObject } from '../../../objects.js'
import { ArangoError, arangoError } from '../../errors.js'
import type { Doc, WriteOptions, WriteResult } from '../../storage/types.js'
import { GRAPHS_COLLECTION } from '../../storage/types.js'
import { ok, type RequestContext, type RouteResponse, type Router } from '../router.js'

export interface EdgeDefinition {
  collection: string
  from: string[]
  to: string[]
}

interface GraphDoc extends Doc {
  name: string
  edgeDefinitions: EdgeDefinition[]
  orphanCollections: string[]
}

const REV_ALPHABET = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Revisions are time-ordered in ArangoDB's base64 alphabet, which is not ASCII order. */
function compareRevs(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = REV_ALPHABET.indexOf(a[i] ?? '-') - REV_ALPHABET.indexOf(b[i] ?? '-')
    if (d !== 0) return d
  }
  return 0
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sortedUnique = (xs: string[]) => [...new Set(xs)].sort(byName)

function graphBody(g: GraphDoc): Record<string, unknown> {
  return {
    _key: g._key,
    edgeDefinitions: g.edgeDefinitions,
    orphanCollections: g.orphanCollections,
    _rev: g._rev,
    _id: g._id,
    name: g.name,
  }
}

function stripQuotes(etag: string | string[] | undefined): string | undefined {
  if (etag === undefined) return undefined
  const v = Array.isArray(etag) ? etag[0] : etag
  return v.trim().replace(/^"(.*)"$/, '$1')
}

// ------------------------------------------------------------------------------- definitions

function malformedEdgeDefinition(detail?: string): ArangoError {
  return arangoError(
    'GRAPH_CREATE_MALFORMED_EDGE_DEFINITION',
    detail ? `malformed edge definition: ${detail}` : undefined,
  )
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '')
}

/** Check and normalize one `{collection, from, to}` (arangojs also sends single strings). */
export function parseEdgeDefinition(raw: unknown): EdgeDefinition {
  if (!isObject(raw)) throw malformedEdgeDefinition()
  const r = raw as Record<string, unknown>
  if (typeof r.collection !== 'string' || r.collection === '') {
    throw malformedEdgeDefinition('"collection" must be a non-empty string')
  }
  const list = (v: unknown, what: string): string[] => {
    const arr = typeof v === 'string' ? [v] : v
    if (!isStringArray(arr)) throw malformedEdgeDefinition(`"${what}" must be an array of collection names`)
    return sortedUnique(arr)
  }
  return { collection: r.collection, from: list(r.from, 'from'), to: list(r.to, 'to') }
}

function parseOrphans(raw: unknown): string[] {
  if (raw === undefined || raw === null) return []
  if (!isStringArray(raw)) throw arangoError('GRAPH_CREATE_MALFORMED_ORPHAN_LIST')
  return sortedUnique(raw)
}

const sameDefinition = (a: EdgeDefinition, b: EdgeDefinition) =>
  a.collection === b.collection &&
  a.from.join('\u0000') === b.from.join('\u0000') &&
  a.to.join('\u0000') === b.to.join('\u0000')

function vertexCollectionsOf(defs: EdgeDefinition[]): Set<string> {
  const out = new Set<string>()
  for (const d of defs) for (const c of [...d.from, ...d.to]) out.add(c)
  return out
}

function allVertexCollections(g: GraphDoc): string[] {
  return sortedUnique([...vertexCollectionsOf(g.edgeDefinitions), ...g.orphanCollections])
}

// ---------------------------------------------------------------------------- graph storage

function loadGraph(ctx: RequestContext, name: string): GraphDoc {
  const g = ctx.store.get(ctx.db, GRAPHS_COLLECTION, name) as GraphDoc | undefined
  if (!g) throw arangoError('GRAPH_NOT_FOUND', `graph '${name}' not found`)
  return g
}

function listGraphs(ctx: RequestContext): GraphDoc[] {
  const out = [...ctx.store.scan(ctx.db, GRAPHS_COLLECTION)] as GraphDoc[]
  // ArangoDB lists in storage order, i.e. by last write; revisions are time-ordered
  return out.sort((a, b) => compareRevs(a._rev, b._rev))
}

function saveGraph(ctx: RequestContext, g: GraphDoc, defs: EdgeDefinition[], orphans: string[]): GraphDoc {
  const r = ctx.store.replace(ctx.db, GRAPHS_COLLECTION, g._key, {
    name: g.name,
    edgeDefinitions: [...defs].sort((a, b) => byName(a.collection, b.collection)),
    orphanCollections: sortedUnique(orphans),
  })
  return r.new as GraphDoc
}

/** Create what is missing: edge collections as edge collections, vertex collections as documents. */
function ensureCollections(ctx: RequestContext, defs: EdgeDefinition[], orphans: string[]) {
  for (const d of defs) {
    const existing = ctx.store.getCollection(ctx.db, d.collection)
    if (!existing) ctx.store.createCollection(ctx.db, d.collection, { type: 3 })
    else if (existing.type !== 3)
      throw arangoError(
        'GRAPH_EDGE_DEFINITION_IS_DOCUMENT',
        `edge definition collection is a document collection: ${d.collection}`,
      )
  }
  for (const v of [...vertexCollectionsOf(defs), ...orphans]) {
    if (!ctx.store.getCollection(ctx.db, v)) ctx.store.createCollection(ctx.db, v, { type: 2 })
  }
}

/** An edge collection may be in several graphs, but only with one definition (1921). */
function checkAgainstOtherGraphs(ctx: RequestContext, graphName: string, defs: EdgeDefinition[]): void {
  for (const other of listGraphs(ctx)) {
    if (other._key === graphName) continue
    for (const d of defs) {
      const theirs = other.edgeDefinitions.find((e) => e.collection === d.collection)
      if (theirs && !sameDefinition(theirs, d)) {
        throw arangoError('GRAPH_COLLECTION_USE_IN_MULTI_GRAPHS', `${d.collection} ${ERR_MULTI_GRAPHS}`)
      }
    }
  }
}
const ERR_MULTI_GRAPHS = 'has a different definition in another graph'

function checkDuplicateDefinitions(defs: EdgeDefinition[]): void {
  const seen = new Map<string, EdgeDefinition>()
  for (const d of defs) {
    const prev = seen.get(d.collection)
    if (prev && !sameDefinition(prev, d)) throw arangoError('GRAPH_COLLECTION_MULTI_USE')
    seen.set(d.collection, d)
  }
}

function syncStatus(ctx: RequestContext): number {
  return ctx.bool('waitForSync') ? 201 : 202
}

function graphResponse(status: number, g: GraphDoc): RouteResponse {
  return ok(status, { graph: graphBody(g) }, { etag: g._rev })
}

// ------------------------------------------------------------------------ graph management

function createGraph(ctx: RequestContext): RouteResponse {
  const body = ctx.jsonObject()
  const name = body.name
  if (typeof name !== 'string' || name === '') throw arangoError('GRAPH_CREATE_MISSING_NAME')
  if (body.isSmart === true || body.isSatellite === true || body.isDisjoint === true) {
    throw new ArangoError(
      9,
      501,
      'SmartGraphs and SatelliteGraphs are not implemented in the graphpipe embedded engine',
    )
  }
  const rawDefs = body.edgeDefinitions ?? []
  if (!Array.isArray(rawDefs)) throw malformedEdgeDefinition('"edgeDefinitions" must be an array')
  const defs = rawDefs.map(parseEdgeDefinition)
  checkDuplicateDefinitions(defs)
  const unique = defs.filter((d, i) => defs.findIndex((e) => e.collection === d.collection) === i)
  const used = vertexCollectionsOf(unique)
  const orphans = parseOrphans(body.orphanCollections).filter((o) => !used.has(o))
  const g = ctx.store.transaction(() => {
    if (ctx.store.get(ctx.db, GRAPHS_COLLECTION, name)) throw arangoError('GRAPH_DUPLICATE')
    checkAgainstOtherGraphs(ctx, name, unique)
    ensureCollections(ctx, unique, orphans)
    const r = ctx.store.insert(ctx.db, GRAPHS_COLLECTION, {
      _key: name,
      name,
      edgeDefinitions: [...unique].sort((a, b) => byName(a.collection, b.collection)),
      orphanCollections: orphans,
    })
    return r.new as GraphDoc
  })
  return graphResponse(syncStatus(ctx), g)
}

/** Collections of `g` that no other graph uses (what `dropCollections` may drop). */
function unsharedCollections(ctx: RequestContext, g: GraphDoc, candidates: string[]): string[] {
  const others = listGraphs(ctx).filter((o) => o._key !== g._key)
  const usedElsewhere = new Set<string>()
  for (const o of others) {
    for (const d of o.edgeDefinitions) usedElsewhere.add(d.collection)
    for (const v of allVertexCollections(o)) usedElsewhere.add(v)
  }
  return candidates.filter((c) => !usedElsewhere.has(c))
}

function dropGraph(ctx: RequestContext): RouteResponse {
  const name = ctx.params.graph
  ctx.store.transaction(() => {
    const g = loadGraph(ctx, name)
    if (ctx.bool('dropCollections')) {
      const candidates = [...g.edgeDefinitions.map((d) => d.collection), ...allVertexCollections(g)]
      for (const c of unsharedCollections(ctx, g, sortedUnique(candidates))) {
        if (ctx.store.getCollection(ctx.db, c)) ctx.store.dropCollection(ctx.db, c)
      }
    }
    ctx.store.remove(ctx.db, GRAPHS_COLLECTION, name)
  })
  // 3.12 answers 202 for a drop whatever waitForSync says (docs-hugo PR #381)
  return ok(202, { removed: true })
}

/** The docs name it `dropCollection` for vertex and `dropCollections` for edge definitions; arangojs sends the former for both. */
const dropRequested = (ctx: RequestContext) => ctx.bool('dropCollection') || ctx.bool('dropCollections')

// ----------------------------------------------------------------- vertex collections

function addVertexCollection(ctx: RequestContext): RouteResponse {
  const body = ctx.jsonObject()
  const coll = body.collection
  if (typeof coll !== 'string' || coll === '') {
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting "collection" attribute in the request body')
  }
  const g = ctx.store.transaction(() => {
    const g = loadGraph(ctx, ctx.params.graph)
    if (g.orphanCollections.includes(coll)) throw arangoError('GRAPH_COLLECTION_USED_IN_ORPHANS')
    if (vertexCollectionsOf(g.edgeDefinitions).has(coll))
      throw arangoError('GRAPH_COLLECTION_USED_IN_EDGE_DEF')
    const existing = ctx.store.getCollection(ctx.db, coll)
    if (!existing) ctx.store.createCollection(ctx.db, coll, { type: 2 })
    return saveGraph(ctx, g, g.edgeDefinitions, [...g.orphanCollections, coll])
  })
  return graphResponse(syncStatus(ctx), g)
}

function removeVertexCollection(ctx: RequestContext): RouteResponse {
  const coll = ctx.params.collection
  const g = ctx.store.transaction(() => {
    const g = loadGraph(ctx, ctx.params.graph)
    if (!g.orphanCollections.includes(coll)) {
      if (vertexCollectionsOf(g.edgeDefinitions).has(coll))
        throw arangoError('GRAPH_NOT_IN_ORPHAN_COLLECTION')
      ctx.store.requireCollection(ctx.db, coll)
      throw arangoError('GRAPH_VERTEX_COL_DOES_NOT_EXIST')
    }
    const saved = saveGraph(
      ctx,
      g,
      g.edgeDefinitions,
      g.orphanCollections.filter((o) => o !== coll),
    )
    if (dropRequested(ctx) && unsharedCollections(ctx, saved, [coll]).length === 1) {
      ctx.store.dropCollection(ctx.db, coll)
    }
    return saved
  })
  return graphResponse(syncStatus(ctx), g)
}

// ------------------------------------------------------------------- edge definitions

function addEdgeDefinition(ctx: RequestContext): RouteResponse {
  const def = parseEdgeDefinition(ctx.jsonObject())
  const g = ctx.store.transaction(() => {
    const g = loadGraph(ctx, ctx.params.graph)
    if (g.edgeDefinitions.some((d) => d.collection === def.collection)) {
      throw arangoError('GRAPH_COLLECTION_MULTI_USE')
    }
    checkAgainstOtherGraphs(ctx, g._key, [def])
    ensureCollections(ctx, [def], [])
    const defs = [...g.edgeDefinitions, def]
    const used = vertexCollectionsOf(defs)
    return saveGraph(
      ctx,
      g,
      defs,
      g.orphanCollections.filter((o) => !used.has(o)),
    )
  })
  return graphResponse(syncStatus(ctx), g)
}

function replaceEdgeDefinition(ctx: RequestContext): RouteResponse {
  const coll = ctx.params.collection
  const def = parseEdgeDefinition(ctx.jsonObject())
  if (def.collection !== coll) throw arangoError('GRAPH_EDGE_COLLECTION_NOT_USED')
  const g = ctx.store.transaction(() => {
    const g = loadGraph(ctx, ctx.params.graph)
    if (!g.edgeDefinitions.some((d) => d.collection === coll))
      throw arangoError('GRAPH_EDGE_COLLECTION_NOT_USED')
    ensureCollections(ctx, [def], [])
    // ArangoDB keeps one definition per edge collection: every graph using it gets the new one
    let mine = g
    for (const other of listGraphs(ctx)) {
      if (!other.edgeDefinitions.some((d) => d.collection === coll)) continue
      const before = allVertexCollections(other)
      const defs = other.edgeDefinitions.map((d) => (d.collection === coll ? def : d))
      const used = vertexCollectionsOf(defs)
      // vertex collections the graph no longer reaches stay in it as orphans
      const orphans = before.filter((v) => !used.has(v))
      const saved = saveGraph(ctx, other, defs, orphans)
      if (other._key === g._key) mine = saved
    }
    return mine
  })
  return graphResponse(syncStatus(ctx), g)
}

function removeEdgeDefinition(ctx: RequestContext): RouteResponse {
  const coll = ctx.params.collection
  const g = ctx.store.transaction(() => {
    const g = loadGraph(ctx, ctx.params.graph)
    if (!g.edgeDefinitions.some((d) => d.collection === coll))
      throw arangoError('GRAPH_EDGE_COLLECTION_NOT_USED')
    const before = allVertexCollections(g)
    const defs = g.edgeDefinitions.filter((d) => d.collection !== coll)
    const used = vertexCollectionsOf(defs)
    const saved = saveGraph(
      ctx,
      g,
      defs,
      before.filter((v) => !used.has(v)),
    )
    if (dropRequested(ctx) && unsharedCollections(ctx, saved, [coll]).length === 1) {
      if (ctx.store.getCollection(ctx.db, coll)) ctx.store.dropCollection(ctx.db, coll)
    }
    return saved
  })
  return graphResponse(syncStatus(ctx), g)
}

// --------------------------------------------------------------- vertices and edges

type Kind = 'vertex' | 'edge'

function requireMember(ctx: RequestContext, g: GraphDoc, kind: Kind, coll: string): void {
  if (kind === 'vertex') {
    if (!allVertexCollections(g).includes(coll)) throw arangoError('GRAPH_VERTEX_COL_DOES_NOT_EXIST')
  } else if (!g.edgeDefinitions.some((d) => d.collection === coll)) {
    throw arangoError('GRAPH_EDGE_COLLECTION_NOT_USED')
  }
  ctx.store.requireCollection(ctx.db, coll)
}

function splitId(v: unknown): [string, string] | undefined {
  if (typeof v !== 'string') return undefined
  const i = v.indexOf('/')
  if (i <= 0 || i === v.length - 1 || v.indexOf('/', i + 1) !== -1) return undefined
  return [v.slice(0, i), v.slice(i + 1)]
}

/**
 * An edge written through a graph must fit its collection's definition and join existing vertices:
 * malformed `_from`/`_to` -> 1233; a vertex collection outside the graph -> 1947; inside the graph
 * but not allowed by this definition -> 1906; a missing vertex -> 404/1202.
 */
function validateEdge(
  ctx: RequestContext,
  g: GraphDoc,
  coll: string,
  doc: Record<string, unknown>,
  partial: boolean,
) {
  const def = g.edgeDefinitions.find((d) => d.collection === coll)!
  const graphVertices = new Set(allVertexCollections(g))
  for (const [attr, allowed] of [
    ['_from', def.from],
    ['_to', def.to],
  ] as const) {
    if (partial && doc[attr] === undefined) continue
    const parts = splitId(doc[attr])
    if (!parts) throw arangoError('ARANGO_INVALID_EDGE_ATTRIBUTE', `invalid edge attribute: ${attr}`)
    const [vcoll, key] = parts
    if (!graphVertices.has(vcoll)) throw arangoError('GRAPH_REFERENCED_VERTEX_COLLECTION_NOT_USED')
    if (!allowed.includes(vcoll)) {
      throw arangoError(
        'GRAPH_INVALID_EDGE',
        `invalid edge between ${String(doc._from)} and ${String(doc._to)}. Doesn't conform to any edge definition`,
      )
    }
    if (!ctx.store.getCollection(ctx.db, vcoll) || !ctx.store.get(ctx.db, vcoll, key)) {
      throw arangoError(
        'ARANGO_DOCUMENT_NOT_FOUND',
        `${attr === '_from' ? '_from' : '_to'} vertex '${vcoll}/${key}' not found`,
      )
    }
  }
}

function writeOptions(ctx: RequestContext): WriteOptions {
  const ifMatch = stripQuotes(ctx.headers['if-match'])
  return {
    waitForSync: ctx.bool('waitForSync'),
    keepNull: ctx.bool('keepNull', true),
    mergeObjects: true,
    ifMatch,
    ignoreRevs: true,
  }
}

function writeResponse(ctx: RequestContext, kind: Kind, r: WriteResult, withOldRev: boolean): RouteResponse {
  const meta: Record<string, unknown> = { _id: r._id, _key: r._key, _rev: r._rev }
  if (withOldRev && r._oldRev !== undefined) meta._oldRev = r._oldRev
  const body: Record<string, unknown> = { [kind]: meta }
  if (ctx.bool('returnNew') && r.new) body.new = r.new
  if (ctx.bool('returnOld') && r.old) body.old = r.old
  return ok(syncStatus(ctx), body, { etag: r._rev })
}

function createElement(kind: Kind) {
  return (ctx: RequestContext): RouteResponse => {
    const { collection } = ctx.params
    const doc = ctx.json()
    if (!isObject(doc)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const r = ctx.store.transaction(() => {
      const g = loadGraph(ctx, ctx.params.graph)
      requireMember(ctx, g, kind, collection)
      if (kind === 'edge') validateEdge(ctx, g, collection, doc as Record<string, unknown>, false)
      return ctx.store.insert(ctx.db, collection, doc as Record<string, unknown>, writeOptions(ctx))
    })
    return writeResponse(ctx, kind, r, false)
  }
}

function readElement(kind: Kind) {
  return (ctx: RequestContext): RouteResponse => {
    const { collection, key } = ctx.params
    const g = loadGraph(ctx, ctx.params.graph)
    requireMember(ctx, g, kind, collection)
    const doc = ctx.store.get(ctx.db, collection, key)
    if (!doc) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
    const ifNoneMatch = stripQuotes(ctx.headers['if-none-match'])
    if (ifNoneMatch !== undefined && ifNoneMatch === doc._rev)
      return { status: 304, headers: { etag: doc._rev } }
    const ifMatch = stripQuotes(ctx.headers['if-match']) ?? ctx.q('rev')
    if (ifMatch !== undefined && ifMatch !== doc._rev) {
      throw arangoError('ARANGO_CONFLICT', 'conflict, _rev values do not match', {
        http: 412,
        extra: { _id: doc._id, _key: doc._key, _rev: doc._rev },
      })
    }
    return ok(200, { [kind]: doc }, { etag: doc._rev })
  }
}

function modifyElement(kind: Kind, mode: 'update' | 'replace') {
  return (ctx: RequestContext): RouteResponse => {
    const { collection, key } = ctx.params
    const body = ctx.json()
    if (!isObject(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const input = body as Record<string, unknown>
    const r = ctx.store.transaction(() => {
      const g = loadGraph(ctx, ctx.params.graph)
      requireMember(ctx, g, kind, collection)
      if (!ctx.store.get(ctx.db, collection, key)) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
      if (kind === 'edge') validateEdge(ctx, g, collection, input, mode === 'update')
      const opts = writeOptions(ctx)
      return mode === 'update'
        ? ctx.store.update(ctx.db, collection, key, input, opts)
        : ctx.store.replace(ctx.db, collection, key, input, opts)
    })
    return writeResponse(ctx, kind, r, true)
  }
}

/** Removing a vertex removes the edges that reach it in every graph's edge collections. */
function removeConnectedEdges(ctx: RequestContext, vertexColl: string, vertexId: string): void {
  const edgeColls = new Set<string>()
  for (const g of listGraphs(ctx)) {
    for (const d of g.edgeDefinitions) {
      if (d.from.includes(vertexColl) || d.to.includes(vertexColl)) edgeColls.add(d.collection)
    }
  }
  for (const ec of edgeColls) {
    if (!ctx.store.getCollection(ctx.db, ec)) continue
    const seen = new Set<string>()
    for (const e of [
      ...ctx.store.edges(ctx.db, ec, 'out', vertexId),
      ...ctx.store.edges(ctx.db, ec, 'in', vertexId),
    ]) {
      if (seen.has(e._key)) continue
      seen.add(e._key)
      ctx.store.remove(ctx.db, ec, e._key)
    }
  }
}

function removeElement(kind: Kind) {
  return (ctx: RequestContext): RouteResponse => {
    const { collection, key } = ctx.params
    const r = ctx.store.transaction(() => {
      const g = loadGraph(ctx, ctx.params.graph)
      requireMember(ctx, g, kind, collection)
      const res = ctx.store.remove(ctx.db, collection, key, { ifMatch: stripQuotes(ctx.headers['if-match']) })
      if (kind === 'vertex') removeConnectedEdges(ctx, collection, res._id)
      return res
    })
    const body: Record<string, unknown> = { removed: true }
    if (ctx.bool('returnOld') && r.old) body.old = r.old
    return ok(ctx.bool('waitForSync') ? 200 : 202, body)
  }
}

// ------------------------------------------------------------------------------- routes

/** Registers /_api/gharial and everything below it (called once by the server at startup). */
export function registerGharialRoutes(router: Router): void {
  const base = '/_api/gharial'
  router.add('GET', base, (ctx) => ok(200, { graphs: listGraphs(ctx).map(graphBody) }))
  router.add('POST', base, createGraph)
  router.add('GET', `${base}/:graph`, (ctx) =>
    ok(200, { graph: graphBody(loadGraph(ctx, ctx.params.graph)) }),
  )
  router.add('DELETE', `${base}/:graph`, dropGraph)

  router.add('GET', `${base}/:graph/vertex`, (ctx) =>
    ok(200, { collections: allVertexCollections(loadGraph(ctx, ctx.params.graph)) }),
  )
  router.add('POST', `${base}/:graph/vertex`, addVertexCollection)
  router.add('DELETE', `${base}/:graph/vertex/:collection`, removeVertexCollection)
  router.add('POST', `${base}/:graph/vertex/:collection`, createElement('vertex'))
  router.add(['GET', 'HEAD'], `${base}/:graph/vertex/:collection/:key`, readElement('vertex'))
  router.add('PATCH', `${base}/:graph/vertex/:collection/:key`, modifyElement('vertex', 'update'))
  router.add('PUT', `${base}/:graph/vertex/:collection/:key`, modifyElement('vertex', 'replace'))
  router.add('DELETE', `${base}/:graph/vertex/:collection/:key`, removeElement('vertex'))

  router.add('GET', `${base}/:graph/edge`, (ctx) =>
    ok(200, {
      collections: sortedUnique(loadGraph(ctx, ctx.params.graph).edgeDefinitions.map((d) => d.collection)),
    }),
  )
  router.add('POST', `${base}/:graph/edge`, addEdgeDefinition)
  router.add('PUT', `${base}/:graph/edge/:collection`, replaceEdgeDefinition)
  router.add('DELETE', `${base}/:graph/edge/:collection`, removeEdgeDefinition)
  router.add('POST', `${base}/:graph/edge/:collection`, createElement('edge'))
  router.add(['GET', 'HEAD'], `${base}/:graph/edge/:collection/:key`, readElement('edge'))
  router.add('PATCH', `${base}/:graph/edge/:collection/:key`, modifyElement('edge', 'update'))
  router.add('PUT', `${base}/:graph/edge/:collection/:key`, modifyElement('edge', 'replace'))
  router.add('DELETE', `${base}/:graph/edge/:collection/:key`, removeElement('edge'))
}
