import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FUNCTIONS, UNSUPPORTED_FUNCTIONS } from '../../../../src/engine/aql/functions/index.js'

const used = new Set<string>()
for (const line of readFileSync('/work/shared/conformance/aql-functions.jsonl', 'utf8').split('\n')) {
  if (!line.trim()) continue
  const q = (JSON.parse(line) as { query: string }).query.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g,
    '""',
  )
  for (const m of q.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) used.add(m[1]!.toUpperCase())
}
// AQL keywords that precede a parenthesis in the queries
for (const kw of ['IN', 'FILTER', 'RETURN', 'LET', 'OR', 'AND', 'NOT', 'COLLECT', 'SORT', 'INTO', 'WITH'])
  used.delete(kw)

describe('function registry', () => {
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
