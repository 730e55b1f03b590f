import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { DelimitedSplitter } from '../../src/import/delimited.js'

interface Out {
  records: { fields: string[]; quoted: boolean[]; line: number }[]
  bad: { line: number; reason: string }[]
}

function split(text: string, chunk = 0, opts = { separator: ',', quote: '"' }): Out {
  const out: Out = { records: [], bad: [] }
  const s = new DelimitedSplitter(opts, {
    record: (fields, quoted, line) =>
      out.records.push({ fields: fields.slice(), quoted: quoted.slice(), line }),
    malformed: (line, reason) => out.bad.push({ line, reason }),
  })
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) s.push(text.slice(i, i + chunk))
  else s.push(text)
  s.end()
  return out
}

describe('DelimitedSplitter', () => {
  it('splits fields and marks which were quoted', () => {
    const { records } = split('a,"b",c\n1,"x,y",""\n')
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x,y', ''],
    ])
    expect(records[1].quoted).toEqual([false, true, true])
  })

  it('unescapes doubled quotes and keeps line breaks inside quoted values, counting lines', () => {
    const { records } = split('"a""b","multi\nline"\nnext,1\n')
    expect(records[0].fields).toEqual(['a"b', 'multi\nline'])
    expect(records[1]).toMatchObject({ fields: ['next', '1'], line: 3 })
  })

  it('handles CRLF, a missing final line break, blank lines and trailing blanks like arangoimport', () => {
    const { records } = split('a,b\r\n\r\n1,2  \r\n3,"4" \n5,6')
    expect(records.map((r) => [r.fields, r.line])).toEqual([
      [['a', 'b'], 1],
      [['1', '2'], 3],
      [['3', '4'], 4],
      [['5', '6'], 5],
    ])
  })

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'h1,h2\n"a""b","c\r\nd"\r\ne,f\n"g",h\n'
    const whole = split(text)
    for (const n of [1, 2, 3, 5, 7]) expect(split(text, n)).toEqual(whole)
  })

  it('rejects a malformed record as one row and resumes on the next line', () => {
    const { records, bad } = split('a,b\n1,"bad"x\n2,ok\n3,"open\n4,fine\n5,"x"\n')
    expect(bad).toEqual([
      { line: 2, reason: expect.stringMatching(/after a closing quote/) },
      { line: 4, reason: expect.stringMatching(/closing quote/) },
    ])
    expect(records.map((r) => r.fields[0])).toEqual(['a', '2', '4', '5'])
  })

  it('rejects an unclosed quote at the end of input as one row', () => {
    const { records, bad } = split('a,b\n1,"never closed\n2,x')
    // the quote swallows the rest; it is rejected and the parser restarts on line 3
    expect(bad).toEqual([{ line: 2, reason: 'unclosed quote' }])
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['2', 'x'],
    ])
  })

  it('resynchronises in streaming mode across chunks after a bad line', () => {
    const text = 'a,b\n1,"bad"x and more text here\n2,ok\n'
    for (const n of [1, 4, 9]) {
      const { records, bad } = split(text, n)
      expect(bad.map((b) => b.line)).toEqual([2])
      expect(records.map((r) => r.fields)).toEqual([
        ['a', 'b'],
        ['2', 'ok'],
      ])
    }
  })

  it('treats quotes as ordinary characters for TSV (no quoting)', () => {
    const { records } = split('a\tb\n"x"\ty"z\n', 0, { separator: '\t', quote: '' })
    expect(records[1]).toMatchObject({ fields: ['"x"', 'y"z'], quoted: [false, false] })
  })

  it('csv-parse loses the rows after a bad quote (why the splitter is our own)', () => {
    const input = 'a,b\n1,"bad"x\n2,ok\n3,fine\n'
    const records = parse(input, { skip_records_with_error: true, relax_column_count: true }) as string[][]
    // csv-parse 5.6 keeps only the header here; our splitter keeps rows 2 and 3
    expect(records.length).toBeLessThan(3)
    expect(split(input).records.length).toBe(3)
  })
})
