/**
 * The robustness properties of the engine under arbitrary input, and the two ways they are
 * checked: in-process against the parser/planner/executor (fast, thousands of queries) and over
 * HTTP against a live engine (`startEngineServer`), for AQL and for every registered route.
 *
 * Properties: no HTTP 500, no errorNum 4 (internal error: a JavaScript exception that escaped),
 * every error ArangoDB-shaped `{error: true, code, errorNum, errorMessage}` with `code` the HTTP
 * status, every answer within ANSWER_MS (queries run with `maxRuntime`), no unhandled rejection,
 * and the server still answering afterwards.
 *
 * Run counts: FUZZ_RUNS (runs per property) and FUZZ_SECONDS (time budget per property, which
 * stops a property early); FUZZ_SEED replays a run. `npm run fuzz` runs the long version
 * (test/fuzz/*.fuzz.ts), test/fuzz/smoke.test.ts a short seeded one in the normal suite.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { compileQuery } from '../../src/engine/aql/executor.js'
import { QueryCancellation } from '../../src/engine/aql/cancel.js'
import { FUNCTION_LIBRARY } from '../../src/engine/aql/library.js'
import type { FunctionLibrary } from '../../src/engine/aql/context.js'
import { ArangoError } from '../../src/engine/errors.js'
import { openStore, type SqliteStore } from '../../src/engine/storage/sqlite-store.js'
import { buildRouter, startEngineServer, type EngineServer } from '../../src/engine/http/server.js'
import { FUZZ_SETUP, jsonValue, type AqlCase } from './aql-arbitrary.js'

/** A request must be answered within this (ArangoDB answers or kills: maxRuntime below). */
export const ANSWER_MS = 5000
/** `maxRuntime` (seconds) of every fuzzed query. */
export const MAX_RUNTIME_S = 2
/** Documents in `c` and `e` past which the fuzzing data is reset to FUZZ_SETUP. */
const MAX_FUZZ_DOCS = 500

export interface FuzzBudget {
  numRuns: number
  seconds: number
  seed?: number
}

/** fast-check parameters for one property under `budget`. */
export function params(budget: FuzzBudget): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : budget.seed
  return {
    numRuns: budget.numRuns,
    interruptAfterTimeLimit: budget.seconds * 1000,
    markInterruptAsFailure: false,
    seed,
    endOnFailure: true,
  }
}

/** The long-run budget of `npm run fuzz` (FUZZ_RUNS, FUZZ_SECONDS). */
export function longBudget(): FuzzBudget {
  return {
    numRuns: Number(process.env.FUZZ_RUNS ?? 5000),
    seconds: Number(process.env.FUZZ_SECONDS ?? 60),
  }
}

/** What an error must look like; returns the problem or undefined. */
export function errorShapeProblem(status: number, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return `status ${status} with a non-object body`
  const b = body as Record<string, unknown>
  if (b.error !== true) return `status ${status} without error: true`
  if (b.code !== status) return `status ${status} with code ${String(b.code)}`
  if (typeof b.errorNum !== 'number') return 'errorNum is not a number'
  if (typeof b.errorMessage !== 'string') return 'errorMessage is not a string'
  if (b.errorNum === 4) return `internal error: ${b.errorMessage}`
  if (/\n\s+at /.test(b.errorMessage)) return 'stack trace in errorMessage'
  return undefined
}

// ------------------------------------------------------------------ in-process

export interface InProcess {
  store: SqliteStore
  lib: FunctionLibrary
  /** Throws (fails the property) on an escaped exception, errorNum 4 or a run past ANSWER_MS. */
  check(c: AqlCase): void
  close(): void
}

