import { describe, expect, it } from 'vitest'

import { conformanceFile, readConformance } from './conformance.js'

describe('conformance files', () => {
  it('are found beside the repository, whatever the working directory', () => {
    expect(readConformance<{ name: string }>('aql-functions.jsonl').length).toBeGreaterThan(0)
  })
  it('a missing one fails with its name, not with an empty suite', () => {
    expect(() => conformanceFile('graphs', 'no-such-graph.json')).toThrow(/no-such-graph\.json is missing/)
  })
})
