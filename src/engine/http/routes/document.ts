/**
 * /_api/document (single and array forms) and /_api/edges, as ArangoDB 3.12 answers them
 * (docs.arangodb.com 3.12 develop/http-api/documents; recorded in ../shared/conformance).
 */
import { ArangoError, arangoError } from '../../errors.js'
import type { CollectionInfo, OverwriteMode, Store, WriteOptions, WriteResult } from '../../storage/types.js'
import type { RequestContext, RouteResponse, Router } from '../router.js'
import { resolveCollection } from './collection.js'
import { isObject } from '../../../objects.js'

const OVERWRITE_MODES = new Set(['conflict', 'ignore', 'replace', 'update'])

/** The item of a silent array write that succeeded (left out of the answer). */
const OK_ITEM: Record<string, unknown> = Object.freeze({})

function unquote(v: string | string[] | undefined): string | undefined {
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t
}

function docLocation(ctx: RequestContext, c: string, key: string): string {
  return `/_db/${encodeURIComponent(ctx.db)}/_api/document/${encodeURIComponent(c)}/${encodeURIComponent(key)}`
}

function writeOptions(ctx: RequestContext, c: CollectionInfo): WriteOptions & { waitForSync: boolean } {
  return {
    keepNull: ctx.bool('keepNull', true),
    mergeObjects: ctx.bool('mergeObjects', true),
    ignoreRevs: ctx.bool('ignoreRevs', true),
    waitForSync: ctx.bool('waitForSync', false) || c.waitForSync,
  }
}

/** The per-document result body: `{_id,_key,_rev[,_oldRev][,new][,old]}`. */
function resultBody(ctx: RequestContext, r: WriteResult, withOldRev: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: r._id, _key: r._key, _rev: r._rev }
  if (withOldRev && r._oldRev !== undefined) out._oldRev = r._oldRev
  if (ctx.bool('returnNew') && r.new) out.new = r.new
  if (ctx.bool('returnOld') && r.old && (r._oldRev !== undefined || ctx.method === 'DELETE')) out.old = r.old
  return out
}

function itemError(e: unknown): Record<string, unknown> {
  if (e instanceof ArangoError) return { error: true, errorNum: e.errorNum, errorMessage: e.message }
  throw e
}

/** `x-arango-error-codes`: how many elements of an array request failed with each error number. */
function errorCodesHeader(errors: Iterable<Record<string, unknown>>): Record<string, string> {
  const codes: Record<string, number> = {}
  for (const e of errors) codes[String(e.errorNum)] = (codes[String(e.errorNum)] ?? 0) + 1
  return Object.keys(codes).length > 0 ? { 'x-arango-error-codes': JSON.stringify(codes) } : {}
}

/** Array responses: results and inline errors, plus the `x-arango-error-codes` header. */
function arrayResponse(ctx: RequestContext, status: number, items: Record<string, unknown>[]): RouteResponse {
  const errors = items.filter((i) => i.error === true)
  return { status, body: ctx.bool('silent') ? errors : items, headers: errorCodesHeader(errors) }
}

/**
 * The array form of a write: every element in one transaction, each answered in place with its
 * result or its error, so one bad element does not undo the others.
 */
function writeEach(
  ctx: RequestContext,
  body: unknown[],
  sync: boolean,
  withOldRev: boolean,
  write: (store: Store, item: unknown) => WriteResult,
): Record<string, unknown>[] {
  const silent = ctx.bool('silent')
  const store = ctx.store
  return store.transaction(
    () =>
      body.map((item) => {
        try {
          const r = write(store, item)
          // silent: only errors are answered, so no result body is made
          return silent ? OK_ITEM : resultBody(ctx, r, withOldRev)
        } catch (e) {
          return itemError(e)
        }
      }),
    { sync },
  )
}

/** A single-document write's answer: its result (none when silent), etag and location. */
function writtenResponse(
  ctx: RequestContext,
  collection: string,
  status: number,
  r: WriteResult,
  withOldRev: boolean,
): RouteResponse {
  return {
    status,
    body: ctx.bool('silent') ? {} : resultBody(ctx, r, withOldRev),
    headers: { etag: `"${r._rev}"`, location: docLocation(ctx, collection, r._key) },
  }
}

/** A single-document 1200 is 412 with the current `_id/_key/_rev` (and etag), as ArangoDB. */
function singleError(e: unknown): never {
  if (e instanceof ArangoError && e.errorNum === 1200 && e.extra) {
    throw new ArangoError(1200, 412, e.message, e.extra)
  }
  throw e
}

