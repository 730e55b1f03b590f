import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

import {
  RowConverter,
  isDecimal,
  isInteger,
  parseMergeAttribute,
  prefixedHandle,
  type LayoutOptions,
} from '../../src/import/convert.js'
import { DelimitedReader, type Item } from '../../src/import/readers.js'
import type { Datatype } from '../../src/import/types.js'

const base: LayoutOptions = {
  convert: true,
  datatypes: {},
  translate: {},
  removeAttributes: [],
  mergeAttributes: [],
  ignoreMissing: false,
}

function readCsv(
  path: string,
  opts: Partial<LayoutOptions> & { separator?: string; quote?: string } = {},
): Item[] {
  const r = new DelimitedReader({ separator: ',', quote: '"', skipLines: 0, ...base, ...opts })
  const items: Item[] = []
  r.push(readFileSync(path, 'utf8'), items)
  r.end(items)
  return items
}

describe('arangoimport CSV conversion', () => {
  it('makes the documents of the arangoimport manual example (examples-csv, 3.12)', () => {
    const docs = readCsv('fixtures/import/arangoimport-example.csv').map((i) => i.doc)
    expect(docs).toEqual([
      { first: 'John', last: 'Connor', active: true, age: 25 },
      { first: 'Jim', last: "O'Brady", age: 19 },
      { first: 'Lisa', last: 'Jones', dob: '1981-04-09' },
      { first: 'Hans', last: 'dos Santos', age: 123 },
      // "values left completely empty ... treated as absent. This is also true for unquoted null literals"
      { first: 'Wayne', last: 'Brewer', active: false },
    ])
  })

  it('types unquoted values as ImportHelper does and keeps quoted ones and _key as strings', () => {
    const [item] = readCsv('fixtures/import/types.csv')
    expect(item.doc).toEqual({
      _key: '0123',
      int: 42,
      neg: -7,
      plus: 5,
      dec: 3.25,
      exp: 1000,
      lead: 7,
      big: 12345678901,
      huge: '99999999999999999999',
      t: true,
      f: false,
      qnum: '42',
      qtrue: 'true',
      qempty: '',
      str: 'hello',
      dotend: '1.',
      sign: '-',
    })
    expect(Object.hasOwn(item.doc!, 'n')).toBe(false)
    expect(Object.hasOwn(item.doc!, 'empty')).toBe(false)
  })

  it('keeps everything a string with --no-convert', () => {
    const [item] = readCsv('fixtures/import/types.csv', { convert: false })
    expect(item.doc).toMatchObject({ int: '42', t: 'true', n: 'null', dec: '3.25', lead: '007' })
    expect(Object.hasOwn(item.doc!, 'empty')).toBe(false)
  })

  it('forces types with --datatype, over quoting and --convert (number -> 0, boolean false/null/0)', () => {
    const [item] = readCsv('fixtures/import/types.csv', {
      datatypes: {
        qnum: 'number',
        str: 'number',
        int: 'string',
        f: 'boolean',
        lead: 'boolean',
        neg: 'null',
        empty: 'boolean',
      },
    })
    expect(item.doc).toMatchObject({ qnum: 42, str: 0, int: '42', f: false, lead: true, empty: true })
    expect(Object.hasOwn(item.doc!, 'neg')).toBe(false)
  })

  it('renames with --translate, drops with --remove-attribute and merges with --merge-attributes', () => {
    const items = readCsv('fixtures/airports.csv', {
      translate: { _key: 'code' },
      removeAttributes: ['lat', 'long'],
      mergeAttributes: [
        parseMergeAttribute('where=[city], [state]'),
        parseMergeAttribute('label=[_key]: [where]'),
      ],
    })
    const lax = items.find((i) => i.doc?.code === 'LAX')!.doc!
    expect(lax).toEqual({
      code: 'LAX',
      name: 'Los Angeles International',
      city: 'Los Angeles',
      state: 'CA',
      country: 'USA',
      vip: true,
      where: 'Los Angeles, CA',
      label: 'LAX: Los Angeles, CA',
    })
  })

  it('rejects rows with too many values, and short rows unless --ignore-missing', () => {
    const c = new RowConverter(['a', 'b', 'c'], base)
    expect(c.convertRow(['1', '2', '3', '4'], [false, false, false, false])).toMatchObject({
      ok: false,
      reason: 'too many values: 4 for 3 columns',
    })
    expect(c.convertRow(['1'], [false])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/too few/),
    })
    const lenient = new RowConverter(['a', 'b', 'c'], { ...base, ignoreMissing: true })
    expect(lenient.convertRow(['1'], [false])).toEqual({ ok: true, doc: { a: 1 } })
  })

  it('reads TSV without quoting and converts its values', () => {
    const items = readCsv('fixtures/import/users.tsv', { separator: '\t', quote: '' })
    expect(items.map((i) => i.doc)).toEqual([
      { _key: 't1', name: 'Tab One', n: 1, note: '"quoted"' },
      { _key: 't2', name: 'Tab Two', n: 2.5 },
    ])
  })

  it('reports malformed rows with their line and reason, and keeps the good ones', () => {
    const items = readCsv('fixtures/import/malformed.csv')
    expect(items.filter((i) => i.doc).map((i) => i.doc!._key)).toEqual(['k1', 'k6', 'k7', 'k8'])
    expect(items.filter((i) => i.reason).map((i) => [i.line, i.reason])).toEqual([
      [3, expect.stringMatching(/after a closing quote/)],
      [4, 'too many values: 4 for 3 columns'],
      [5, expect.stringMatching(/too few values/)],
      [6, expect.stringMatching(/closing quote|unclosed/)],
    ])
    expect(items.find((i) => i.doc?._key === 'k7')).toMatchObject({
      line: 8,
      doc: { name: 'multi\nline', n: 7 },
    })
  })

  it('number checks follow ImportHelper isInteger/isDecimal', () => {
    expect(['1', '-1', '+1', '007'].every(isInteger)).toBe(true)
    expect(['', '-', '1.0', '1a'].some(isInteger)).toBe(false)
    expect(['1.5', '.5', '1e5', '1E-3', '-2.5e+2'].every(isDecimal)).toBe(true)
    expect(['1.', '1e', '1..2', 'e5x'].some(isDecimal)).toBe(false)
    // ImportHelper's isDecimal only peeks; "1.2.3" passes it, then std::stod stops early and it stays a string
    expect(isDecimal('1.2.3')).toBe(true)
    const c = new RowConverter(['v', 'w'], { ...base, datatypes: { w: 'number' } })
    expect(c.convertRow(['1.2.3', '1.2.3'], [false, false])).toEqual({ ok: true, doc: { v: '1.2.3', w: 0 } })
  })

  it('refuses a malformed --merge-attributes', () => {
    expect(() => parseMergeAttribute('x=[a')).toThrow(/unbalanced/)
    expect(() => parseMergeAttribute('x=[]')).toThrow(/empty/)
    expect(() => parseMergeAttribute('noequals')).toThrow(/exactly one/)
  })
})

