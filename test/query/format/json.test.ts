import { describe, expect, it } from 'vitest'

import { createRenderer, Sink } from '../../../src/query/format/index.js'
import { Capture, render } from './helpers.js'

describe('json format', () => {
  it('writes one JSON array across batches', async () => {
    const { text } = await render('json', [[{ a: 1 }, 'x'], [], [null, [1, 2]]])
    expect(JSON.parse(text)).toEqual([{ a: 1 }, 'x', null, [1, 2]])
  })

  it('writes [] for an empty result', async () => {
    const { text } = await render('json', [])
    expect(JSON.parse(text)).toEqual([])
  })

  it('streams: each batch is written when pushed, not at the end', async () => {
    const out = new Capture()
    const r = createRenderer('json', new Sink(out))
    await r.push([{ i: 1 }])
    expect(out.text).toBe('[\n  {"i":1}')
    await r.push([{ i: 2 }])
    expect(out.text).toBe('[\n  {"i":1},\n  {"i":2}')
    await r.end()
    expect(JSON.parse(out.text)).toEqual([{ i: 1 }, { i: 2 }])
  })
})

describe('jsonl format', () => {
  it('writes one compact JSON value per line', async () => {
    const { text } = await render('jsonl', [[{ a: 1, b: { c: 'd' } }, 2], ['x\ny']])
    expect(text).toBe('{"a":1,"b":{"c":"d"}}\n2\n"x\\ny"\n')
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ a: 1, b: { c: 'd' } }, 2, 'x\ny'])
  })
})
