/**
 * The mapping's new parts: unfollow and deleted in the twitter mapping, removeField/deleteWhen
 * and eventTime in mapping files, event-time parsing, and one strict schema at every level with
 * the nearest valid key suggested.
 */
import { describe, expect, it } from 'vitest'

import {
  DeclarativeMapper,
  parseEventTime,
  twitterMapper,
  validateMappingSpec,
} from '../../src/mapping/mapping.js'

describe('twitter mapping: unfollow and deleted', () => {
  it('turns unfollow (a name or an array) into edge removals and keeps it out of the document', () => {
    const r = twitterMapper().map({ data: [{ username: 'ann', unfollow: ['bob', 'cy'], age: 3 }] })
    const g = r.groups[0]
    expect(g.vertices[0].doc).toEqual({ _key: 'ann', username: 'ann', age: 3 })
    expect(g.unlinks).toEqual([
      { collection: 'follow', doc: { _from: 'users/ann', _to: 'users/bob' } },
      { collection: 'follow', doc: { _from: 'users/ann', _to: 'users/cy' } },
    ])
  })

  it('turns "deleted": true into a vertex delete and nothing else', () => {
    const g = twitterMapper().map({ data: [{ username: 'ann', deleted: true, follow: 'bob' }] }).groups[0]
    expect(g.deletes).toEqual([{ collection: 'users', doc: { _key: 'ann' } }])
    expect(g.vertices).toEqual([])
    expect(g.edges).toEqual([])
  })

  it('does not delete on "deleted": false', () => {
    const g = twitterMapper().map({ data: [{ username: 'ann', deleted: false }] }).groups[0]
    expect(g.deletes).toEqual([])
    expect(g.vertices[0].doc).toEqual({ _key: 'ann', username: 'ann' })
  })
})

describe('mapping files: deleteWhen, removeField, eventTime', () => {
  const spec = validateMappingSpec(
    {
      records: '.',
      eventTime: 'updated_at',
      vertex: { collection: 'orders', key: 'id', deleteWhen: { field: 'status', value: 'cancelled' } },
      edges: [{ field: 'items', collection: 'contains', to: 'products', removeField: 'dropped' }],
    },
    'm.json',
  )
  const m = new DeclarativeMapper('m.json', spec)

  it('takes the event time from the record field and leaves it out of the document', () => {
    const g = m.map({ id: 7, updated_at: '2026-01-02T03:04:05Z', items: ['p1'], dropped: 'p2' }).groups[0]
    expect(g.eventTime).toBe(Date.parse('2026-01-02T03:04:05Z'))
    expect(g.vertices[0].doc).toEqual({ _key: '7', id: 7 })
    expect(g.unlinks).toEqual([{ collection: 'contains', doc: { _from: 'orders/7', _to: 'products/p2' } }])
  })

  it('deletes on the configured value', () => {
    expect(m.map({ id: 7, status: 'cancelled' }).groups[0].deletes).toHaveLength(1)
    expect(m.map({ id: 7, status: 'open' }).groups[0].deletes).toHaveLength(0)
  })

  it('dead-letters a record whose event-time field does not parse', () => {
    const r = m.map({ id: 7, updated_at: 'yesterday' })
    expect(r.rejects[0].reason).toMatch(/"updated_at" is not an event time/)
  })
})

describe('parseEventTime', () => {
  it('reads epoch ms (number or digits) and RFC 3339; refuses anything else', () => {
    expect(parseEventTime(1700000000000)).toBe(1700000000000)
    expect(parseEventTime('1700000000000')).toBe(1700000000000)
    expect(parseEventTime('2026-12-02T10:00:00.250+01:00')).toBe(Date.parse('2026-12-02T09:00:00.250Z'))
    for (const bad of ['', 'soon', '2026-12-02', '12/02/2026', -5, NaN, null])
      expect(parseEventTime(bad)).toBeUndefined()
  })
})

describe('one strict schema at every level', () => {
  const base = { vertex: { collection: 'u', key: 'k' } }
  it.each([
    [
      { ...base, edges: [{ field: 'f', collection: 'e', createMisssing: true }] },
      /"edges\[0\]\.createMisssing"; did you mean createMissing\?/,
    ],
    [{ vertex: { collection: 'u', key: 'k', exlude: ['x'] } }, /"vertex\.exlude"; did you mean exclude\?/],
    [{ ...base, grpah: 'g' }, /unknown field "grpah"; did you mean graph\?/],
    [
      { vertex: { collection: 'u', key: 'k', deleteWhen: { feild: 'x' } } },
      /"vertex\.deleteWhen\.feild"; did you mean field\?/,
    ],
    [{ ...base, zzzzzz: 1 }, /unknown field "zzzzzz"$/],
  ])('refuses %j', (raw, message) => {
    expect(() => validateMappingSpec(raw, 'm.json')).toThrow(message)
  })
})