export async function openInProcess(): Promise<InProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-fuzz-'))
  const store = openStore(dir)
  const lib = FUNCTION_LIBRARY
  const db = '_system'
  store.createCollection(db, 'c')
  store.createCollection(db, 'e', { type: 3 })
  const fill = () => {
    for (const d of FUZZ_SETUP.docs) store.insert(db, 'c', d)
    for (const d of FUZZ_SETUP.edges) store.insert(db, 'e', d)
  }
  fill()
  // `FOR doc IN c … INSERT … INTO c` doubles the collection: back to the setup before it explodes
  const refill = () => {
    if (store.count(db, 'c') + store.count(db, 'e') < MAX_FUZZ_DOCS) return
    store.truncateCollection(db, 'c')
    store.truncateCollection(db, 'e')
    fill()
  }
  return {
    store,
    lib,
    check(c) {
      // FUZZ_TRACE=file: each case is written there before it runs, so a crash (out of memory,
      // a hang without cancellation point) leaves its input behind
      if (process.env.FUZZ_TRACE) fs.writeFileSync(process.env.FUZZ_TRACE, show(c, Infinity) + '\n')
      const cancel = new QueryCancellation()
      cancel.setMaxRuntime(MAX_RUNTIME_S)
      const t0 = Date.now()
      try {
        const q = compileQuery(store, db, c.query, c.bindVars, lib, { cancel })
        q.all()
        q.explain()
      } catch (e) {
        if (!(e instanceof ArangoError)) {
          throw new Error(`escaped ${(e as Error)?.name}: ${(e as Error)?.message} for ${show(c)}`, {
            cause: e,
          })
        }
        const problem = errorShapeProblem(e.code, e.toBody())
        if (problem) throw new Error(`${problem} for ${show(c)}`)
        if (e.code >= 500 && e.code !== 501 && e.code !== 503)
          throw new Error(`HTTP ${e.code} for ${show(c)}`)
      }
      const ms = Date.now() - t0
      refill()
      if (ms > ANSWER_MS) throw new Error(`took ${ms} ms (maxRuntime ${MAX_RUNTIME_S} s) for ${show(c)}`)
    },
    close() {
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function show(c: AqlCase, max = 300): string {
  const q = c.query.length > max ? `${c.query.slice(0, max)}… (${c.query.length} chars)` : c.query
  return JSON.stringify({ query: q, bindVars: c.bindVars })
}

// ------------------------------------------------------------------ over HTTP

export interface Answer {
  status: number
  body: unknown
  ms: number
}

export interface Live {
  engine: EngineServer
  url: string
  db: string
  request(
    method: string,
    p: string,
    opts?: { body?: string; headers?: Record<string, string> },
  ): Promise<Answer>
  /** Throws on a 500, an error not in ArangoDB's shape, errorNum 4 or an answer past ANSWER_MS. */
  checkAnswer(what: string, method: string, a: Answer): void
  /** Aborts the stream transactions a fuzzed request left open (their write locks delay others). */
  cleanup(): Promise<void>
  /** Collections `c`, `e` and graph `g` as FUZZ_SETUP has them (after a fuzzed drop or truncate). */
  reset(): Promise<void>
  unhandled: unknown[]
  close(): Promise<void>
}

export async function startLive(): Promise<Live> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-fuzz-http-'))
  const engine = await startEngineServer({ dataDir, port: 0 })
  const url = engine.url
  const db = 'fuzz'
  const unhandled: unknown[] = []
  const onUnhandled = (e: unknown) => unhandled.push(e)
  process.on('unhandledRejection', onUnhandled)

  async function request(
    method: string,
    p: string,
    opts: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const t0 = Date.now()
    const res = await fetch(url + p, {
      method,
      body: method === 'GET' || method === 'HEAD' ? undefined : opts.body,
      headers: opts.headers,
      signal: AbortSignal.timeout(ANSWER_MS + 1000),
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = text === '' ? undefined : JSON.parse(text)
    } catch {
      // kept as text: the check below reports a non-JSON error body
    }
    return { status: res.status, body, ms: Date.now() - t0 }
  }

  const live: Live = {
    engine,
    url,
    db,
    unhandled,
    request,
    checkAnswer(what, method, a) {
      if (a.ms > ANSWER_MS) throw new Error(`${what}: answered after ${a.ms} ms`)
      if (a.status === 500) throw new Error(`${what}: HTTP 500 ${JSON.stringify(a.body)}`)
      if (a.status >= 400 && method !== 'HEAD') {
        const problem = errorShapeProblem(a.status, a.body)
        if (problem) throw new Error(`${what}: ${problem} ${JSON.stringify(a.body)?.slice(0, 300)}`)
      }
    },
    async cleanup() {
      const list = await request('GET', `/_db/${db}/_api/transaction`)
      const ts = (list.body as { transactions?: { id: string }[] })?.transactions ?? []
      for (const t of ts) await request('DELETE', `/_db/${db}/_api/transaction/${t.id}`)
    },
    async reset() {
      await request('POST', '/_api/database', { body: JSON.stringify({ name: db }) })
      for (const [name, type] of [
        ['c', 2],
        ['e', 3],
      ] as const) {
        await request('DELETE', `/_db/${db}/_api/collection/${name}`)
        await request('POST', `/_db/${db}/_api/collection`, { body: JSON.stringify({ name, type }) })
      }
      await request('POST', `/_db/${db}/_api/document/c`, { body: JSON.stringify(FUZZ_SETUP.docs) })
      await request('POST', `/_db/${db}/_api/document/e`, { body: JSON.stringify(FUZZ_SETUP.edges) })
      await request('DELETE', `/_db/${db}/_api/gharial/g`)
      await request('POST', `/_db/${db}/_api/gharial`, {
        body: JSON.stringify({ name: 'g', edgeDefinitions: [{ collection: 'e', from: ['c'], to: ['c'] }] }),
      })
    },
    async close() {
      process.off('unhandledRejection', onUnhandled)
      await engine.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
  await live.reset()
  return live
}

/** One AQL case through POST /_api/cursor (and, for some, /_api/explain and /_api/query). */
export async function checkCursor(live: Live, c: AqlCase, api: 'cursor' | 'explain' | 'query' = 'cursor') {
  const body =
    api === 'query'
      ? { query: c.query }
      : { query: c.query, bindVars: c.bindVars, options: { maxRuntime: MAX_RUNTIME_S }, batchSize: 5 }
  const a = await live.request('POST', `/_db/${live.db}/_api/${api}`, { body: JSON.stringify(body) })
  live.checkAnswer(`POST /_api/${api} ${show(c)}`, 'POST', a)
  const count = await live.request('GET', `/_db/${live.db}/_api/collection/c/count`)
  if (((count.body as { count?: number })?.count ?? 0) > MAX_FUZZ_DOCS) await live.reset()
  const cursor = a.body as { id?: string; hasMore?: boolean }
  if (api === 'cursor' && a.status === 201 && cursor.hasMore && cursor.id) {
    const next = await live.request('POST', `/_db/${live.db}/_api/cursor/${cursor.id}`)
    live.checkAnswer(`next batch of ${show(c)}`, 'POST', next)
    await live.request('DELETE', `/_db/${live.db}/_api/cursor/${cursor.id}`)
  }
}

// ------------------------------------------------------------------ requests to every route

export interface RouteRequest {
  method: string
  path: string
  query: string
  headers: Record<string, string>
  body?: string
}

const SEGMENT_VALUES = [
  'c',
  'e',
  'g',
  'missing',
  '_graphs',
  'fuzz',
  '_system',
  '1',
  '0',
  '-1',
  '%00',
  '%2F',
  '%E0%A4%A',
  '..',
  'x'.repeat(300),
  '_key',
  '🥑',
  'c%2F1',
  'undefined',
  'null',
  '12345678901234567890',
]
const QUERY_NAMES = [
  'waitForSync',
  'returnNew',
  'returnOld',
  'silent',
  'overwrite',
  'overwriteMode',
  'keepNull',
  'mergeObjects',
  'ignoreRevs',
  'collection',
  'type',
  'details',
  'complete',
  'onDuplicate',
  'fromPrefix',
  'toPrefix',
  'direction',
  'vertex',
  'details',
  'count',
  'withRevisions',
  'withData',
  'onlyget',
  'dropCollections',
  'dropCollection',
  'createCollection',
  'isSystem',
  'excludeSystem',
  'force',
  'rev',
  'batchSize',
  'ttl',
  'all',
  'id',
]
const QUERY_VALUES = [
  'true',
  'false',
  '1',
  '0',
  '',
  'x',
  'replace',
  'update',
  'ignore',
  'conflict',
  'documents',
  'list',
  'array',
  'auto',
  'in',
  'out',
  'c',
  'c/1',
  '-5',
  '1e9',
  'undefined',
  '%ZZ',
]
const HEADER_NAMES = [
  'if-match',
  'if-none-match',
  'x-arango-trx-id',
  'content-type',
  'x-arango-queue-time-seconds',
  'x-arango-async',
  'accept',
  'authorization',
]
const HEADER_VALUES = [
  '"_abc"',
  '*',
  '1',
  '0',
  'garbage',
  'application/json',
  'text/plain',
  'Basic !!!',
  'Bearer x.y.z',
  '-1',
  '1e400',
  'W/"x"',
]

const bodyArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'type',
        'query',
        'bindVars',
        'options',
        'collections',
        'fields',
        'unique',
        'sparse',
        'edgeDefinitions',
        'orphanCollections',
        '_key',
        '_from',
        '_to',
        '_rev',
        'keyOptions',
        'schema',
        'batchSize',
        'count',
        'ttl',
        'from',
        'to',
        'collection',
        'read',
        'write',
        'exclusive',
        'allowImplicit',
        'lockTimeout',
        'code',
        'isDeterministic',
        'group',
        'enabled',
        'slowQueryThreshold',
        'maxSlowQueries',
        'username',
        'password',
        'users',
        'waitForSync',
        'deduplicate',
        'inBackground',
        'id',
        'maxRuntime',
      ),
      jsonValue,
      { maxKeys: 6 },
    )
    .map((o) => JSON.stringify(o)),
  fc.array(jsonValue, { maxLength: 4 }).map((a) => JSON.stringify(a)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '{',
    '[1,',
    '{"a":',
    '\u0000',
    'null',
    '"x"',
    '1',
    '{"_key":"a/b"}',
    '[{"_key":"x","_from":1}]',
    '{"name":"c2","type":99}',
    '{"collections":{"write":["c"]},"lockTimeout":0.01}',
    '{"type":"persistent","fields":["a[*]", ""]}',
    '{"type":"persistent","fields":[]}',
    '{"query":"RETURN 1","options":{"stream":true}}',
    '{"edgeDefinitions":[{"collection":"e","from":[],"to":[1]}]}',
  ),
)

/** Requests to the registered routes: parameters, query strings, headers and bodies at random. */
export function routeRequestArb(): fc.Arbitrary<RouteRequest> {
  const routes = buildRouter().list()
  return fc
    .tuple(
      fc.constantFrom(...routes),
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
      fc.boolean(),
      fc.array(
        fc.oneof(
          fc.constantFrom(...SEGMENT_VALUES),
          fc.string({ minLength: 1, maxLength: 8 }).map(encodeURIComponent),
        ),
        {
          minLength: 4,
          maxLength: 4,
        },
      ),
      fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.constantFrom(...QUERY_VALUES)), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom(...HEADER_NAMES), fc.constantFrom(...HEADER_VALUES), { maxKeys: 3 }),
      bodyArb,
    )
    .map(([route, randomMethod, useRouteMethod, segs, qs, headers, body]) => {
      const methods = route.methods.filter((m) => m !== '*')
      const method =
        useRouteMethod && methods.length > 0 ? methods[segs.length % methods.length]! : randomMethod
      let k = 0
      const p = route.pattern
        .split('/')
        .map((part) => (part.startsWith(':') || part.startsWith('*') ? segs[k++ % segs.length]! : part))
        .join('/')
      const query = qs.map(([n, v]) => `${n}=${v}`).join('&')
      return { method, path: p, query, headers, body }
    })
}

export async function checkRoute(live: Live, r: RouteRequest): Promise<void> {
  const p = `/_db/${live.db}${r.path}${r.query ? '?' + r.query : ''}`
  const a = await live.request(r.method, p, { body: r.body, headers: r.headers })
  live.checkAnswer(
    `${r.method} ${p} headers ${JSON.stringify(r.headers)} body ${r.body?.slice(0, 200)}`,
    r.method,
    a,
  )
}

/** The server still answers, and no promise was rejected unhandled. */
export async function checkAlive(live: Live): Promise<void> {
  const a = await live.request('GET', '/_api/version')
  if (a.status !== 200) throw new Error(`server no longer answers /_api/version: ${a.status}`)
  if (live.unhandled.length > 0) throw new Error(`unhandled rejection: ${String(live.unhandled[0])}`)
}
