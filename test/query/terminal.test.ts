import { describe, expect, it } from 'vitest'

import { terminalWidth } from '../../src/query/terminal.js'
import { TableRenderer } from '../../src/query/format/table.js'
import { Sink } from '../../src/query/format/index.js'
import { Writable } from 'node:stream'

describe('terminal width for tables', () => {
  it('COLUMNS wins; a terminal reporting 0 columns gets 80, not 2-character cells', () => {
    expect(terminalWidth({ isTTY: true, columns: 0 }, {})).toBe(80)
    expect(terminalWidth({ isTTY: true, columns: 0 }, { COLUMNS: '132' })).toBe(132)
    expect(terminalWidth({ isTTY: true, columns: 100 }, { COLUMNS: '60' })).toBe(60)
    expect(terminalWidth({ isTTY: true, columns: 100 }, {})).toBe(100)
    expect(terminalWidth({ isTTY: false }, {})).toBeUndefined()
    expect(terminalWidth({ isTTY: true, columns: 120 }, { COLUMNS: 'wide' })).toBe(120)
  })

  it('a table on a 0-column terminal keeps whole cells of a short result', async () => {
    let text = ''
    const out = new Writable({
      write(c, _e, done) {
        text += String(c)
        done()
      },
    })
    const t = new TableRenderer(new Sink(out), { width: terminalWidth({ isTTY: true, columns: 0 }, {}) })
    await t.push([{ city: 'Los Angeles', name: 'Los Angeles International' }])
    await t.end()
    expect(text).toContain('Los Angeles International')
  })

  it('expanded rows print one attribute per line', async () => {
    let text = ''
    const out = new Writable({
      write(c, _e, done) {
        text += String(c)
        done()
      },
    })
    const t = new TableRenderer(new Sink(out), { expanded: true })
    await t.push([{ _key: 'LAX', city: 'Los Angeles' }, 7])
    await t.end()
    const rule = (n: number) => `-[ RECORD ${n} ]${'-'.repeat(27)}`
    expect(text).toBe(`${rule(1)}\n_key | LAX\ncity | Los Angeles\n${rule(2)}\n(value) | 7\n`)
  })
})
