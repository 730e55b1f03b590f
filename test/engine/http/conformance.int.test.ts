/**
 * Replays the recorded ArangoDB 3.12.10 REST exchanges of ../shared/conformance/rest-api.jsonl
 * (see its README: setup steps, refs, volatile fields) for the engine's own endpoints
 * (everything but /_api/gharial and /_api/cursor|explain|query, which the AQL and graph tests
 * replay) through real HTTP, comparing status, relevant headers and body. Volatile values
 * (revisions, generated keys and ids, index names, checksums, version details) are compared by
 * shape. Each entry runs in a fresh database.
 */
import { describe, expect, it } from 'vitest'
import { conformanceFile, readConformance } from '../../helpers/conformance.js'
import { useTestTarget } from '../../helpers/target.js'

const FILE = conformanceFile('rest-api.jsonl')

interface HttpStep {
  method: string
  path: string
  query?: Record<string, string>
  headers?: Record<string, string>
  body?: unknown
  bodyRaw?: string
}
interface Entry {
  name: string
  setup?: Record<string, unknown>[]
  request: HttpStep
  response: { status: number; headers?: Record<string, string>; body?: unknown; bodyRaw?: string }
  refs?: { literal: string; source: Record<string, unknown>; locations: string[] }[]
  tags?: string[]
}

const OTHER_HELPERS = /\/_api\/(gharial|cursor|explain|query)(\/|$)/

/** Entries this suite does not replay, with the reason (reported in the test output). */
const SKIPS: Record<string, string> = {
  RestCollectionGetAllCollections: 'lists the system collections of the server the docs ran on (serverState)',
  RestIndexCreateGeoLatitudeLongitude: 'geo indexes are outside the engine subset (501/9)',
  RestIndexCreateGeoLocation: 'geo indexes are outside the engine subset (501/9)',
  RestIndexCreateNewFulltext: 'fulltext indexes are outside the engine subset (501/9)',
  RestIndexCreateNewInverted: 'inverted indexes are outside the engine subset (501/9)',
  RestIndexCreateNewMdi: 'mdi indexes are outside the engine subset (501/9)',
  RestIndexCreateNewMdiPrefixed: 'mdi-prefixed indexes are outside the engine subset (501/9)',
  RestIndexCreateNewTtlIndex: 'ttl indexes are outside the engine subset (501/9)',
}

function loadEntries(): Entry[] {
  return readConformance<Entry>('rest-api.jsonl').filter((e) => {
    const paths = [
      e.request.path,
      ...(e.setup ?? []).map((s) => (s.http as HttpStep | undefined)?.path ?? ''),
    ]
    if (paths.some((p) => OTHER_HELPERS.test(p))) return false
    return !(e.setup ?? []).some((s) => 'loadGraph' in s || 'createGraph' in s || 'aql' in s)
  })
}

const entries = loadEntries()

const isDbEndpoint = (p: string) => /^(\/_db\/_system)?\/_api\/database/.test(p)

// --------------------------------------------------------------------------- comparison

const REV_RE = /^[-_A-Za-z0-9]{11}$/

function isGeneratedKey(v: unknown): boolean {
  return typeof v === 'string' && /^\d{4,}$/.test(v)
}