/** A key from an array element: "key", "coll/key" (must be this collection) or {_key}. */
function keyOf(c: CollectionInfo, item: unknown): string {
  let key: unknown = item
  if (isObject(item)) key = item._key ?? (typeof item._id === 'string' ? item._id : undefined)
  if (typeof key !== 'string') throw arangoError('ARANGO_DOCUMENT_HANDLE_BAD')
  const slash = key.indexOf('/')
  if (slash >= 0) {
    if (key.slice(0, slash) !== c.name) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
    key = key.slice(slash + 1)
  }
  return key as string
}

function insert(ctx: RequestContext, collName: string): RouteResponse {
  const c = resolveCollection(ctx, collName)
  const body = ctx.json()
  const base = writeOptions(ctx, c)
  let mode = ctx.q('overwriteMode')
  if (mode !== undefined && !OVERWRITE_MODES.has(mode)) mode = undefined
  if (mode === undefined && ctx.bool('overwrite')) mode = 'replace'
  const opts: WriteOptions = { ...base, overwriteMode: (mode ?? 'conflict') as OverwriteMode }
  const status = base.waitForSync ? 201 : 202
  if (Array.isArray(body)) {
    const items = writeEach(ctx, body, base.waitForSync, true, (store, doc) =>
      store.insert(ctx.db, c.name, doc as Record<string, unknown>, opts),
    )
    return arrayResponse(ctx, status, items)
  }
  if (!isObject(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
  const r = ctx.store.transaction(() => ctx.store.insert(ctx.db, c.name, body, opts), {
    sync: base.waitForSync,
  })
  return writtenResponse(ctx, c.name, status, r, true)
}

function read(ctx: RequestContext, head: boolean): RouteResponse {
  const c = resolveCollection(ctx, ctx.params.c)
  const key = ctx.params.k
  const raw = ctx.store.getRaw(ctx.db, c.name, key)
  if (!raw) throw arangoError('ARANGO_DOCUMENT_NOT_FOUND')
  const etag = `"${raw.rev}"`
  const ifNoneMatch = unquote(ctx.headers['if-none-match'])
  if (ifNoneMatch !== undefined && ifNoneMatch === raw.rev) {
    return { status: 304, headers: { etag, 'content-type': 'text/plain' } }
  }
  const ifMatch = unquote(ctx.headers['if-match']) ?? ctx.q('rev')
  if (ifMatch !== undefined && ifMatch !== raw.rev) {
    if (head) return { status: 412, headers: { etag } }
    throw new ArangoError(1200, 412, 'conflict, _rev values do not match', {
      _id: `${c.name}/${key}`,
      _key: key,
      _rev: raw.rev,
    })
  }
  return head ? { status: 200, headers: { etag } } : { status: 200, raw: raw.json, headers: { etag } }
}

function modify(ctx: RequestContext, kind: 'update' | 'replace'): RouteResponse {
  const c = resolveCollection(ctx, ctx.params.c)
  const base = writeOptions(ctx, c)
  const status = base.waitForSync ? 201 : 202
  const body = ctx.json()
  const key = ctx.params.k
  if (key === undefined) {
    if (!Array.isArray(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const items = writeEach(ctx, body, base.waitForSync, true, (store, doc) => {
      if (!isObject(doc)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
      const k = keyOf(c, doc)
      return kind === 'update'
        ? store.update(ctx.db, c.name, k, doc, base)
        : store.replace(ctx.db, c.name, k, doc, base)
    })
    return arrayResponse(ctx, status, items)
  }
  if (!isObject(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
  const opts: WriteOptions = { ...base, ifMatch: unquote(ctx.headers['if-match']) }
  let r: WriteResult
  try {
    r = ctx.store.transaction(
      () =>
        kind === 'update'
          ? ctx.store.update(ctx.db, c.name, key, body, opts)
          : ctx.store.replace(ctx.db, c.name, key, body, opts),
      { sync: base.waitForSync },
    )
  } catch (e) {
    singleError(e)
  }
  return writtenResponse(ctx, c.name, status, r, true)
}

function remove(ctx: RequestContext): RouteResponse {
  const c = resolveCollection(ctx, ctx.params.c)
  const base = writeOptions(ctx, c)
  const status = base.waitForSync ? 200 : 202
  const key = ctx.params.k
  if (key === undefined) {
    const body = ctx.json()
    if (!Array.isArray(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const items = writeEach(ctx, body, base.waitForSync, false, (store, item) => {
      const k = keyOf(c, item)
      const rev = isObject(item) && typeof item._rev === 'string' ? item._rev : undefined
      return store.remove(ctx.db, c.name, k, { ...base, rev } as WriteOptions)
    })
    // ArangoDB answers 202 when any element failed, even with waitForSync
    return arrayResponse(ctx, items.some((i) => i.error === true) ? 202 : status, items)
  }
  let r: WriteResult
  try {
    const opts = { ...base, ifMatch: unquote(ctx.headers['if-match']) }
    r = ctx.store.transaction(() => ctx.store.remove(ctx.db, c.name, key, opts), { sync: base.waitForSync })
  } catch (e) {
    singleError(e)
  }
  return writtenResponse(ctx, c.name, status, r, false)
}

/** PUT /_api/document/{c}?onlyget=true: look up several documents by key. */
function onlyGet(ctx: RequestContext): RouteResponse {
  const c = resolveCollection(ctx, ctx.params.c)
  const body = ctx.json()
  if (!Array.isArray(body)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
  const parts: string[] = []
  const errors: Record<string, unknown>[] = []
  const store = ctx.store
  // a missing document is the common error (a reader probing keys): its item is made once, not
  // an Error with a stack per key
  let missing: { item: Record<string, unknown>; json: string } | undefined
  // one snapshot for all of them (one consistent read, and no per-lookup metadata check)
  store.readSnapshot(() => {
    for (const item of body) {
      let json: string
      try {
        const raw = store.getRaw(ctx.db, c.name, keyOf(c, item))
        if (!raw) {
          if (!missing) {
            const err = itemError(arangoError('ARANGO_DOCUMENT_NOT_FOUND'))
            missing = { item: err, json: JSON.stringify(err) }
          }
          errors.push(missing.item)
          parts.push(missing.json)
          continue
        }
        json = raw.json
      } catch (e) {
        const err = itemError(e)
        errors.push(err)
        json = JSON.stringify(err)
      }
      parts.push(json)
    }
  })
  return { status: 200, raw: `[${parts.join(',')}]`, headers: errorCodesHeader(errors) }
}

export function registerDocumentRoutes(router: Router): void {
  router.add('POST', '/_api/document/:c', (ctx) => insert(ctx, ctx.params.c))
  router.add('POST', '/_api/document', (ctx) => {
    const c = ctx.q('collection')
    if (c === undefined) throw arangoError('ARANGO_COLLECTION_PARAMETER_MISSING')
    return insert(ctx, c)
  })
  router.add('GET', '/_api/document/:c/:k', (ctx) => read(ctx, false))
  router.add('HEAD', '/_api/document/:c/:k', (ctx) => read(ctx, true))
  router.add(['GET', 'HEAD'], '/_api/document/:c', () => {
    throw arangoError('HTTP_BAD_PARAMETER', 'expecting GET /_api/document/<document-handle>')
  })
  router.add('PATCH', '/_api/document/:c/:k', (ctx) => modify(ctx, 'update'))
  router.add('PUT', '/_api/document/:c/:k', (ctx) => modify(ctx, 'replace'))
  router.add('DELETE', '/_api/document/:c/:k', remove)
  router.add('PATCH', '/_api/document/:c', (ctx) => modify(ctx, 'update'))
  router.add('PUT', '/_api/document/:c', (ctx) =>
    ctx.bool('onlyget') ? onlyGet(ctx) : modify(ctx, 'replace'),
  )
  router.add('DELETE', '/_api/document/:c', remove)

  // arangojs EdgeCollection.edges/inEdges/outEdges
  router.add('GET', '/_api/edges/:c', (ctx) => {
    const c = resolveCollection(ctx, ctx.params.c)
    if (c.type !== 3) throw arangoError('ARANGO_COLLECTION_TYPE_INVALID')
    const vertex = ctx.q('vertex')
    if (vertex === undefined) throw arangoError('HTTP_BAD_PARAMETER', 'illegal document identifier')
    const dir = ctx.q('direction')
    const out = dir === 'in' ? [] : ctx.store.edges(ctx.db, c.name, 'out', vertex)
    const inn = dir === 'out' ? [] : ctx.store.edges(ctx.db, c.name, 'in', vertex)
    const seen = new Set(out.map((e) => e._key))
    const edges = [...out, ...inn.filter((e) => !seen.has(e._key))]
    return {
      status: 200,
      body: { edges, error: false, code: 200, stats: { scannedIndex: edges.length, filtered: 0 } },
    }
  })
}
