import { describe, expect, it } from 'vitest'

import { bindNamesIn, splitStatements } from '../../src/query/statements.js'
import { cleanQuery } from '../../src/query/source.js'

describe('shell statement splitting', () => {
  it('ends a statement at ; and keeps the unfinished rest', () => {
    expect(splitStatements('RETURN 1; RETURN 2;\nFOR x IN')).toEqual({
      statements: ['RETURN 1', 'RETURN 2'],
      rest: '\nFOR x IN',
    })
  })

  it('ignores ; inside strings, quoted names and comments', () => {
    const q = `RETURN ["a;b", 'c;\\'d', \`we;ird\`] // not; the end\n/* nor; this */`
    expect(splitStatements(q)).toEqual({ statements: [], rest: q })
    expect(splitStatements(`${q};`).statements).toEqual([q])
  })

  it('drops empty statements', () => {
    expect(splitStatements(';;  ;').statements).toEqual([])
  })
})

describe('query text cleanup', () => {
  it('removes one trailing ; and trailing blanks but keeps line numbers', () => {
    expect(cleanQuery('\nRETURN 1;  \n')).toBe('\nRETURN 1')
  })
})

describe('bind parameters a query uses', () => {
  it('finds @name and @@coll outside strings and comments', () => {
    const q = "FOR a IN @@coll FILTER a.k == @k /* @no */ AND a.s == '@nope' // @neither\n RETURN @v_2"
    expect([...bindNamesIn(q)].sort()).toEqual(['@coll', 'k', 'v_2'])
  })
})
