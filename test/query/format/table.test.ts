import { describe, expect, it } from 'vitest'

import { fitWidths, truncate } from '../../../src/query/format/cells.js'
import { Capture, render } from './helpers.js'
import { createRenderer, Sink } from '../../../src/query/format/index.js'

describe('table format', () => {
  it('uses the union of top-level attributes as columns, in first-seen order', async () => {
    const { text } = await render('table', [
      [
        { a: 1, b: 'x' },
        { c: true, a: 2 },
      ],
    ])
    const [header, rule, r1, r2] = text.split('\n')
    expect(header.split(/\s+/)).toEqual(['a', 'b', 'c'])
    expect(rule).toMatch(/^-+\s+-+\s+-+$/)
    expect(r1).toMatch(/^1\s+x$/)
    expect(r2.split(/\s+/)).toEqual(['2', 'true'])
  })

  it('shows nested values as compact JSON and null as null, missing as empty', async () => {
    const { text } = await render('table', [[{ k: 'a', v: { x: [1, 2] }, n: null }, { k: 'b' }]])
    const lines = text.trimEnd().split('\n')
    expect(lines[2]).toBe('a  {"x":[1,2]}  null')
    expect(lines[3]).toBe('b')
  })

  it('puts rows that are not objects into a (value) column', async () => {
    const { text } = await render('table', [[1, 'two', [3]]])
    expect(text.split('\n').map((l) => l.trim())).toEqual(['(value)', '-------', '1', 'two', '[3]', ''])
  })

  it('cuts long cells so every line fits the terminal width', async () => {
    const long = 'x'.repeat(300)
    const { text } = await render('table', [[{ id: 1, text: long, other: 'short' }]], { width: 60 })
    for (const line of text.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(60)
    expect(text).toContain('…')
    expect(text).toContain('short')
  })

  it('escapes newlines and tabs inside cells so each row stays on one line', async () => {
    const { text } = await render('table', [[{ s: 'a\nb\tc' }]])
    expect(text.trimEnd().split('\n')).toEqual(['s', '-------', 'a\\nb\\tc'])
  })

  it('right-aligns numeric columns', async () => {
    const { text } = await render('table', [[{ n: 5 }, { n: 1234 }]])
    expect(text.split('\n').slice(2, 4)).toEqual(['   5', '1234'])
  })

  it('says (no rows) for an empty result', async () => {
    expect((await render('table', [])).text).toBe('(no rows)\n')
  })

  it('prints the first rows as soon as the sample is full, before the result ends', async () => {
    const out = new Capture()
    const r = createRenderer('table', new Sink(out), { sampleRows: 2 })
    await r.push([{ a: 1 }])
    expect(out.text).toBe('')
    await r.push([{ a: 2 }, { a: 3 }])
    expect(out.text.split('\n').slice(2, 5)).toEqual(['1', '2', '3'])
    await r.push([{ a: 4 }])
    expect(out.text).toContain('\n4\n')
    await r.end()
  })

  it('keeps the columns fixed after the sample and notes attributes that came later', async () => {
    const { text, notes } = await render('table', [[{ a: 1 }], [{ a: 2, late: 'x' }]], { sampleRows: 1 })
    expect(text).not.toContain('late')
    expect(notes.join()).toMatch(/later rows also had: late/)
  })
})

describe('cell helpers', () => {
  it('truncate marks the cut with an ellipsis and counts code points', () => {
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('abc', 4)).toBe('abc')
    expect(truncate('😀😀😀😀😀', 3)).toBe('😀😀…')
  })

  it('fitWidths keeps narrow columns and shares the rest among wide ones', () => {
    expect(fitWidths([5, 100, 100], 50, 2)).toEqual([5, 20, 21])
    const w = fitWidths([3, 80, 40], 60, 2)
    expect(w[0]).toBe(3)
    expect(w.reduce((a, b) => a + b, 0) + 4).toBeLessThanOrEqual(60)
    expect(fitWidths([3, 4], 100, 2)).toEqual([3, 4])
  })
})
