import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'

import { csvField } from '../../../src/query/format/csv.js'
import { render } from './helpers.js'

describe('csv format (RFC 4180)', () => {
  it('writes a header row and CRLF-terminated records', async () => {
    const { text } = await render('csv', [
      [
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ],
    ])
    expect(text).toBe('a,b\r\n1,x\r\n2,y\r\n')
  })

  it('quotes fields holding commas, quotes, CR or LF and doubles inner quotes', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
  })

  it('writes null and missing as empty fields and nested values as JSON', async () => {
    const { text } = await render('csv', [[{ a: null, b: { x: 'y,z' } }, { b: [1, 2] }]])
    expect(text).toBe('a,b\r\n,"{""x"":""y,z""}"\r\n,"[1,2]"\r\n')
  })

  it('round-trips awkward values through a CSV parser', async () => {
    const rows = [
      { name: 'O\'Hare, "ORD"', city: 'Chicago\nIL', n: 3 },
      { name: 'plain', city: '', n: -1.5 },
    ]
    const { text } = await render('csv', [rows])
    const parsed = parse(text, { columns: true }) as Record<string, string>[]
    expect(parsed).toEqual(rows.map((r) => ({ name: r.name, city: r.city, n: String(r.n) })))
  })

  it('writes nothing at all for an empty result', async () => {
    expect((await render('csv', [])).text).toBe('')
  })
})
