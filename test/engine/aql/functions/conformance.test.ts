/**
 * Replays the entries of the shared conformance file (recorded from ArangoDB 3.12.10) that need
 * no data through the real engine in-process (parser, planner, executor and function library on
 * a temporary store, no HTTP), so a function regression shows here in seconds. Entries with data
 * sets or flags are skipped and counted; conformance.int.test.ts replays them over HTTP.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { readConformance } from '../../../helpers/conformance.js'
import { EXCLUDED } from '../conformance-exclusions.js'
import { openTestDb } from '../helpers.js'

interface Entry {
  name: string
  query: string
  bindVars?: Record<string, unknown>
  dataset?: string
  setup?: unknown[]
  expected?: unknown[]
  expectedError?: string
  flags?: string[]
}

const entries = readConformance<Entry>('aql-functions.jsonl')

/** Deep equality with object keys compared as sets (ArangoDB's key order is not JSON's). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'number' && typeof b === 'number') return a === b
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]))
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    return (
      same(ka, kb) &&
      ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    )
  }
  return false
}

/**
 * The six entries with backslashes (aqlRegex*, aqlTrim_4) carry them doubled: the docs' source
 * escapes them once more than the query ArangoDB ran, and the recorded results only match the
 * single-escaped query (e.g. TRIM("  foobar\\t \\r\\n ") = "foobar"). Halve them.
 */
const unescapeOnce = (q: string): string => q.replace(/\\\\/g, '\\')

type Outcome = { name: string; status: 'pass' | 'fail' | 'skip'; detail?: string }

const db = openTestDb()

async function replay(e: Entry): Promise<Outcome> {
  if (e.setup || e.dataset) return { name: e.name, status: 'skip', detail: 'needs data' }
  if (e.flags?.length) return { name: e.name, status: 'skip', detail: e.flags.join(',') }
  let got: unknown[]
  try {
    got = (await db.run(unescapeOnce(e.query), e.bindVars ?? {})).result
  } catch (err) {
    const num = (err as { errorNum?: number }).errorNum
    if (e.expectedError && num !== undefined && e.expectedError.includes(`ArangoError ${num}:`)) {
      return { name: e.name, status: 'pass' }
    }
    return { name: e.name, status: 'fail', detail: `threw ${(err as Error).message}` }
  }
  if (e.expectedError) return { name: e.name, status: 'fail', detail: `expected error ${e.expectedError}` }
  if (same(got, e.expected)) return { name: e.name, status: 'pass' }
  return {
    name: e.name,
    status: 'fail',
    detail: `got ${JSON.stringify(got)} want ${JSON.stringify(e.expected)}`,
  }
}

const outcomes: Outcome[] = []
for (const e of entries) outcomes.push(await replay(e))
afterAll(() => db.close())
const count = (s: Outcome['status']): number => outcomes.filter((o) => o.status === s).length

/**
 * Entries this engine knowingly does not reproduce: the replay over HTTP's exclusions, and the
 * tzdb version, which is node's ICU here (the HTTP replay compares it by shape).
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  ...EXCLUDED,
  aqlDateTimeToUTC_3: 'zone abbreviation and tzdb version come from node ICU, not the date library',
}

describe('aql-functions.jsonl replay in-process (entries without data)', () => {
  it('reports pass/skip/fail counts', () => {
    const known = outcomes.filter((o) => o.status === 'fail' && KNOWN_DIFFERENCES[o.name]).length
    console.log(
      `aql-functions conformance: ${count('pass')} pass, ${count('fail') - known} fail, ` +
        `${known} known differences, ${count('skip')} skipped of ${entries.length}`,
    )
    for (const o of outcomes) {
      if (o.status === 'fail')
        console.log(`  ${KNOWN_DIFFERENCES[o.name] ? 'known' : 'FAIL'} ${o.name}: ${o.detail}`)
    }
    for (const o of outcomes) if (o.status === 'skip') console.log(`  skip ${o.name}: ${o.detail}`)
    expect(count('pass')).toBeGreaterThan(200)
  })

  for (const o of outcomes.filter((x) => x.status !== 'skip')) {
    const known = KNOWN_DIFFERENCES[o.name]
    it.skipIf(known !== undefined)(
      `${o.name} matches ArangoDB 3.12.10${known ? ` (known: ${known})` : ''}`,
      () => {
        expect(o.status, o.detail).toBe('pass')
      },
    )
  }
})
