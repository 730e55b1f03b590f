import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DYNAMIC_CALLS,
  FUNCTIONS,
  UNSUPPORTED_FUNCTIONS,
  UNSUPPORTED_REASONS,
} from '../../../../src/engine/aql/functions/index.js'
import { readConformance } from '../../../helpers/conformance.js'

const used = new Set<string>()
for (const entry of readConformance<{ query: string }>('aql-functions.jsonl')) {
  const q = entry.query.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, '""')
  for (const m of q.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) used.add(m[1]!.toUpperCase())
}
// AQL keywords that precede a parenthesis in the queries
for (const kw of ['IN', 'FILTER', 'RETURN', 'LET', 'OR', 'AND', 'NOT', 'COLLECT', 'SORT', 'INTO', 'WITH'])
  used.delete(kw)

/**
 * The fixture lists every function ArangoDB 3.12 registers (its header cites the sources), marking
 * the ones the engine does not implement; a name added to ArangoDB's list is never silently missing.
 */
const FIXTURE = readFileSync(new URL('./arangodb-3.12-functions.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const m = /^([A-Z0-9_]+)(?:\s+not implemented: (.+))?$/.exec(l.trim())
    if (!m) throw new Error(`bad fixture line: ${l}`)
    return { name: m[1]!, reason: m[2] }
  })
const ARANGODB_3_12 = FIXTURE.map((f) => f.name)

describe('function registry', () => {
  it('knows every function ArangoDB 3.12 has: implemented or declared unsupported', () => {
    expect(
      ARANGODB_3_12.filter((n) => !FUNCTIONS[n] && !DYNAMIC_CALLS.has(n) && !UNSUPPORTED_FUNCTIONS.has(n)),
    ).toEqual([])
  })

  it('implements exactly the fixture names not marked "not implemented", with the reasons given there', () => {
    expect(
      FIXTURE.filter((f) => !f.reason && !FUNCTIONS[f.name] && !DYNAMIC_CALLS.has(f.name)).map((f) => f.name),
    ).toEqual([])
    const unsupported = Object.fromEntries(FIXTURE.filter((f) => f.reason).map((f) => [f.name, f.reason]))
    expect(unsupported).toEqual({ ...UNSUPPORTED_REASONS })
  })

  it('has no function ArangoDB 3.12 does not know (a name outside the fixture would be 1540 there)', () => {
    expect(Object.keys(FUNCTIONS).filter((n) => !ARANGODB_3_12.includes(n))).toEqual([])
  })

  it('keys are upper case and no name is both implemented and unsupported', () => {
    for (const k of Object.keys(FUNCTIONS)) expect(k).toBe(k.toUpperCase())
    for (const k of UNSUPPORTED_FUNCTIONS) expect(FUNCTIONS[k], k).toBeUndefined()
  })

  it('every function the conformance queries call is implemented or declared unsupported', () => {
    const missing = [...used].filter((n) => !FUNCTIONS[n] && !UNSUPPORTED_FUNCTIONS.has(n))
    expect(missing).toEqual([])
  })

  it('only ArangoSearch, index-backed and internals-bound functions of the conformance set are unsupported', () => {
    expect([...used].filter((n) => UNSUPPORTED_FUNCTIONS.has(n)).sort()).toEqual(['MINHASH', 'TOKENS'])
  })

  it('aliases share their implementation', () => {
    expect(FUNCTIONS.COUNT).toBe(FUNCTIONS.LENGTH)
    expect(FUNCTIONS.AVG).toBe(FUNCTIONS.AVERAGE)
    expect(FUNCTIONS.KEYS).toBe(FUNCTIONS.ATTRIBUTES)
  })

  it('nondeterministic functions are marked so the executor never folds them', () => {
    for (const n of ['RAND', 'UUID', 'RANDOM_TOKEN', 'DATE_NOW', 'DOCUMENT', 'COLLECTION_COUNT', 'SLEEP']) {
      expect(FUNCTIONS[n]!.deterministic, n).toBe(false)
    }
    expect(FUNCTIONS.CONCAT!.deterministic).toBeUndefined()
  })
})
