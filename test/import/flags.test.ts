import { describe, expect, it } from 'vitest'

import { optionsFromFlags, unescapeSeparator, type ImportFlagValues } from '../../src/import/flags.js'

const flags = (f: Partial<ImportFlagValues>) => optionsFromFlags(f as ImportFlagValues)

describe('import flags to options', () => {
  it('parses repeatable NAME=VALUE flags: --translate at the first =, --datatype at the last', () => {
    const o = flags({ translate: [' source airport=_from', 'a=b=c'], datatype: ['x=y=number', 'k=string'] })
    expect(o.translate).toEqual({ ' source airport': '_from', a: 'b=c' })
    expect(o.datatypes).toEqual({ 'x=y': 'number', k: 'string' })
  })

  it('refuses malformed pairs and unknown datatypes as usage errors (exit 2)', () => {
    expect(() => flags({ translate: ['noequals'] })).toThrow(expect.objectContaining({ exitCode: 2 }))
    expect(() => flags({ translate: ['=x'] })).toThrow(/expected NAME=VALUE/)
    expect(() => flags({ datatype: ['lat=float'] })).toThrow(/unknown type float/)
  })

  it('unescapes \\t in --separator as arangoimport does', () => {
    expect(unescapeSeparator('\\t')).toBe('\t')
    expect(unescapeSeparator(';')).toBe(';')
    expect(flags({ separator: '\\t' }).separator).toBe('\t')
  })
})
