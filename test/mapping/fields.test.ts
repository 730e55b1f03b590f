/** Per-field type conversion and computed keys of mapping files (docs/mapping.md), one schema for import and consume. */
import { describe, expect, it } from 'vitest'

import { DeclarativeMapper, validateMappingSpec } from '../../src/mapping/mapping.js'

const mapper = (raw: unknown) => new DeclarativeMapper('m.json', validateMappingSpec(raw, 'm.json'))

describe('mapping types and computed keys', () => {
  it('converts fields before keys and documents are made, and reads `nulls` as null', () => {
    const m = mapper({
      nulls: ['\\N'],
      types: { code: 'string', n: 'integer', ok: 'boolean', tags: 'json', x: 'number' },
      vertex: { collection: 'c', key: ['a', 'b'] },
    })
    const r = m.map({ a: 'A', b: 7, code: 320, n: '42', ok: '1', tags: '["t"]', x: '\\N' })
    expect(r.rejects).toEqual([])
    expect(r.groups[0].vertices[0].doc).toEqual({
      _key: 'A_7',
      a: 'A',
      b: 7,
      code: '320',
      n: 42,
      ok: true,
      tags: ['t'],
      x: null,
    })
  })

  it('dead-letters a record whose field does not convert, naming the field', () => {
    const r = mapper({ types: { n: 'integer' }, vertex: { collection: 'c', key: 'k' } }).map({
      k: 'a',
      n: '4.5',
    })
    expect(r.rejects[0].reason).toBe('invalid record: "n": "4.5" is not an integer')
  })

  it('refuses a computed key with a missing part, naming it', () => {
    const r = mapper({ keySeparator: ':', vertex: { collection: 'c', key: ['a', 'b'] } }).map({ a: 'x' })
    expect(r.rejects[0].reason).toBe('invalid record: no "b" (the document key)')
  })

  it('makes edges from a foreign source with a computed key and copied attributes', () => {
    const m = mapper({
      vertex: { collection: 'airlines', key: 'al', include: ['al'] },
      edges: [
        {
          collection: 'routes',
          from: 'airports',
          fromField: 'src',
          field: 'dst',
          to: 'airports',
          key: ['al', 'src', 'dst'],
          attributes: ['stops'],
        },
      ],
    })
    const g = m.map({ al: 'AA', src: 'JFK', dst: 'LAX', stops: 0 }).groups[0]
    expect(g.vertices).toEqual([{ collection: 'airlines', doc: { _key: 'AA', al: 'AA' } }])
    expect(g.edges).toEqual([
      {
        collection: 'routes',
        doc: { _key: 'AA_JFK_LAX', _from: 'airports/JFK', _to: 'airports/LAX', stops: 0 },
      },
    ])
    expect(g.ensure.map((e) => e.doc._key).sort()).toEqual(['JFK', 'LAX'])
    expect(m.vertexCollections).toEqual(['airlines', 'airports'])
  })

  it.each([
    [
      { vertex: { collection: 'c', key: 'k' }, types: { n: 'interger' } },
      /"types\.n": unknown type "interger"; did you mean integer\?/,
    ],
    [
      { vertex: { collection: 'c', key: 'k' }, edges: [{ field: 'f', collection: 'e', fromFeild: 's' }] },
      /"edges\[0\]\.fromFeild"; did you mean fromField\?/,
    ],
    [
      { vertex: { collection: 'c', key: 'k' }, edges: [{ field: 'f', collection: 'e', from: 'other' }] },
      /"edges\[0\]\.from" is not the vertex collection: give "edges\[0\]\.fromField"/,
    ],
    [
      { vertex: { collection: 'c', key: [] } },
      /"vertex\.key" must be an attribute name or a non-empty array of them/,
    ],
    [{ vertex: { collection: 'c', key: 'k', inclde: ['a'] } }, /"vertex\.inclde"; did you mean include\?/],
    [
      { vertex: { collection: 'c', key: 'k' }, keySeperator: '-' },
      /"keySeperator"; did you mean keySeparator\?/,
    ],
  ])('refuses %j with the nearest valid key', (raw, message) => {
    expect(() => validateMappingSpec(raw, 'm.json')).toThrow(message)
  })
})
