import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { EXIT } from '../../src/errors.js'
import { parseBindArg, parseBindValue, resolveBindVars } from '../../src/query/bind.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-bind-'))

describe('bind parameters', () => {
  it('parses VALUE as JSON when it parses, else keeps the text', () => {
    expect(parseBindValue('3')).toBe(3)
    expect(parseBindValue('true')).toBe(true)
    expect(parseBindValue('null')).toBe(null)
    expect(parseBindValue('[1,"a"]')).toEqual([1, 'a'])
    expect(parseBindValue('{"a":1}')).toEqual({ a: 1 })
    expect(parseBindValue('"quoted"')).toBe('quoted')
    expect(parseBindValue('airports/LAX')).toBe('airports/LAX')
    expect(parseBindValue('007')).toBe('007')
    expect(parseBindValue('')).toBe('')
  })

  it('splits NAME=VALUE at the first = only', () => {
    expect(parseBindArg('expr=a=b')).toEqual(['expr', 'a=b'])
    expect(parseBindArg('year=2008')).toEqual(['year', 2008])
  })

  it('binds @coll=name as the collection parameter @@coll, always a string', () => {
    expect(parseBindArg('@coll=airports')).toEqual(['@coll', 'airports'])
    expect(parseBindArg('@coll=123')).toEqual(['@coll', '123'])
  })

  it('rejects a missing = or a bad name as a usage error (exit 2)', () => {
    for (const bad of ['year', '=3', 'a-b=1', '@@c=x', 'a b=1']) {
      expect(() => parseBindArg(bad), bad).toThrow(expect.objectContaining({ exitCode: EXIT.USAGE }))
    }
  })

  it('merges --bind-file first, then --bind in order (later wins)', async () => {
    const file = path.join(tmp, 'binds.json')
    writeFileSync(file, JSON.stringify({ start: 'airports/BIS', month: 1, '@c': 'flights' }))
    const vars = await resolveBindVars(['month=2', 'day=5', 'day=6'], file)
    expect(vars).toEqual({ start: 'airports/BIS', month: 2, '@c': 'flights', day: 6 })
  })

  it('names the file when --bind-file is missing, not JSON or not an object', async () => {
    await expect(resolveBindVars([], path.join(tmp, 'nope.json'))).rejects.toThrow(
      /nope\.json: cannot read it \(ENOENT\)/,
    )
    const bad = path.join(tmp, 'bad.json')
    writeFileSync(bad, '{"a": ')
    await expect(resolveBindVars([], bad)).rejects.toThrow(/bad\.json: not valid JSON/)
    const arr = path.join(tmp, 'arr.json')
    writeFileSync(arr, '[1]')
    await expect(resolveBindVars([], arr)).rejects.toMatchObject({
      exitCode: EXIT.USAGE,
      message: expect.stringMatching(/got an array/),
    })
  })
})