describe('documents written straight as JSON (the import hot path, RowConverter.rowJson)', () => {
  const both = (path: string, opts: Partial<LayoutOptions> & { separator?: string } = {}) => {
    const objects = readCsv(path, opts)
    const json = readCsv(path, { ...opts, json: true } as Partial<LayoutOptions>)
    return { objects, json }
  }

  it.each([
    ['fixtures/import/types.csv', {}],
    ['fixtures/import/types.csv', { convert: false }],
    ['fixtures/import/types.csv', { datatypes: { qnum: 'number', int: 'string', t: 'null', f: 'boolean' } }],
    ['fixtures/import/types.csv', { translate: { int: 'count', str: 'name' }, removeAttributes: ['dec'] }],
    ['fixtures/import/arangoimport-example.csv', {}],
    ['fixtures/import/malformed.csv', {}],
    ['fixtures/import/malformed.csv', { ignoreMissing: true }],
    ['fixtures/airports.csv', {}],
    ['fixtures/flights.csv', {}],
  ] as [string, Partial<LayoutOptions>][])(
    '%s %j: the same documents, rejections and lines as the object path',
    (path, opts) => {
      const { objects, json } = both(path, opts)
      expect(json.length).toBe(objects.length)
      for (let i = 0; i < json.length; i++) {
        const o = objects[i]
        const j = json[i]
        expect(j.line).toBe(o.line)
        expect(j.reason).toBe(o.reason)
        if (o.doc) {
          expect(j.doc).toBeUndefined()
          expect(JSON.parse(j.json!), `line ${o.line}`).toEqual(o.doc)
        }
      }
      expect(json.some((i) => i.json !== undefined)).toBe(true)
    },
  )

  const rowJson = (
    header: string[],
    fields: string[],
    quoted?: boolean[],
    opts: Partial<LayoutOptions> = {},
  ) => {
    const r = new RowConverter(header, { ...base, ...opts }).rowJson(
      fields,
      quoted ?? fields.map(() => false),
    )
    if (!r.ok) throw new Error(r.reason)
    return r
  }

  it('writes numbers as JSON.stringify would (no leading zeros, no -0, exponents expanded)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']
    const values = ['0', '-0', '007', '+5', '1e3', '123456789012345678', '-12', '2.50']
    const { json } = rowJson(names, values)
    expect(json).toBe('{"a":0,"b":0,"c":7,"d":5,"e":1000,"f":123456789012345680,"g":-12,"h":2.5}')
    const doc = new RowConverter(names, base).convertRow(
      values,
      values.map(() => false),
    )
    expect(doc.ok && JSON.stringify(doc.doc)).toBe(json)
  })

  it('keeps the column order (an object would put integer-like names first) and __proto__ as an attribute', () => {
    const { json } = rowJson(['name', '2008', '__proto__'], ['x', '1', 'p'])
    expect(json).toBe('{"name":"x","2008":1,"__proto__":"p"}')
  })

  it('escapes strings and leaves empty cells and unquoted null out', () => {
    const { json } = rowJson(
      ['s', 'e', 'n', 'q'],
      ['say "hi"\n\\', '', 'null', ''],
      [true, false, false, true],
    )
    expect(JSON.parse(json)).toEqual({ s: 'say "hi"\n\\', q: '' })
  })

  it('applies --from-prefix/--to-prefix (and --overwrite-prefix) and reports the handles', () => {
    const prefixes = { from: 'airports', to: 'cities', overwrite: false }
    const r = rowJson(['_from', '_to'], ['LAX', 'x/SFO'], undefined, { prefixes })
    expect(r).toMatchObject({
      json: '{"_from":"airports/LAX","_to":"x/SFO"}',
      from: 'airports/LAX',
      to: 'x/SFO',
    })
    const o = rowJson(['_from', '_to'], ['LAX', 'x/SFO'], undefined, {
      prefixes: { ...prefixes, overwrite: true },
    })
    expect(o.to).toBe('cities/SFO')
  })

  it('is not used where the last of two same-named columns or a merged value decides an attribute', () => {
    expect(new RowConverter(['a', 'b'], { ...base, translate: { b: 'a' } }).jsonReady).toBe(false)
    expect(
      new RowConverter(['a', 'b'], { ...base, mergeAttributes: [parseMergeAttribute('c=[a][b]')] }).jsonReady,
    ).toBe(false)
    expect(new RowConverter(['a', 'b'], base).jsonReady).toBe(true)
    const items = readCsv('fixtures/import/types.csv', {
      json: true,
      translate: { int: 'neg' },
    } as Partial<LayoutOptions>)
    expect(items[0].doc).toMatchObject({ neg: -7 })
    expect(items[0].json).toBeUndefined()
  })
})

