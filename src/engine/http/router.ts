/**
 * A small router for the engine's REST API. Route modules (src/engine/http/routes/*.ts) each
 * export a `register…Routes(router: Router): void` function that calls `router.add(...)`.
 *
 * Patterns are paths below the database prefix (`/_db/{db}` is stripped before matching), with
 * `:name` capturing one percent-decoded segment and a trailing `*name` capturing the rest
 * (segments joined by '/'). Handlers get a `RequestContext` and return a `RouteResponse`
 * (or throw an `ArangoError`, which the server turns into ArangoDB's error body).
 */
import type { IncomingHttpHeaders } from 'node:http'
import { isObject } from '../../objects.js'
import { ArangoError, arangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import type { TransactionManager } from '../storage/stream-transactions.js'
import type { Metrics } from './metrics.js'
import type { CursorManager } from '../aql/cursor.js'
import type { AssignedQuery, QueryTracker } from '../pool/tracking.js'

export interface RouteResponse {
  status: number
  /** Serialized as JSON unless `raw` is given. Omitted for 304/HEAD. */
  body?: unknown
  /** Already-serialized JSON text (e.g. a stored document), sent as is. */
  raw?: string
  headers?: Record<string, string>
}

export interface EngineContext {
  store: Store
  transactions: TransactionManager
  /** The cursors of this thread (a query worker's; the HTTP thread forwards cursors to them). */
  cursors: CursorManager
  /** The running and slow queries of the whole engine (kept by the HTTP thread). */
  queries: QueryTracker
  /** Request statistics and the registry of gauges/counters (GET /_admin/metrics/v2). */
  metrics: Metrics
  /** True when a root password is set (auth required). */
  authEnabled: boolean
  rootPassword?: string
  jwtSecret: string
}

export class RequestContext {
  /** Decoded path segments below the database prefix, e.g. ['_api', 'document', 'c', 'k']. */
  params: Record<string, string> = {}
  /** The authenticated user (undefined when authentication is off). */
  user?: string
  /** In a query worker: the id and cancellation cell the HTTP thread registered the query under. */
  assignedQuery?: AssignedQuery
  private parsed: unknown
  private parsedOk = false
  private trxStore?: Store

  constructor(
    readonly engine: EngineContext,
    /** Database name from `/_db/{db}` (default `_system`); existence is checked by the server. */
    readonly db: string,
    readonly method: string,
    /** Path below the database prefix, still percent-encoded, e.g. `/_api/document/c/k`. */
    readonly path: string,
    readonly segments: string[],
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly rawBody: Buffer,
  ) {}

  /**
   * The store this request works on: with an `x-arango-trx-id` header, on an API that honours it,
   * the stream transaction's own (its writes visible, nobody else's uncommitted ones); else the
   * engine's.
   */
  get store(): Store {
    const id = this.trxId
    if (id === undefined) return this.engine.store
    this.trxStore ??= this.engine.transactions.lease(this.db, id)
    return this.trxStore
  }

  /** The stream transaction id of this request, when its API takes part in transactions. */
  get trxId(): string | undefined {
    const h = this.headers['x-arango-trx-id']
    const id = Array.isArray(h) ? h[0] : h
    if (id === undefined || id === '' || !honoursTransaction(this.segments)) return undefined
    return id
  }

  /** A query parameter; arangojs sends unset options as the string "undefined" (treated as unset). */
  q(name: string): string | undefined {
    const v = this.query.get(name)
    return v === null || v === 'undefined' ? undefined : v
  }

  /** Only `true` and `1` are true (ArangoDB's rule). */
  bool(name: string, def = false): boolean {
    const v = this.q(name)
    if (v === undefined) return def
    return v === 'true' || v === '1'
  }

  /** The body as text (imports). */
  text(): string {
    return this.rawBody.toString('utf8')
  }

  /** The body parsed as JSON, by content whatever the content type; malformed -> 400/600. */
  json(): unknown {
    if (this.parsedOk) return this.parsed
    const text = this.text()
    if (text.trim() === '') {
      this.parsed = undefined
    } else {
      try {
        this.parsed = JSON.parse(text)
      } catch (e) {
        throw arangoError('HTTP_CORRUPTED_JSON', `VPackError error: ${(e as Error).message}`)
      }
    }
    this.parsedOk = true
    return this.parsed
  }

  /** The body, which must be a JSON object (else 400 with `message`). */
  jsonObject(message = 'expecting a JSON object in the request body'): Record<string, unknown> {
    const b = this.json()
    if (!isObject(b)) throw arangoError('HTTP_BAD_PARAMETER', message)
    return b
  }
}

/**
 * The APIs ArangoDB runs inside a stream transaction (3.12 manual, "Supported transactional API
 * operations"): documents, creating cursors, a collection's count/properties/truncate, and the
 * vertices and edges of named graphs. Others ignore the header. Not the import API: arangod's
 * RestImportHandler runs each request in a transaction of its own (a SingleCollectionTransaction
 * on a StandaloneContext, never the header's), the manual's list leaves it out, and imports sent
 * with the header are committed at once whatever the stream transaction does (arangodb/arangodb
 * issues #11157 and #13159).
 */
export function honoursTransaction(seg: string[]): boolean {
  if (seg[0] !== '_api') return false
  switch (seg[1]) {
    case 'document':
      return true
    case 'cursor':
      return seg.length === 2
    case 'collection':
      return seg.length === 4 && ['count', 'properties', 'truncate'].includes(seg[3]!)
    case 'gharial':
      return seg.length >= 5 && (seg[3] === 'vertex' || seg[3] === 'edge')
    default:
      return false
  }
}

export type Handler = (ctx: RequestContext) => RouteResponse | Promise<RouteResponse>

interface Route {
  methods: Set<string>
  parts: string[]
  handler: Handler
}

export interface RouteMatch {
  handler?: Handler
  params: Record<string, string>
  /** Path matched but not with this method (-> 405). */
  methodMismatch: boolean
}

export class Router {
  private routes: Route[] = []

  /** Register `handler` for `method` (or several) and `pattern`; earlier registrations win. */
  add(method: string | string[], pattern: string, handler: Handler): void {
    const methods = new Set((Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase()))
    this.routes.push({ methods, parts: pattern.split('/').filter((p) => p !== ''), handler })
  }

  /** The registered routes, in matching order (the fuzzing run walks them). */
  list(): { methods: string[]; pattern: string }[] {
    return this.routes.map((r) => ({ methods: [...r.methods], pattern: '/' + r.parts.join('/') }))
  }

  match(method: string, segments: string[]): RouteMatch {
    let methodMismatch = false
    for (const r of this.routes) {
      const params = matchParts(r.parts, segments)
      if (!params) continue
      if (r.methods.has(method) || r.methods.has('*'))
        return { handler: r.handler, params, methodMismatch: false }
      methodMismatch = true
    }
    return { params: {}, methodMismatch }
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (p.startsWith('*')) {
      params[p.slice(1)] = segs.slice(i).join('/')
      return params
    }
    if (i >= segs.length) return undefined
    if (p.startsWith(':')) params[p.slice(1)] = segs[i]
    else if (p !== segs[i]) return undefined
  }
  return parts.length === segs.length ? params : undefined
}

/** JSON success body with ArangoDB's envelope `{error:false, code, ...}`. */
export function ok(
  status: number,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): RouteResponse {
  return { status, body: { error: false, code: status, ...body }, headers }
}

/** 501 / errorNum 9 for a feature outside the engine's subset. */
export function unsupported(feature: string): Handler {
  return () => {
    throw new ArangoError(9, 501, `${feature} is not implemented in the graphpipe embedded engine`)
  }
}
