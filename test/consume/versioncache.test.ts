/**
 * The ordered writer's cache of bookkeeping documents: bounded (least recently used go first),
 * and it holds only what a precondition can check (format 3 with a `_rev`) or a known absence.
 */
import { describe, expect, it } from 'vitest'

import { VersionCache } from '../../src/consume/versioncache.js'
import type { VersionDoc } from '../../src/consume/versions.js'

const doc = (key: string, rev: string | undefined, f: 2 | 3 = 3): VersionDoc => ({
  _key: key,
  ...(rev === undefined ? {} : { _rev: rev }),
  f,
  c: 'users',
  k: key,
  v: [],
})

describe('VersionCache', () => {
  it('keeps at most `limit` documents, forgetting the least recently used first', () => {
    const c = new VersionCache(3)
    for (const k of ['a', 'b', 'c']) c.set(k, doc(k, `r${k}`))
    expect(c.get('a')?._rev).toBe('ra') // a is now the most recently used
    c.set('d', null)
    expect(c.size).toBe(3)
    expect(c.get('b')).toBeUndefined()
    expect(c.get('a')?._rev).toBe('ra')
    expect(c.get('c')?._rev).toBe('rc')
    expect(c.get('d')).toBeNull() // known missing, not unknown
  })

  it('holds nothing it could not check: a document without _rev or of format 2 replaces what it held by nothing', () => {
    const c = new VersionCache(10)
    c.set('a', doc('a', 'r1'))
    c.set('a', doc('a', undefined))
    expect(c.get('a')).toBeUndefined()
    c.set('b', doc('b', 'r2', 2))
    expect(c.get('b')).toBeUndefined()
    c.set('b', doc('b', 'r3'))
    c.delete('b')
    expect(c.get('b')).toBeUndefined()
  })

  it('with limit 0 holds nothing', () => {
    const c = new VersionCache(0)
    c.set('a', doc('a', 'r1'))
    c.set('b', null)
    expect(c.size).toBe(0)
    expect(c.get('b')).toBeUndefined()
  })
})