describe('plain lines read and written in one pass (RowConverter.lineJson) against the object path', () => {
  let seed = 7
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    // the high bits: the low bits of this generator repeat with a short period
    return (seed >>> 12) % n
  }
  const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]
  // plain cells and every kind the one-pass reader must leave to the splitter
  const CELLS = [
    '1',
    '007',
    '-0',
    '1.50',
    '1e5',
    'true',
    'null',
    '',
    'x',
    'a b',
    'ab"c',
    '12345678901234567890',
    '"q"',
    '""',
    '"a,b"',
    '"say ""hi"""',
    '"back\\slash"',
    '"tab\there"',
    '"multi\nline"',
    '"cr\rx"',
    '"\ud800"',
    '"é€"',
    'trail ',
    '"x" ',
    'LAX',
    'airports/LAX',
    '"airports/SFO"',
    '"SFO"',
    '\t',
  ]

  function text(cols: number, rows: number, tsv: boolean): string {
    const sep = tsv ? '\t' : ','
    const cells = tsv ? CELLS.filter((c) => !c.startsWith('"') && c !== '\t') : CELLS
    const lines = [['_from', '_to', 'a', 'b', 'c', 'd'].slice(0, cols).join(sep)]
    for (let r = 0; r < rows; r++) {
      const n = rnd(8) === 0 ? cols + pick([-1, 1]) : cols
      lines.push(Array.from({ length: Math.max(0, n) }, () => pick(cells)).join(sep))
    }
    const nl = rnd(4) === 0 ? '\r\n' : '\n'
    return lines.join(nl) + (rnd(2) ? nl : '')
  }

  it('gives the same documents, rejections and lines for 2,000 generated files in random pieces', () => {
    for (let f = 0; f < 2000; f++) {
      const tsv = rnd(4) === 0
      // a single quote as the quote character: '"' is then an ordinary character
      const single = !tsv && rnd(4) === 0
      const opts = {
        separator: tsv ? '\t' : ',',
        quote: tsv ? '' : single ? "'" : '"',
        ignoreMissing: rnd(3) === 0,
        convert: rnd(5) !== 0,
        datatypes: (rnd(5) === 0 ? { c: 'number' } : {}) as Record<string, Datatype>,
        prefixes: rnd(2) ? { from: 'airports', to: 'airports', overwrite: rnd(2) === 0 } : undefined,
        removeAttributes: rnd(6) === 0 ? ['b'] : [],
      }
      let src = text(2 + rnd(5), 1 + rnd(12), tsv)
      if (single) src = src.replace(/["']/g, (c) => (c === '"' ? "'" : '"'))
      const read = (json: boolean) => {
        const r = new DelimitedReader({ skipLines: 0, ...base, ...opts, json })
        const items: Item[] = []
        const step = 1 + rnd(40)
        for (let i = 0; i < src.length; i += step) r.push(src.slice(i, i + step), items)
        r.end(items)
        return items
      }
      const objects = read(false)
      const json = read(true)
      expect(json.length, src).toBe(objects.length)
      for (let i = 0; i < json.length; i++) {
        const [o, j] = [objects[i], json[i]]
        expect([j.line, j.reason], src).toEqual([o.line, o.reason])
        if (o.doc) {
          // the object path leaves the prefixes to produce.ts
          const doc = { ...o.doc }
          for (const k of ['_from', '_to'] as const)
            if (opts.prefixes && typeof doc[k] === 'string')
              doc[k] = prefixedHandle(doc[k], opts.prefixes.from!, opts.prefixes.overwrite)
          // as sent: JSON has no -0
          expect(JSON.parse(j.json!), src).toEqual(JSON.parse(JSON.stringify(doc)))
          expect([j.from, j.to], src).toEqual([doc._from, doc._to])
        }
      }
    }
  })
})
