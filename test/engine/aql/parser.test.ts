import { describe, expect, it } from 'vitest'
import { parseQuery } from '../../../src/engine/aql/parser.js'
import { tokenize } from '../../../src/engine/aql/lexer.js'

function parseErr(q: string): { errorNum: number; message: string } {
  try {
    parseQuery(q)
  } catch (e) {
    return e as { errorNum: number; message: string }
  }
  throw new Error('expected a parse error')
}

describe('AQL lexer', () => {
  it('reads keywords case-insensitively, quoted names, bind parameters and comments', () => {
    const toks = tokenize('for `x` In @@coll /* c */ // d\n RETURN @v1')
    expect(toks.map((t) => [t.kind, t.value])).toEqual([
      ['keyword', 'FOR'],
      ['ident', 'x'],
      ['keyword', 'IN'],
      ['dsparam', 'coll'],
      ['keyword', 'RETURN'],
      ['param', 'v1'],
      ['eof', ''],
    ])
  })
  it('keeps 1..5 a range, not a float', () => {
    expect(tokenize('1..5').map((t) => t.value)).toEqual(['1', '..', '5', ''])
  })
  it('unescapes string literals', () => {
    expect(
      tokenize(`'a\\'b\\n' "c\\"d"`)
        .slice(0, 2)
        .map((t) => t.value),
    ).toEqual(["a'b\n", 'c"d'])
  })
})

