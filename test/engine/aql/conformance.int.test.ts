/**
 * Replays every entry of ../shared/conformance/aql-functions.jsonl and aql-queries.jsonl (recorded
 * on ArangoDB 3.12.10) against the live target through arangojs, and compares with the recorded
 * result: order-insensitive only when the query has no SORT, volatile fields (`_rev`, generated
 * keys) by shape, nondeterministic/serverSpecific entries by shape. Entries out of scope are
 * skipped with the reason listed in docs/aql-fidelity.md (conformance-exclusions.ts).
 */
import fs from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { conformanceFile, readConformance } from '../../helpers/conformance.js'
import { useTestTarget, type TestTarget } from '../../helpers/target.js'
import { EXCLUDED } from './conformance-exclusions.js'

interface Entry {
  name: string
  query: string
  bindVars?: Record<string, unknown>
  options?: Record<string, unknown>
  setup?: Record<string, unknown>[]
  expected?: unknown[]
  expectedError?: string
  flags?: string[]
}

function load(file: string): Entry[] {
  return readConformance<Entry>(file)
}

type Graph = {
  name: string
  edgeDefinitions: unknown[]
  orphanCollections: string[]
  collections: Record<
    string,
    { type: 'document' | 'edge'; indexes?: Record<string, unknown>[]; docs: unknown[] }
  >
}

/** Indexes the engine does not have (geo, fulltext, inverted): results do not depend on them. */
const OPTIONAL_INDEX_TYPES = new Set(['geo', 'fulltext', 'inverted', 'zkd', 'mdi', 'ttl'])
/** Array indexes (`tags[*]`) only speed up queries; the engine's storage has none. */
const optionalIndex = (idx: Record<string, unknown>) =>
  OPTIONAL_INDEX_TYPES.has(String(idx.type)) ||
  (Array.isArray(idx.fields) && idx.fields.some((f) => String(f).includes('[*]')))

