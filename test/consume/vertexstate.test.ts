/**
 * Format 3 bookkeeping: a vertex's edge lists are stored as one text per edge collection, and a
 * window splices the entries it touched into that text without decoding the others. Whatever a
 * window does to a vertex's edges, the stored result must be the one format 2 (arrays, updated
 * in place) gives for the same stored edges and the same changes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  decodeEdge,
  encodeEdge,
  encodeEdges,
  version,
  type StoredEdge,
  type VersionDoc,
} from '../../src/consume/versions.js'
import { allEdges, edgeOf, fromStored, newEdge, toStored } from '../../src/consume/vertexstate.js'

// ArangoDB's key characters (https://docs.arangodb.com/3.12/concepts/data-structure/documents/#document-keys)
const keyChars = "abcXYZ019_-:.@()+,=;$!*'%".split('')
const key = fc.array(fc.constantFrom(...keyChars), { minLength: 1, maxLength: 12 }).map((a) => a.join(''))
const tomb = fc.integer({ min: 1, max: 2 ** 45 })

/** A stored entry: a default-key slot (`_to`) or a custom key (`#key`, tombstone or 0, `_to`). */
const entry = (versions: number): fc.Arbitrary<StoredEdge> =>
  fc.oneof(
    fc
      .tuple(key, fc.nat(versions - 1), fc.constantFrom<0 | 1>(0, 1))
      .map(([k, i, p]): StoredEdge => [`users/${k}`, i, p]),
    fc
      .tuple(key, fc.nat(versions - 1), fc.constantFrom<0 | 1>(0, 1), tomb)
      .map(([k, i, p, t]): StoredEdge => [`users/${k}`, i, p, t]),
    fc
      .tuple(key, fc.nat(versions - 1), fc.constantFrom<0 | 1>(0, 1), fc.oneof(fc.constant(0), tomb), key)
      .map(([k, i, p, t, to]): StoredEdge => [`#${k}`, i, p, t, `users/${to}`]),
  )

/** Distinct slots: a list holds each slot once. */
const entries = (versions: number) =>
  fc.uniqueArray(entry(versions), { selector: (r) => r[0], maxLength: 25 })

type Change =
  | { kind: 'touch'; slot: string; ver: number; present: boolean; tomb?: number }
  | { kind: 'forget'; slot: string }
  | { kind: 'add'; k: string; ver: number; present: boolean }

const doc = (f: 2 | 3, v: string[], lists: Record<string, StoredEdge[]>): VersionDoc => ({
  _key: 'users:ann',
  f,
  c: 'users',
  k: 'ann',
  v: [...v],
  t: 0,
  e: Object.fromEntries(
    Object.entries(lists).map(([c, l]) => [c, f === 3 ? encodeEdges(l) : l.map((r) => [...r] as StoredEdge)]),
  ),
})

/** The same changes applied to a vertex read from `d`; its stored edges, decoded. */
function applyAndStore(d: VersionDoc, changes: [string, Change][], v: string[], full: boolean) {
  const x = fromStored(d)
  for (const [coll, ch] of changes) {
    if (ch.kind === 'add') {
      const slot = `users/new-${ch.k}`
      if (edgeOf(x, coll, slot)) continue
      newEdge(x, coll, slot, { ver: v[ch.ver], present: ch.present, to: slot })
      continue
    }
    const s = edgeOf(x, coll, ch.slot)
    if (!s) continue
    s.touched = true
    if (ch.kind === 'forget') s.deleted = true
    else {
      s.ver = v[ch.ver]
      s.present = ch.present
      s.tomb = ch.tomb
    }
  }
  const out = toStored(x, full)
  if (!out) return undefined
  // compare what the entries say (versions by value: a rebuild renumbers them)
  const edges: Record<string, unknown[]> = {}
  for (const [c, l] of Object.entries(out.e ?? {})) {
    expect(typeof l).toBe('string')
    edges[c] = (l as string).split('|').map((t) => {
      const r = decodeEdge(t)
      return [r[0], out.v[r[1]], ...r.slice(2)]
    })
  }
  return { f: out.f, edges, tomb: out.tomb }
}

describe('format 3 edge lists', () => {
  it('an entry reads back as written, for any key characters ArangoDB allows', () => {
    fc.assert(
      fc.property(entry(1000), (r) => {
        expect(decodeEdge(encodeEdge(r))).toEqual(r)
      }),
    )
  })

  it('a window that touches, forgets and adds edges stores what format 2 stores, without decoding the rest', () => {
    const v = Array.from({ length: 8 }, (_, i) => version(1_700_000_000_000 + i, String(100 + i)))
    const colls = ['follow', 'likes']
    fc.assert(
      fc.property(
        fc.record({ follow: entries(8), likes: entries(8) }),
        fc.array(
          fc.tuple(
            fc.constantFrom(...colls),
            fc.nat(24),
            fc.oneof(
              fc.record({
                kind: fc.constant('touch' as const),
                ver: fc.nat(7),
                present: fc.boolean(),
                tomb: fc.option(tomb, { nil: undefined }),
              }),
              fc.record({ kind: fc.constant('forget' as const) }),
              fc.record({ kind: fc.constant('add' as const), k: key, ver: fc.nat(7), present: fc.boolean() }),
            ),
          ),
          { maxLength: 12 },
        ),
        fc.boolean(),
        (lists, picks, full) => {
          const changes: [string, Change][] = picks.map(([coll, i, ch]) => {
            const l = lists[coll as 'follow' | 'likes']
            const slot = l.length > 0 ? l[i % l.length][0] : 'users/none'
            return [coll, ch.kind === 'add' ? ch : ({ ...ch, slot } as Change)]
          })
          const two = applyAndStore(doc(2, v, lists), changes, v, full)
          const three = applyAndStore(doc(3, v, lists), changes, v, full)
          expect(three).toEqual(two)
          if (three) expect(three.f).toBe(3)
        },
      ),
      { numRuns: 500 },
    )
  })

  it('every edge of a format 3 document is read when all are needed (the purge)', () => {
    const v = [version(1, '1'), version(2, '2')]
    const lists = {
      follow: [
        ['users/b', 0, 1],
        ['#k1', 1, 0, 5, 'users/c'],
        ['users/d', 1, 0, 7],
      ] as StoredEdge[],
    }
    const x = fromStored(doc(3, v, lists))
    allEdges(x)
    expect([...x.edges.values()].map((s) => [s.slot, s.ver, s.present, s.to, s.tomb])).toEqual([
      ['users/b', v[0], true, 'users/b', undefined],
      ['#k1', v[1], false, 'users/c', 5],
      ['users/d', v[1], false, 'users/d', 7],
    ])
    // a slot that is a prefix of another is not mistaken for it
    const y = fromStored(
      doc(3, v, {
        follow: [
          ['users/bb', 0, 1],
          ['users/b', 1, 1],
        ],
      }),
    )
    expect(edgeOf(y, 'follow', 'users/b')?.ver).toBe(v[1])
    expect(edgeOf(y, 'follow', 'users/bb')?.ver).toBe(v[0])
    expect(edgeOf(y, 'follow', 'users/')).toBeUndefined()
  })
})
