import { describe, expect, it } from 'vitest'

import { highlight, tokenize, toHistoryLine, useColour } from '../../src/query/aql-tokens.js'
import { splitStatements } from '../../src/query/statements.js'
import { collectionOf } from '../../src/query/complete.js'
import { scriptStatements } from '../../src/query/script.js'

describe('AQL tokens', () => {
  it('tells keywords, strings, numbers, bind parameters and comments apart', () => {
    const types = tokenize("FOR a IN @@c FILTER a.n > 1.5e3 && a.s == 'x // y' // end").filter(
      (t) => t.type !== 'space',
    )
    expect(types.map((t) => `${t.type}:${t.text}`)).toEqual([
      'keyword:FOR',
      'name:a',
      'keyword:IN',
      'bind:@@c',
      'keyword:FILTER',
      'name:a',
      'other:.',
      'name:n',
      'other:>',
      'number:1.5e3',
      'other:&',
      'other:&',
      'name:a',
      'other:.',
      'name:s',
      'other:=',
      'other:=',
      "string:'x // y'",
      'comment:// end',
    ])
  })

  it('a multi-line statement with a // comment comes back from history runnable, as one line', () => {
    const stmt = "FOR a IN airports // the busy ones\n  FILTER a.vip\n  RETURN CONCAT(a.name, '\n')"
    const line = toHistoryLine(stmt)
    expect(line).toBe("FOR a IN airports /* the busy ones */ FILTER a.vip RETURN CONCAT(a.name, '\\n')")
    expect(line).not.toContain('\n')
    // recalled and ended with ;, it is one complete statement again
    expect(splitStatements(`${line};`)).toEqual({ statements: [line], rest: '' })
    expect(toHistoryLine('RETURN 1 // a */ b')).toBe('RETURN 1 /* a * / b */')
  })

  it('colours only on a colour terminal without NO_COLOR', () => {
    expect(highlight("RETURN 'x'")).toBe("\x1b[1;34mRETURN\x1b[0m \x1b[32m'x'\x1b[0m")
    expect(useColour({ isTTY: true, hasColors: () => true }, {})).toBe(true)
    expect(useColour({ isTTY: true, hasColors: () => true }, { NO_COLOR: '1' })).toBe(false)
    expect(useColour({ isTTY: false }, {})).toBe(false)
    expect(useColour({ isTTY: true, hasColors: () => false }, {})).toBe(false)
  })

  it('finds the collection a variable iterates, for attribute completion', () => {
    expect(collectionOf('FOR u IN users FILTER u.', 'u')).toBe('users')
    expect(collectionOf('FOR v IN 1..2 OUTBOUND x e', 'v')).toBeUndefined()
  })

  it('script statements skip empty and comment-only pieces', () => {
    expect(scriptStatements("RETURN ';';\n// only a comment\n;RETURN 2")).toEqual(["RETURN ';'", 'RETURN 2'])
  })
})
