import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

import { JsonArrayReader, JsonLinesReader, type Item, type Reader } from '../../src/import/readers.js'

function read(reader: Reader, text: string, chunk = 0): Item[] {
  const items: Item[] = []
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) reader.push(text.slice(i, i + chunk), items)
  else reader.push(text, items)
  reader.end(items)
  return items
}

describe('JSON array reader', () => {
  const text = readFileSync('fixtures/import/people.json', 'utf8')

  it('splits the top-level array into documents with their start lines, brackets inside strings included', () => {
    const items = read(new JsonArrayReader(), text)
    expect(items.map((i) => [i.line, i.doc?._key ?? i.reason])).toEqual([
      [2, 'ann'],
      [3, 'bob'],
      [4, 'invalid JSON type (expecting object, probably parse error)'],
      [5, 'cyd'],
    ])
    expect(items[0].doc).toEqual({ _key: 'ann', name: 'Ann', tags: ['a', 'b]'], nested: { x: '}"{' } })
    expect(items[1].doc!.name).toBe('Bob, "the" builder')
  })

  it('gives the same result for any chunking (streaming, never the whole file at once)', () => {
    const whole = read(new JsonArrayReader(), text)
    for (const n of [1, 3, 16]) expect(read(new JsonArrayReader(), text, n)).toEqual(whole)
  })

  it('keeps memory to one element: the buffer never holds finished elements', () => {
    const r = new JsonArrayReader()
    const items: Item[] = []
    r.push('[', items)
    for (let i = 0; i < 10_000; i++) r.push(`{"i":${i}},`, items)
    r.push('{"i":-1}]', items)
    r.end(items)
    expect(items.length).toBe(10_001)
    expect((r as unknown as { buf: string }).buf.length).toBeLessThan(100)
  })

  it('reports a broken element and goes on; an unclosed array is one rejected row', () => {
    const items = read(new JsonArrayReader(), '[{"a":1},{"b":},{"c":3}')
    expect(items.map((i) => i.doc ?? i.reason)).toEqual([
      { a: 1 },
      expect.stringMatching(/^invalid JSON/),
      { c: 3 },
      'JSON array not closed',
    ])
  })

  it('reads a file that is not an array as JSON lines, as arangoimport --type json does', () => {
    const items = read(new JsonArrayReader(), '{"a":1}\n{"a":2}\n')
    expect(items.map((i) => i.doc)).toEqual([{ a: 1 }, { a: 2 }])
  })
})

describe('JSON lines reader', () => {
  it('makes one item per line: documents, empty lines, and rejected lines with reasons', () => {
    const items = read(new JsonLinesReader(), readFileSync('fixtures/import/people.jsonl', 'utf8'), 5)
    expect(items.map((i) => [i.line, i.doc?._key ?? (i.empty ? 'empty' : i.reason)])).toEqual([
      [1, 'ann'],
      [2, 'empty'],
      [3, 'bob'],
      [4, expect.stringMatching(/^invalid JSON/)],
      [5, 'invalid JSON type (expecting object, probably parse error)'],
      [6, 'cyd'],
    ])
  })
})