describe('AQL parser', () => {
  it('reports a syntax error as ArangoDB does (docs: "unexpected assignment near ... at position 1:26")', () => {
    const e = parseErr('FOR i IN 1..100 FILTER i = 1 LIMIT 2 RETURN i * 3')
    expect(e.errorNum).toBe(1501)
    expect(e.message).toBe(
      "syntax error, unexpected assignment near '= 1 LIMIT 2 RETURN i * 3' at position 1:26",
    )
  })
  it('quotes at most 32 characters after the error position', () => {
    const e = parseErr('RETURN 1 1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
    expect(e.message).toBe(
      "syntax error, unexpected integer number near '1 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' at position 1:10",
    )
  })
  it('reports the end of the query at the last lexeme, as flex leaves the location there', () => {
    expect(parseErr('FOR x IN y ').message).toBe(
      "syntax error, unexpected end of query near ' ' at position 1:11",
    )
    expect(parseErr('FOR x IN y').message).toBe(
      "syntax error, unexpected end of query near 'y' at position 1:10",
    )
  })
  it('counts lines and columns from 1', () => {
    expect(parseErr('FOR x IN y\n  RETURN RETURN').message).toMatch(/at position 2:10$/)
  })
  it('gives && higher precedence than || and binds unary minus tightly', () => {
    const { query } = parseQuery('RETURN a || b && c')
    const ret = query.ops[0] as { expr: { type: string; right: { type: string } } }
    expect(ret.expr.type).toBe('or')
    expect(ret.expr.right.type).toBe('and')
  })
  it('parses a traversal with depth range, edge collection, PRUNE and OPTIONS', () => {
    const { query } = parseQuery(
      "FOR v, e, p IN 1..3 OUTBOUND 'a/b' edges PRUNE v.x == 1 OPTIONS {uniqueVertices: 'path'} RETURN v",
    )
    const t = query.ops[0] as { type: string; vars: string[]; direction: string; prune?: unknown }
    expect(t.type).toBe('traversal')
    expect(t.vars).toEqual(['v', 'e', 'p'])
    expect(t.direction).toBe('OUTBOUND')
    expect(t.prune).toBeDefined()
  })
  it('accepts GRAPH @@value0 as arangojs binds graphs', () => {
    const r = parseQuery("FOR v IN ANY 'a/b' GRAPH @@value0 RETURN v")
    expect(r.bindParams).toEqual(['@value0'])
  })
  it('parses COLLECT with AGGREGATE, INTO with projection and KEEP, WITH COUNT INTO', () => {
    expect(() =>
      parseQuery('FOR x IN y COLLECT a = x.a AGGREGATE m = MAX(x.n) INTO g = x.n RETURN 1'),
    ).not.toThrow()
    expect(() => parseQuery('FOR x IN y LET z = 1 COLLECT a = x.a INTO g KEEP z RETURN g')).not.toThrow()
    expect(() => parseQuery('FOR x IN y COLLECT WITH COUNT INTO n RETURN n')).not.toThrow()
  })
  it('parses expansion with inline FILTER/LIMIT/RETURN and continues the access after it', () => {
    const { query } = parseQuery('RETURN u[* FILTER CURRENT.a > 1 LIMIT 2 RETURN CURRENT.b].c')
    const e = (query.ops[0] as { expr: { type: string; inner?: { type: string } } }).expr
    expect(e.type).toBe('expand')
    expect(e.inner?.type).toBe('attr')
  })
  it('rejects a query that does not end in RETURN or a data modification', () => {
    expect(parseErr('FOR x IN y FILTER x').errorNum).toBe(1501)
  })
  it('lists bind parameters and the collections FOR reads (not variables)', () => {
    expect(parseQuery('LET a = [1] FOR x IN a RETURN x').collections).toEqual([])
    const r = parseQuery('FOR x IN users FILTER x.a == @a INSERT x INTO @@out')
    expect(r.bindParams.sort()).toEqual(['@out', 'a'])
    expect(r.collections).toEqual(['users'])
  })
})

describe('AQL 3.12 syntax (issue 17)', () => {
  const ops = (q: string) => parseQuery(q).query.ops

  it('0x / 0b without digits are 0 followed by a name: 1501 near the name, as flex reads them', () => {
    expect(parseErr('RETURN 0x').message).toContain("unexpected identifier near 'x'")
    expect(parseErr('RETURN 0b2').message).toContain("unexpected identifier near 'b2'")
    expect(parseErr('RETURN 0b').errorNum).toBe(1501)
  })

  it('backtick names unescape \\t, \\n, \\uXXXX and escaped backticks', () => {
    const t = tokenize('`a\\tb` `c\\`d` `\\u0041`').filter((x) => x.kind === 'ident')
    expect(t.map((x) => x.value)).toEqual(['a\tb', 'c`d', 'A'])
  })

  it('LET a = 1, b = 2 becomes two consecutive LET operations', () => {
    expect(ops('LET a = 1, b = a RETURN b').map((o) => o.type)).toEqual(['let', 'let', 'return'])
    expect(ops('LET a = 1, b = a RETURN b')[1]).toEqual({
      type: 'let',
      var: 'b',
      expr: { type: 'name', name: 'a' },
    })
  })

  it('subqueries may be any argument of a function call', () => {
    const ret = ops('RETURN APPEND(FOR i IN [1] RETURN i, FOR j IN [2] RETURN j)')[0] as {
      expr: { type: string; args: { type: string }[] }
    }
    expect(ret.expr.type).toBe('call')
    expect(ret.expr.args.map((a) => a.type)).toEqual(['subquery', 'subquery'])
  })

  it('SORT takes a value or bind parameter as direction (grammar.y sort_direction: simple_value)', () => {
    const sort = (q: string) => (ops(q)[1] as { items: unknown[] }).items
    expect(sort('FOR x IN [] SORT x "DESC" RETURN x')).toEqual([
      { expr: { type: 'name', name: 'x' }, asc: false },
    ])
    expect(sort('FOR x IN [] SORT x 0, x "asc" RETURN x')).toEqual([
      { expr: { type: 'name', name: 'x' }, asc: false },
      { expr: { type: 'name', name: 'x' }, asc: true },
    ])
    expect(sort('FOR x IN [] SORT x @dir RETURN x')).toEqual([
      { expr: { type: 'name', name: 'x' }, asc: true, direction: { type: 'param', name: 'dir' } },
    ])
    expect(parseQuery('FOR x IN [] SORT x @dir RETURN x').bindParams).toEqual(['dir'])
  })

  it('arr[? n FILTER c] is LENGTH(arr[* FILTER c]) == n (the 3.12 manual equivalence)', () => {
    const [ret] = ops('RETURN a[? 2 FILTER CURRENT > 1]') as { expr: unknown }[]
    expect(ret!.expr).toMatchObject({
      type: 'binary',
      op: '==',
      left: {
        type: 'call',
        name: 'LENGTH',
        args: [
          { type: 'expand', obj: { type: 'name', name: 'a' }, depth: 1, filter: { type: 'binary', op: '>' } },
        ],
      },
      right: { type: 'value', value: 2 },
    })
  })

  it('RETURN DISTINCT outside a FOR/COLLECT scope is 1501 "cannot use DISTINCT modifier on top-level query element" (grammar.y)', () => {
    for (const q of ['RETURN DISTINCT 1', 'FOR i IN [1] LET y = (RETURN DISTINCT i) RETURN y']) {
      const e = parseErr(q)
      expect(e.errorNum).toBe(1501)
      expect(e.message).toMatch(/^cannot use DISTINCT modifier on top-level query element near 'DISTINCT/)
    }
    expect(() => parseQuery('FOR i IN [1] RETURN DISTINCT i')).not.toThrow()
    expect(() => parseQuery('FOR i IN [1] COLLECT a = i RETURN DISTINCT a')).not.toThrow()
    expect(() => parseQuery('FOR i IN [1] RETURN (FOR j IN [i] RETURN DISTINCT j)')).not.toThrow()
  })

  it('IS_SAME_COLLECTION(users, x) passes a bare collection name as a string; a variable stays a variable', () => {
    const arg0 = (q: string) => (ops(q).at(-1) as { expr: { args: unknown[] } }).expr.args[0]
    expect(arg0('RETURN IS_SAME_COLLECTION(users, "users/1")')).toEqual({ type: 'value', value: 'users' })
    expect(arg0('LET users = "u" RETURN IS_SAME_COLLECTION(users, "u/1")')).toEqual({
      type: 'name',
      name: 'users',
    })
  })
})
