/**
 * Replays the `/_api/gharial` exchanges recorded against ArangoDB 3.12.10
 * (../shared/conformance/rest-api.jsonl, HttpGharial*) on the target, comparing status, body and
 * headers. Volatile values (revisions, server-generated keys) are compared by shape, as the
 * conformance README says. Enterprise-only examples (SmartGraphs, SatelliteGraphs) are skipped.
 */
import fs from 'node:fs'

import { describe, expect, it } from 'vitest'

import { conformanceFile, readConformance } from '../../helpers/conformance.js'
import { useTestTarget } from '../../helpers/target.js'

interface Req {
  method: string
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: unknown
}
interface Entry {
  name: string
  setup?: Record<string, unknown>[]
  request: Req
  response: { status: number; headers?: Record<string, string>; body?: unknown }
  refs?: { literal: string; source: Record<string, unknown>; locations: string[] }[]
  tags?: string[]
}
interface GraphFile {
  name: string
  edgeDefinitions: unknown[]
  orphanCollections: string[]
  collections: Record<
    string,
    { type: string; indexes?: Record<string, unknown>[]; docs: Record<string, unknown>[] }
  >
}

const entries: Entry[] = readConformance<Entry>('rest-api.jsonl').filter(
  (e) => e.request.path.startsWith('/_api/gharial') && !e.tags?.includes('enterprise'),
)

const REV = /^_[-_A-Za-z0-9]{10}$/

/** Revisions become "<rev>", server-generated numeric keys "<key>" (in `_key` and `_id`). */
function normalize(v: unknown, generatedKeys: Set<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, generatedKeys))
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if ((k === '_rev' || k === '_oldRev') && typeof x === 'string') out[k] = REV.test(x) ? '<rev>' : x
      else if (k === '_key' && typeof x === 'string' && (/^\d+$/.test(x) || generatedKeys.has(x)))
        out[k] = '<key>'
      else if (k === '_id' && typeof x === 'string' && /\/(\d+)$/.test(x))
        out[k] = x.replace(/\/\d+$/, '/<key>')
      else out[k] = normalize(x, generatedKeys)
    }
    return out
  }
  return v
}

describe('gharial conformance replay (ArangoDB 3.12.10 recordings)', () => {
  const target = useTestTarget({ scope: 'test' })

  async function send(req: Req): Promise<{ status: number; headers: Headers; body: unknown }> {
    const url = new URL(`${target.url}/_db/${encodeURIComponent(target.dbName)}${req.path}`)
    for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v)
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`,
      ...req.headers,
    }
    const res = await fetch(url, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) }
  }

  /** Runs the setup; returns the documents inserted, with the keys the target gave them. */
  async function runSetup(e: Entry): Promise<Map<string, Record<string, unknown>[]>> {
    const inserted = new Map<string, Record<string, unknown>[]>()
    for (const step of e.setup ?? []) {
      if ('loadGraph' in step) {
        const g = JSON.parse(
          fs.readFileSync(conformanceFile('graphs', `${String(step.loadGraph)}.json`), 'utf8'),
        ) as GraphFile
        const r = await send({
          method: 'POST',
          path: '/_api/gharial',
          body: { name: g.name, edgeDefinitions: g.edgeDefinitions, orphanCollections: g.orphanCollections },
        })
        expect(r.status, `loadGraph ${g.name}`).toBe(202)
        for (const [coll, spec] of Object.entries(g.collections)) {
          const res = await target.db.collection(coll).saveAll(spec.docs)
          inserted.set(
            coll,
            spec.docs.map((d, i) => ({ ...d, _key: (res[i] as { _key: string })._key })),
          )
        }
      } else if ('createGraph' in step) {
        const r = await send({ method: 'POST', path: '/_api/gharial', body: step.createGraph })
        expect(r.status, 'createGraph').toBe(202)
      } else if ('http' in step) {
        const r = await send(step.http as Req)
        expect(r.status, 'http setup step').toBeLessThan(300)
      } else {
        throw new Error(`setup step not handled by this replay: ${JSON.stringify(step)}`)
      }
    }
    return inserted
  }

  function resolveRef(
    source: Record<string, unknown>,
    inserted: Map<string, Record<string, unknown>[]>,
  ): string {
    const coll = source.keyOfAnyDocumentIn as string | undefined
    if (!coll) throw new Error(`ref source not handled: ${JSON.stringify(source)}`)
    const docs = inserted.get(coll) ?? []
    const where = (source.where ?? {}) as Record<string, unknown>
    const doc = docs.find((d) => Object.entries(where).every(([k, v]) => d[k] === v))
    if (!doc) throw new Error(`no document in ${coll} matching ${JSON.stringify(where)}`)
    return doc._key as string
  }

  it('has the recorded gharial examples to replay', () => {
    expect(entries.length).toBeGreaterThanOrEqual(20)
  })

  for (const e of entries) {
    it(`${e.name}: ${e.request.method} ${e.request.path} answers as ArangoDB`, async () => {
      const inserted = await runSetup(e)
      let req = JSON.stringify(e.request)
      const generated = new Set<string>()
      for (const ref of e.refs ?? []) {
        const value = resolveRef(ref.source, inserted)
        generated.add(value)
        req = req.split(ref.literal).join(value)
      }
      const res = await send(JSON.parse(req) as Req)
      expect(res.status).toBe(e.response.status)
      expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/)
      if (e.response.headers?.etag) expect(res.headers.get('etag') ?? '').toMatch(/^"?_[-_A-Za-z0-9]{10}"?$/)
      expect(normalize(res.body, generated)).toEqual(normalize(e.response.body, generated))
    })
  }
})