/** Compare `actual` with `expected` at `where`; volatile attributes by shape. Returns differences. */
function diff(expected: unknown, actual: unknown, where: string, out: string[], keyName = ''): void {
  const volatile = (ok: boolean) => {
    if (!ok)
      out.push(`${where}: expected shape of ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
  }
  switch (keyName) {
    case '_rev':
    case '_oldRev':
      return volatile(typeof actual === 'string' && REV_RE.test(actual))
    case 'revision':
    case 'checksum':
      return volatile(typeof actual === 'string')
    case 'globallyUniqueId':
      if (typeof expected === 'string' && /^h[0-9A-F]+\/\d+$/.test(expected)) {
        return volatile(typeof actual === 'string' && /^h[0-9A-F]+\/\d+$/.test(actual))
      }
      break
    case 'id':
    case 'objectId':
      if (typeof expected === 'string' && /\d/.test(expected)) {
        const prefix = expected.includes('/') ? expected.slice(0, expected.indexOf('/') + 1) : ''
        if (expected === `${prefix}0`) break // the primary index id is fixed
        return volatile(
          typeof actual === 'string' && actual.startsWith(prefix) && actual.length > prefix.length,
        )
      }
      break
    case 'name':
      if (typeof expected === 'string' && /^idx_\d+$/.test(expected))
        return volatile(typeof actual === 'string')
      break
    case 'lastValue':
      return volatile(typeof actual === 'number')
    case '_key':
      if (isGeneratedKey(expected)) return volatile(typeof actual === 'string' && /^\d+$/.test(actual))
      break
    case '_id':
      if (typeof expected === 'string' && isGeneratedKey(expected.split('/')[1])) {
        const prefix = expected.split('/')[0] + '/'
        return volatile(
          typeof actual === 'string' &&
            actual.startsWith(prefix) &&
            /^\d+$/.test(actual.slice(prefix.length)),
        )
      }
      break
    case 'figures':
    case 'details':
      if (typeof expected === 'object' && !Array.isArray(expected)) {
        return volatile(typeof actual === 'object' && actual !== null)
      }
      break
    case 'errorMessage':
      if (typeof expected === 'string' && expected.startsWith('VPackError')) {
        return volatile(typeof actual === 'string' && actual.startsWith('VPackError'))
      }
      break
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
      return
    }
    expected.forEach((e, i) => diff(e, actual[i], `${where}[${i}]`, out, keyName === 'identifiers' ? '' : ''))
    return
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
      out.push(`${where}: expected an object, got ${JSON.stringify(actual)}`)
      return
    }
    const a = actual as Record<string, unknown>
    const e = expected as Record<string, unknown>
    for (const k of Object.keys(e)) {
      if (keyName === 'identifiers') {
        // keys of `identifiers` are index ids (volatile): compare by position
        continue
      }
      if (!(k in a)) out.push(`${where}.${k}: missing`)
      else diff(e[k], a[k], `${where}.${k}`, out, k)
    }
    if (keyName === 'identifiers') {
      diff(Object.values(e), Object.values(a), where, out, '')
      return
    }
    for (const k of Object.keys(a)) if (!(k in e)) out.push(`${where}.${k}: unexpected attribute`)
    return
  }
  if (expected !== actual)
    out.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

// --------------------------------------------------------------------------- replay

interface Sent {
  status: number
  headers: Headers
  text: string
  json: unknown
}

describe('conformance: recorded ArangoDB 3.12.10 REST exchanges', () => {
  const target = useTestTarget({ scope: 'test' })

  async function send(step: HttpStep, dbPrefix: string): Promise<Sent> {
    const qs = step.query ? '?' + new URLSearchParams(step.query).toString() : ''
    const p = step.path.startsWith('/_db/') || isDbEndpoint(step.path) ? step.path : dbPrefix + step.path
    const headers: Record<string, string> = { ...(step.headers ?? {}) }
    if (target.password !== undefined) {
      headers.authorization =
        'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64')
    }
    let body: string | undefined
    if (step.bodyRaw !== undefined) body = step.bodyRaw
    else if (step.body !== undefined) body = JSON.stringify(step.body)
    const res = await fetch(target.url + p + qs, { method: step.method, headers, body })
    const text = step.method === 'HEAD' ? '' : await res.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json }
  }

  const replayed = entries.filter((e) => !SKIPS[e.name] && !(e.tags ?? []).includes('enterprise'))

  it('has the recordings to replay', () => {
    expect(entries.length, `no entries found in ${FILE}`).toBeGreaterThan(0)
    const skipped = entries.filter((e) => !replayed.includes(e))
    console.log(
      `conformance: replaying ${replayed.length} of ${entries.length} engine entries; skipped:\n` +
        skipped.map((e) => `  ${e.name}: ${SKIPS[e.name] ?? 'enterprise feature'}`).join('\n'),
    )
  })

  for (const entry of replayed) {
    it(`${entry.name}: ${entry.request.method} ${entry.request.path}`, async () => {
      const db = target.dbName
      const dbPrefix = `/_db/${encodeURIComponent(db)}`
      const setupResponses: unknown[] = []
      const setupRevs: Record<number, string[]> = {}
      const collIds: Record<string, string> = {}

      // refs resolved when the step or request that uses them runs
      const resolveRef = async (source: Record<string, unknown>): Promise<string> => {
        if (typeof source.revisionOf === 'string') {
          const [c, k] = source.revisionOf.split('/')
          const r = await send({ method: 'GET', path: `/_api/document/${c}/${k}` }, dbPrefix)
          return (r.json as { _rev: string })._rev
        }
        if (source.revisionOfSetupDoc) {
          const { step, index } = source.revisionOfSetupDoc as { step: number; index: number }
          return setupRevs[step][index]
        }
        if (typeof source.collectionIdOf === 'string') {
          return collIds[source.collectionIdOf]
        }
        if (typeof source.indexIdOf === 'string') {
          const r = await send(
            { method: 'GET', path: '/_api/index', query: { collection: source.indexIdOf } },
            dbPrefix,
          )
          const want = source.index as { type: string; fields: string[] }
          const idx = (r.json as { indexes: { id: string; type: string; fields: string[] }[] }).indexes.find(
            (i) => i.type === want.type && JSON.stringify(i.fields) === JSON.stringify(want.fields),
          )
          return idx!.id.split('/')[1]
        }
        if (typeof source.responseOfSetupStep === 'number') {
          let v: unknown = setupResponses[source.responseOfSetupStep]
          for (const part of String(source.bodyPointer).split('/').slice(1))
            v = (v as Record<string, unknown>)[part]
          return String(v)
        }
        throw new Error(`unsupported ref source ${JSON.stringify(source)}`)
      }
      const resolved = new Map<string, string>()
      const substitute = async (step: HttpStep, location: string): Promise<HttpStep> => {
        let json = JSON.stringify(step)
        for (const ref of entry.refs ?? []) {
          if (!ref.locations.some((l) => l.startsWith(location))) continue
          const value = await resolveRef(ref.source)
          resolved.set(ref.literal, value)
          json = json.split(ref.literal).join(value)
        }
        return JSON.parse(json) as HttpStep
      }

      for (const [i, s] of (entry.setup ?? []).entries()) {
        if (typeof s.create === 'string') {
          const opts = (s.options ?? {}) as Record<string, unknown>
          const r = await send(
            {
              method: 'POST',
              path: '/_api/collection',
              body: { ...opts, name: s.create, type: s.type === 'edge' ? 3 : 2 },
            },
            dbPrefix,
          )
          expect(r.status, `setup create ${s.create}: ${r.text}`).toBe(200)
          collIds[s.create] = (r.json as { id: string }).id
        } else if (typeof s.insert === 'string') {
          const r = await send({ method: 'POST', path: `/_api/document/${s.insert}`, body: s.docs }, dbPrefix)
          expect(r.status, `setup insert: ${r.text}`).toBeLessThan(300)
          setupRevs[i] = (r.json as { _rev: string }[]).map((d) => d._rev)
        } else if (typeof s.remove === 'string') {
          await send({ method: 'DELETE', path: `/_api/document/${s.remove}`, body: s.keys }, dbPrefix)
        } else if (typeof s.ensureIndex === 'string') {
          const r = await send(
            { method: 'POST', path: '/_api/index', query: { collection: s.ensureIndex }, body: s.index },
            dbPrefix,
          )
          expect(r.status, `setup ensureIndex: ${r.text}`).toBeLessThan(300)
        } else if (s.http) {
          const step = await substitute(s.http as HttpStep, `setup[${i}]`)
          const r = await send(step, dbPrefix)
          setupResponses[i] = r.json
        } else {
          throw new Error(`unsupported setup step ${JSON.stringify(s)}`)
        }
      }

      try {
        const request = await substitute(entry.request, 'request')
        const res = await send(request, dbPrefix)
        const problems: string[] = []
        if (res.status !== entry.response.status) {
          problems.push(`status: expected ${entry.response.status}, got ${res.status} (${res.text})`)
        }
        const eh = entry.response.headers ?? {}
        if (eh['x-arango-error-codes'] !== undefined) {
          diff(
            JSON.parse(eh['x-arango-error-codes']),
            JSON.parse(res.headers.get('x-arango-error-codes') ?? 'null'),
            'x-arango-error-codes',
            problems,
          )
        } else if (res.headers.get('x-arango-error-codes')) {
          problems.push(`unexpected x-arango-error-codes ${res.headers.get('x-arango-error-codes')}`)
        }
        if (eh.etag !== undefined) {
          const etag = res.headers.get('etag') ?? ''
          if (!/^"[-_A-Za-z0-9]{11}"$/.test(etag))
            problems.push(`etag: expected a quoted revision, got ${etag}`)
        }
        if (eh.location !== undefined) {
          let want = eh.location.replace('/_db/_system/', `${dbPrefix}/`)
          for (const [literal, value] of resolved) want = want.split(literal).join(value)
          const got = res.headers.get('location') ?? ''
          const wantShape = want.replace(/\/\d{4,}$/, '/<key>')
          if (got !== want && got.replace(/\/\d+$/, '/<key>') !== wantShape)
            problems.push(`location: expected ${want}, got ${got}`)
        }
        if (eh['content-type'] !== undefined) {
          const ct = res.headers.get('content-type') ?? ''
          if (!ct.startsWith(eh['content-type']))
            problems.push(`content-type: expected ${eh['content-type']}, got ${ct}`)
        }
        if (entry.response.body !== undefined) {
          if (
            /^GET \/_api\/database(\/user)?$/.test(
              `${request.method} ${request.path.replace('/_db/_system', '')}`,
            )
          ) {
            // other test databases exist on this server: the recorded list must be included
            const got = (res.json as { result: string[] }).result
            for (const n of (entry.response.body as { result: string[] }).result) {
              if (!got.includes(n)) problems.push(`result: missing database ${n}`)
            }
          } else if (request.path === '/_api/version') {
            const b = res.json as Record<string, unknown>
            if (b.server !== 'arango' || !String(b.version).startsWith('3.12.'))
              problems.push(`version: ${res.text}`)
            if (request.query?.details === 'true' && typeof b.details !== 'object')
              problems.push('version: no details')
          } else {
            diff(entry.response.body, res.json, 'body', problems)
          }
        } else if (entry.response.bodyRaw === undefined && res.text !== '' && request.method !== 'HEAD') {
          problems.push(`expected no body, got ${res.text}`)
        }
        expect(problems, problems.join('\n')).toEqual([])
      } finally {
        if (isDbEndpoint(entry.request.path)) {
          for (const name of ['example', 'mydb']) {
            await send({ method: 'DELETE', path: `/_api/database/${name}` }, '')
          }
        }
      }
    })
  }
})
