import { describe, expect, it } from 'vitest'

import { GraphCollector } from '../../../src/query/format/graph.js'
import { render } from './helpers.js'

const lax = { _id: 'airports/LAX', _key: 'LAX', name: 'Los Angeles International', city: 'Los Angeles' }
const jfk = { _id: 'airports/JFK', _key: 'JFK', name: 'John F Kennedy Intl' }
const bis = { _id: 'airports/BIS', _key: 'BIS', name: 'Bismarck Municipal' }
const f1 = { _id: 'flights/1', _key: '1', _from: 'airports/LAX', _to: 'airports/JFK', Month: 1 }
const f2 = { _id: 'flights/2', _key: '2', _from: 'airports/JFK', _to: 'airports/BIS', Month: 1 }

/** What `FOR v, e, p IN 1..2 OUTBOUND 'airports/LAX' flights RETURN p` returns. */
const paths = [
  { vertices: [lax, jfk], edges: [f1] },
  { vertices: [lax, jfk, bis], edges: [f1, f2] },
]

describe('graph extraction', () => {
  it('finds vertices and edges in traversal paths and keeps each once', () => {
    const g = new GraphCollector()
    for (const p of paths) g.add(p)
    expect([...g.vertices.keys()]).toEqual(['airports/LAX', 'airports/JFK', 'airports/BIS'])
    expect([...g.edges.values()]).toMatchObject([
      { from: 'airports/LAX', to: 'airports/JFK', label: undefined, count: 1 },
      { from: 'airports/JFK', to: 'airports/BIS', label: undefined, count: 1 },
    ])
    expect(g.vertices.get('airports/LAX')!.label).toBe('Los Angeles International')
  })

  it('finds documents nested in returned objects and adds edge ends never returned as documents', () => {
    const g = new GraphCollector()
    g.add({ airport: jfk, flight: f1 })
    expect(g.vertices.get('airports/LAX')).toEqual({ id: 'airports/LAX', label: 'LAX', seen: false, doc: {} })
    g.add(lax)
    expect(g.vertices.get('airports/LAX')!.label).toBe('Los Angeles International')
  })

  it('labels vertices without a name-ish attribute by _key and ignores scalars', () => {
    const g = new GraphCollector()
    g.add([{ _id: 'c/k1', _key: 'k1', x: 1 }, 42, 'text', null])
    expect([...g.vertices.values()]).toEqual([
      { id: 'c/k1', label: 'k1', seen: true, doc: { _id: 'c/k1', _key: 'k1', x: 1 } },
    ])
  })
})

describe('dot format', () => {
  it('draws traversal paths as a Graphviz digraph', async () => {
    const { text } = await render('dot', [paths])
    expect(text).toBe(
      [
        'digraph result {',
        '  rankdir=LR;',
        '  node [shape=box, style=rounded];',
        '  "airports/LAX" [label="Los Angeles International"];',
        '  "airports/JFK" [label="John F Kennedy Intl"];',
        '  "airports/BIS" [label="Bismarck Municipal"];',
        '  "airports/LAX" -> "airports/JFK";',
        '  "airports/JFK" -> "airports/BIS";',
        '}',
        '',
      ].join('\n'),
    )
  })

  it('draws parallel edges (distinct _id, same ends) as one arrow with a count', async () => {
    const f3 = { ...f1, _id: 'flights/3', _key: '3' }
    const { text } = await render('dot', [[f1, f3, f1]])
    expect(text).toContain('"airports/LAX" -> "airports/JFK" [label="×2"];')
    expect(text.match(/->/g)).toHaveLength(1)
  })

  it('escapes quotes and backslashes in labels', async () => {
    const { text } = await render('dot', [[{ _id: 'a/1', name: 'say "hi" \\ bye' }]])
    expect(text).toContain('"a/1" [label="say \\"hi\\" \\\\ bye"];')
  })

  it('notes when the result has nothing to draw', async () => {
    const { text, notes } = await render('dot', [[1, 2]])
    expect(text).toBe('digraph result {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n}\n')
    expect(notes[0]).toMatch(/no vertices or edges/)
  })
})

describe('mermaid format', () => {
  it('draws traversal paths as a flowchart with safe node ids', async () => {
    const { text } = await render('mermaid', [paths.slice(0, 1), paths.slice(1)])
    expect(text).toBe(
      [
        'flowchart LR',
        '  n1["Los Angeles International"]',
        '  n2["John F Kennedy Intl"]',
        '  n3["Bismarck Municipal"]',
        '  n1 --> n2',
        '  n2 --> n3',
        '',
      ].join('\n'),
    )
  })

  it('labels edges that carry a label and escapes quotes as entity codes', async () => {
    const { text } = await render('mermaid', [
      [
        { _id: 'u/a', name: 'A "1"' },
        { _id: 'f/1', _from: 'u/a', _to: 'u/b', label: 'follows' },
      ],
    ])
    expect(text).toContain('n1["A #quot;1#quot;"]')
    expect(text).toContain('n1 -->|"follows"| n2')
  })
})
