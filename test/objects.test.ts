import { describe, expect, it } from 'vitest'

import { isObject } from '../src/objects.js'

describe('isObject', () => {
  it('accepts JSON objects, including ones without a prototype', () => {
    expect(isObject({})).toBe(true)
    expect(isObject({ a: 1 })).toBe(true)
    expect(isObject(Object.create(null))).toBe(true)
  })

  it('rejects null, arrays and every scalar', () => {
    for (const v of [null, undefined, [], [1], 'x', 1, true]) expect(isObject(v)).toBe(false)
  })
})
