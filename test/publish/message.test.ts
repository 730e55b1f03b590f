import { describe, expect, it } from 'vitest'

import {
  compactJson,
  getPath,
  parsePath,
  prepareMessage,
  type MessageOptions,
} from '../../src/publish/message.js'

const prep = (text: string | Buffer, opts: MessageOptions = {}, validated = false) =>
  prepareMessage(typeof text === 'string' ? Buffer.from(text) : text, opts, validated)

describe('compactJson', () => {
  it('drops whitespace outside strings only', () => {
    expect(compactJson('{ "a" : [1, 2],\n\t"b": "x y \\" z" }\r\n')).toBe('{"a":[1,2],"b":"x y \\" z"}')
  })

  it('keeps numbers byte for byte, beyond what a double holds', () => {
    expect(compactJson('{"id": 12345678901234567890, "f": 1.0}')).toBe('{"id":12345678901234567890,"f":1.0}')
  })
})

describe('prepareMessage', () => {
  it('uses the input bytes as the body when there is nothing to compact', () => {
    const raw = Buffer.from('{"a":1}')
    const r = prepareMessage(raw, {})
    expect(r).toMatchObject({ ok: true, message: { size: 7 } })
    if (r.ok) expect(r.message.data.toString()).toBe('{"a":1}')
  })

  it('compacts a pretty-printed document', () => {
    const r = prep('{\n  "message": "success",\n  "data": [ 1 ]\n}')
    expect(r.ok && r.message.data.toString()).toBe('{"message":"success","data":[1]}')
  })

  it('rejects invalid JSON with the parser’s reason', () => {
    expect(prep('{"a":')).toEqual({ ok: false, reason: expect.stringMatching(/^invalid JSON: /) })
  })

  it('rejects bytes that are not UTF-8', () => {
    expect(prep(Buffer.from([0x22, 0xff, 0x22]))).toEqual({ ok: false, reason: 'not valid UTF-8' })
  })

  it('skips parsing already validated bytes unless fields are needed', () => {
    // Not JSON, but flagged validated: taken as is (the caller vouches for the bytes).
    expect(prep('nope', {}, true).ok).toBe(true)
    expect(prep('nope', { orderingKeyFrom: ['k'] }, true).ok).toBe(false)
  })

  it('sets attributes and the ordering key from fields; scalars as text, objects as JSON', () => {
    const r = prep('{"user":{"id":7,"tags":["a"]},"ok":true}', {
      attributes: { src: 'x' },
      attributesFrom: [
        { key: 'uid', path: ['user', 'id'] },
        { key: 'tags', path: ['user', 'tags'] },
        { key: 'ok', path: ['ok'] },
        { key: 'missing', path: ['nope'] },
      ],
      orderingKeyFrom: ['user', 'tags', '0'],
    })
    expect(r).toMatchObject({
      ok: true,
      message: { attributes: { src: 'x', uid: '7', tags: '["a"]', ok: 'true' }, orderingKey: 'a' },
    })
  })

  it('enforces the attribute limits: count, key bytes, value bytes', () => {
    const many: Record<string, string> = {}
    for (let i = 0; i < 101; i++) many[`k${i}`] = 'v'
    expect(prep('{}', { attributes: many })).toEqual({ ok: false, reason: '101 attributes (limit 100)' })
    expect(prep('{}', { attributes: { ['k'.repeat(257)]: 'v' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('257 bytes (limit 256)'),
    })
    expect(prep('{}', { attributes: { k: 'é'.repeat(513) } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('1026 bytes (limit 1024)'),
    })
  })

  it('rejects a message over 10 MB counting attributes, and accepts one just under', () => {
    const body = (n: number) => `"${'x'.repeat(n - 2)}"`
    expect(prep(body(10_000_000)).ok).toBe(true)
    expect(prep(body(9_999_999), { attributes: { ab: 'c' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('message over 10 MB'),
    })
  })
})

describe('dot paths', () => {
  it('reads nested fields and array elements', () => {
    expect(getPath({ data: [{ username: 'johnny1' }] }, parsePath('data.0.username', '--x'))).toBe('johnny1')
    expect(getPath({ data: [] }, ['data', '0', 'username'])).toBeUndefined()
    expect(getPath({ a: 1 }, ['a', 'b'])).toBeUndefined()
  })

  it('refuses empty segments as a usage error', () => {
    expect(() => parsePath('a..b', '--attribute-from')).toThrow(expect.objectContaining({ exitCode: 2 }))
  })
})