async function api(
  t: TestTarget,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}/_db/${encodeURIComponent(t.dbName)}${p}`, {
    method,
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64'),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

async function createGraph(
  t: TestTarget,
  g: { name: string; edgeDefinitions: unknown[]; orphanCollections?: string[] },
) {
  const r = await api(t, 'POST', '/_api/gharial', {
    name: g.name,
    edgeDefinitions: g.edgeDefinitions,
    orphanCollections: g.orphanCollections ?? [],
  })
  if (r.status >= 400) throw new Error(`creating graph ${g.name}: ${JSON.stringify(r.body)}`)
}

async function runSetup(t: TestTarget, steps: Record<string, unknown>[]): Promise<void> {
  const db = t.db
  for (const s of steps) {
    if (typeof s.create === 'string') {
      const opts = (s.options ?? {}) as Record<string, unknown>
      if (s.type === 'edge') await db.createEdgeCollection(s.create, opts)
      else await db.createCollection(s.create, opts)
    } else if (typeof s.insert === 'string') {
      await db.collection(s.insert).saveAll(s.docs as Record<string, unknown>[])
    } else if (typeof s.remove === 'string') {
      await db.collection(s.remove).removeAll(s.keys as string[])
    } else if (typeof s.ensureIndex === 'string') {
      const idx = s.index as Record<string, unknown>
      if (optionalIndex(idx)) continue
      await db.collection(s.ensureIndex).ensureIndex(idx as never)
    } else if (typeof s.loadGraph === 'string') {
      const g = JSON.parse(fs.readFileSync(conformanceFile('graphs', `${s.loadGraph}.json`), 'utf8')) as Graph
      for (const [name, c] of Object.entries(g.collections)) {
        const coll = c.type === 'edge' ? await db.createEdgeCollection(name) : await db.createCollection(name)
        for (const idx of c.indexes ?? []) {
          if (!optionalIndex(idx)) await coll.ensureIndex(idx as never)
        }
        if (c.docs.length) await coll.saveAll(c.docs as Record<string, unknown>[])
      }
      await createGraph(t, g)
    } else if (s.createGraph) {
      await createGraph(t, s.createGraph as Graph)
    } else if (typeof s.aql === 'string') {
      await db.query(s.aql, (s.bindVars ?? {}) as Record<string, unknown>)
    } else if (s.http) {
      const h = s.http as { method: string; path: string; body?: unknown }
      await api(t, h.method, h.path, h.body)
    } else throw new Error(`unknown setup step ${JSON.stringify(s)}`)
  }
}

/**
 * Volatile values become placeholders (README "Volatile fields"): revisions, server-generated
 * numeric keys and ids (anywhere when the entry's data has generated keys), the time zone
 * database version; floats are rounded to 12 significant digits.
 */
function normalize(v: unknown, generatedKeys: boolean, key?: string): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(12))
  if (typeof v === 'string') {
    if (key === '_rev' || key === '_oldRev' || key === 'tzdb') return '<volatile>'
    if ((key === '_key' || generatedKeys) && /^\d+$/.test(v)) return '<key>'
    const idLike = /^[A-Za-z][\w-]*\/\d+$/.test(v)
    if (idLike && (key === '_id' || key === '_from' || key === '_to' || generatedKeys)) {
      return v.replace(/\/\d+$/, '/<key>')
    }
    return v
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x, generatedKeys))
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      o[k] = normalize((v as Record<string, unknown>)[k], generatedKeys, k)
    }
    return o
  }
  return v
}

/** Entries whose data gets server-generated keys: example graphs (edges) and inserts without `_key`. */
function hasGeneratedKeys(e: Entry): boolean {
  return (e.setup ?? []).some(
    (s) =>
      s.loadGraph !== undefined ||
      (Array.isArray(s.docs) && (s.docs as Record<string, unknown>[]).some((d) => d._key === undefined)),
  )
}

/**
 * The docs sources of a few examples escape backslashes twice (for their JS/markdown wrapper);
 * the recorded results come from the query with single escapes, so replay that query.
 */
function queryAsRun(e: Entry): string {
  return e.query.replace(/\\\\/g, '\\')
}

function shape(v: unknown): unknown {
  if (Array.isArray(v)) return ['array']
  if (v === null) return 'null'
  return typeof v
}

const canon = (v: unknown) => JSON.stringify(v)

function sameResult(e: Entry, actual: unknown[]): boolean {
  const expected = e.expected ?? []
  if (e.flags?.includes('nondeterministic')) {
    // random results: every row must have a shape the recording has
    const shapes = new Set(expected.map((x) => canon(shape(x))))
    return actual.every((a) => shapes.size === 0 || shapes.has(canon(shape(a))))
  }
  if (e.flags?.includes('serverSpecific')) {
    return (
      actual.length === expected.length &&
      actual.every((a, i) => canon(shape(a)) === canon(shape(expected[i])))
    )
  }
  const gen = hasGeneratedKeys(e)
  const a = normalize(actual, gen) as unknown[]
  const x = normalize(expected, gen) as unknown[]
  if (/\bSORT\b/i.test(e.query)) return canon(a) === canon(x)
  return canon(a.map(canon).sort()) === canon(x.map(canon).sort())
}

const counts: Record<string, { pass: number; total: number; skipped: number }> = {}

for (const file of ['aql-functions.jsonl', 'aql-queries.jsonl']) {
  const entries = load(file)
  counts[file] = { pass: 0, total: entries.length, skipped: 0 }
  describe(`conformance ${file}`, () => {
    const t = useTestTarget({ scope: 'test' })
    for (const e of entries) {
      const reason = EXCLUDED[e.name]
      if (reason) {
        counts[file]!.skipped++
        it.skip(`${e.name}: out of scope (${reason})`, () => undefined)
        continue
      }
      it(`${e.name} answers as ArangoDB 3.12.10`, async () => {
        await runSetup(t, e.setup ?? [])
        const opts = e.options ?? {}
        if (e.expectedError !== undefined) {
          const m = /ArangoError (\d+)/.exec(e.expectedError)
          let err: { errorNum?: number } | null = null
          try {
            await t.db.query(queryAsRun(e), e.bindVars ?? {}, opts)
          } catch (x) {
            err = x as { errorNum?: number }
          }
          expect(err, 'query should fail').not.toBeNull()
          expect(err!.errorNum).toBe(Number(m?.[1]))
          counts[file]!.pass++
          return
        }
        const cursor = await t.db.query(queryAsRun(e), e.bindVars ?? {}, opts)
        const actual = await cursor.all()
        if (!sameResult(e, actual)) {
          const gen = hasGeneratedKeys(e)
          expect(normalize(actual, gen)).toEqual(normalize(e.expected, gen))
        }
        counts[file]!.pass++
      })
    }
  })
}

afterAll(() => {
  for (const [file, c] of Object.entries(counts)) {
    console.log(
      `AQL conformance ${file}: ${c.pass} of ${c.total - c.skipped} in-scope entries pass (${c.skipped} out of scope)`,
    )
  }
})
