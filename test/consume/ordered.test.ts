/**
 * The resolver's write set: every bookkeeping document a window's decisions read is written, so
 * that on ArangoDB two windows written at once from one snapshot either conflict or decided on
 * documents the other left alone (concurrent-windows.int.test.ts races them against the live engine).
 */
import { describe, expect, it } from 'vitest'

import { WindowResolver, type VersionedGroup } from '../../src/consume/ordered.js'
import { version, type VersionDoc } from '../../src/consume/versions.js'
import type { RecordGroup } from '../../src/mapping/mapping.js'

const follow = (from: string, to: string, eventTime: number, id: string): VersionedGroup => {
  const group: RecordGroup = {
    vertices: [],
    ensure: [],
    edges: [{ collection: 'follow', doc: { _from: `users/${from}`, _to: `users/${to}` } }],
  }
  const message = { id, data: Buffer.alloc(0), publishTime: eventTime, attributes: {}, seq: 0 }
  return { group, eventTime, ver: version(eventTime, id, 0), source: { message, recordIndex: 0 } }
}

function resolve(events: VersionedGroup[], stored: VersionDoc[], now: number) {
  const r = new WindowResolver(events)
  const keys = r.wanted()
  r.load(stored.filter((d) => keys.includes(d._key)))
  return r.writes(now)
}

describe('a follow or unfollow applied by a window', () => {
  it("writes its _to vertex's bookkeeping, unchanged, where a placeholder newer than the follow made no change", () => {
    // bob: created by a newer follow's placeholder; ann's older follow changes nothing of bob
    const bob: VersionDoc = {
      _key: 'users:bob',
      f: 3,
      c: 'users',
      k: 'bob',
      v: [version(7, '1', 0)],
      w: { username: [0, 'bob'] },
    }
    const w = resolve([follow('ann', 'bob', 5, '2')], [bob], 1000)
    expect(w.versions.map((d) => d._key).sort()).toEqual(['users:ann', 'users:bob'])
    const written = w.versions.find((d) => d._key === 'users:bob')!
    expect(written.w).toEqual(bob.w)
    expect(written.v[written.w!.username[0]]).toBe(version(7, '1', 0))
  })

  it('writes a guard document (nothing but a tombstone time) for a _to vertex with no bookkeeping, which the purge removes', () => {
    // a mapping without createMissing: the edge alone names bob
    const w = resolve([follow('ann', 'bob', 5, '2')], [], 1000)
    const guard = w.versions.find((d) => d._key === 'users:bob')
    expect(guard).toEqual({ _key: 'users:bob', f: 3, c: 'users', k: 'bob', v: [], tomb: 1000 })
    // the next follow of bob writes it again (not a remove), with its first tombstone time
    const next = resolve([follow('cy', 'bob', 6, '3')], [guard!], 2000)
    expect(next.versions.find((d) => d._key === 'users:bob')).toEqual(guard)
    expect(next.versionRemoves).toEqual([])
    // (the purge is given the documents whose tombstone is older than the TTL allows)
    expect(WindowResolver.purge([guard!], 1001)).toEqual({ versions: [], removes: ['users:bob'] })
  })

  it('writes nothing for a follow older than the one stored (superseded: it decided nothing)', () => {
    const first = resolve([follow('ann', 'bob', 7, '1')], [], 1000).versions
    const again = resolve([follow('ann', 'bob', 5, '2')], first, 2000)
    expect(again.versions).toEqual([])
    expect(again.superseded).toBe(1)
  })
})
