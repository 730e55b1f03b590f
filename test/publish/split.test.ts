import { describe, expect, it } from 'vitest'

import { JsonSplitter, LineSplitter, type Piece } from '../../src/publish/split.js'

type Text = { line: number; text: string } | { line: number; error: string; fatal?: boolean }

/** Feeds `input` in chunks of `chunkSize` bytes; pieces with their bytes as text, for comparing. */
function run(s: { push(b: Buffer): Piece[]; end(): Piece[] }, input: string, chunkSize = 3): Text[] {
  const buf = Buffer.from(input, 'utf8')
  const out: Piece[] = []
  for (let i = 0; i < buf.length; i += chunkSize) out.push(...s.push(buf.subarray(i, i + chunkSize)))
  out.push(...s.end())
  return out.map((p) => ('raw' in p ? { line: p.line, text: p.raw.toString('utf8') } : p))
}

describe('LineSplitter', () => {
  it('yields one piece per non-blank line with 1-based line numbers, across chunk borders', () => {
    const out = run(new LineSplitter(1000), '{"a":1}\r\n\n  \n{"b":"é"}\n{"c":3}')
    expect(out).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":"é"}' },
      { line: 5, text: '{"c":3}' },
    ])
  })

  it('reports an over-long line without holding it and goes on with the next', () => {
    const out = run(new LineSplitter(10, 10_000_000), `${'x'.repeat(50)}\n{"ok":1}\n`, 7)
    expect(out).toEqual([
      { line: 1, error: 'message over 10 MB' },
      { line: 2, text: '{"ok":1}' },
    ])
  })

  it('strips a UTF-8 byte order mark', () => {
    expect(run(new LineSplitter(100), '\ufeff{"a":1}\n', 100)).toEqual([{ line: 1, text: '{"a":1}' }])
  })
})

describe('JsonSplitter in array mode (--split)', () => {
  it('yields each element of a top-level array with the line it starts on', () => {
    const input = '[\n  {"u": "a", "s": "x]}\\"{["},\n  [1, 2],\n  "str", 42, true,\n  {"n": {"m": []}}\n]\n'
    for (const size of [1, 2, 5, 1000]) {
      const out = run(new JsonSplitter('array', 1000), input, size)
      expect(out, `chunk ${size}`).toEqual([
        { line: 2, text: '{"u": "a", "s": "x]}\\"{["}' },
        { line: 3, text: '[1, 2]' },
        { line: 4, text: '"str"' },
        { line: 4, text: '42' },
        { line: 4, text: 'true' },
        { line: 5, text: '{"n": {"m": []}}' },
      ])
    }
  })

  it('yields nothing for an empty array', () => {
    expect(run(new JsonSplitter('array', 100), ' [ ] ')).toEqual([])
  })

  it('refuses a document that is not an array', () => {
    expect(run(new JsonSplitter('array', 100), '{"a": 1}')).toEqual([
      { line: 1, error: expect.stringContaining('--split needs a top-level JSON array'), fatal: true },
    ])
  })

  it('stops at a broken array structure, reporting the line', () => {
    const out = run(new JsonSplitter('array', 100), '[{"a":1},\n{"b":2} {"c":3}]')
    expect(out).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
      { line: 2, error: expect.stringContaining('expected "," or "]"'), fatal: true },
    ])
  })

  it('reports a truncated array', () => {
    const out = run(new JsonSplitter('array', 100), '[{"a":1}, {"b":')
    expect(out.at(-1)).toMatchObject({ fatal: true, error: expect.stringContaining('end of file') })
  })

  it('reports a trailing comma', () => {
    const out = run(new JsonSplitter('array', 100), '[1,]')
    expect(out.at(-1)).toMatchObject({ fatal: true, error: 'expected a value after ","' })
  })

  it('reports an element over the size limit and continues with the next', () => {
    const big = `{"x":"${'y'.repeat(100)}"}`
    const out = run(new JsonSplitter('array', 50, 10_000_000), `[${big},\n{"ok":true}]`, 16)
    expect(out).toEqual([
      { line: 1, error: 'message over 10 MB' },
      { line: 2, text: '{"ok":true}' },
    ])
  })
})

describe('JsonSplitter in single mode (one message per .json file)', () => {
  it('yields the whole document', () => {
    expect(run(new JsonSplitter('single', 1000), '\n{"message": "success",\n "data": [1]}\n')).toEqual([
      { line: 2, text: '{"message": "success",\n "data": [1]}' },
    ])
  })

  it('accepts a scalar document', () => {
    expect(run(new JsonSplitter('single', 1000), '  12.5e3 \n')).toEqual([{ line: 1, text: '12.5e3' }])
  })

  it('refuses a second document in the same file', () => {
    const out = run(new JsonSplitter('single', 1000), '{"a":1}\n{"b":2}\n')
    expect(out[1]).toMatchObject({ line: 2, fatal: true, error: expect.stringContaining('.jsonl') })
  })

  it('refuses an empty file', () => {
    expect(run(new JsonSplitter('single', 1000), '  \n')).toEqual([
      { line: 2, error: 'empty file', fatal: true },
    ])
  })

  it('reports an unterminated document', () => {
    expect(run(new JsonSplitter('single', 1000), '{"a": [1, 2}')[0]).toMatchObject({ fatal: true })
  })
})
