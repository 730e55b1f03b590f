import { describe, expect, it } from 'vitest'

import {
  describeNode,
  expr,
  formatExplain,
  formatProfile,
  formatStats,
  indexesUsed,
} from '../../src/query/report.js'

/** An explain plan shaped as ArangoDB 3.12 answers POST /_api/explain for an indexed lookup. */
const plan = {
  plan: {
    nodes: [
      { type: 'SingletonNode', id: 1, dependencies: [], estimatedCost: 1, estimatedNrItems: 1 },
      {
        type: 'IndexNode',
        id: 6,
        dependencies: [1],
        estimatedNrItems: 1,
        collection: 'airports',
        outVariable: { id: 0, name: 'a' },
        indexes: [
          {
            id: '0',
            type: 'primary',
            name: 'primary',
            fields: ['_key'],
            unique: true,
            sparse: false,
            selectivityEstimate: 1,
          },
        ],
      },
      {
        type: 'CalculationNode',
        id: 3,
        estimatedNrItems: 1,
        outVariable: { id: 2, name: '#2' },
        expression: {
          type: 'compare ==',
          subNodes: [
            { type: 'attribute access', name: 'city', subNodes: [{ type: 'reference', name: 'a', id: 0 }] },
            { type: 'parameter', name: 'city' },
          ],
        },
      },
      { type: 'FilterNode', id: 4, estimatedNrItems: 1, inVariable: { id: 2, name: '#2' } },
      { type: 'ReturnNode', id: 5, estimatedNrItems: 1, inVariable: { id: 0, name: 'a' } },
    ],
    rules: ['use-indexes', 'remove-filter-covered-by-index'],
    collections: [{ name: 'airports', type: 'read' }],
    estimatedCost: 3.5,
    estimatedNrItems: 1,
  },
  warnings: [],
  cacheable: true,
}

describe('explain output', () => {
  it('lists each plan node with its type, estimate and an AQL-like comment', () => {
    const text = formatExplain(plan)
    expect(text).toMatch(/^Execution plan:\n Id\s+NodeType\s+Est\.\s+Comment/)
    expect(text).toMatch(/6\s+IndexNode\s+1\s+FOR a IN airports\s+\/\* primary index scan \*\//)
    expect(text).toMatch(/3\s+CalculationNode\s+1\s+LET #2 = \(a\.city == @city\)/)
  })

  it('names the indexes used with the node using them, and the optimizer rules', () => {
    const text = formatExplain(plan)
    expect(text).toMatch(
      /Indexes used:\n By\s+Name\s+Type\s+Collection\s+Unique\s+Sparse\s+Selectivity\s+Fields\n\s+6\s+primary\s+primary\s+airports\s+true\s+false\s+100\.00 %\s+\[ `_key` \]/,
    )
    expect(text).toMatch(
      /Optimization rules applied:\n\s+1\s+use-indexes\n\s+2\s+remove-filter-covered-by-index/,
    )
  })

  it('finds traversal indexes nested under base/levels', () => {
    const found = indexesUsed([
      {
        id: 2,
        type: 'TraversalNode',
        indexes: { base: [{ type: 'edge', fields: ['_from'], name: 'edge' }], levels: {} },
      },
    ])
    expect(found).toEqual([
      { by: 2, index: { type: 'edge', fields: ['_from'], name: 'edge' }, collection: undefined },
    ])
    expect(formatExplain({ plan: { nodes: [] } })).toContain('Indexes used:\n none')
  })

  it('describes traversal nodes in either shape (graph name, or edge collections and a direction)', () => {
    expect(
      describeNode({
        type: 'TraversalNode',
        vertexOutVariable: { name: 'v' },
        edgeOutVariable: { name: 'e' },
        options: { minDepth: 1, maxDepth: 2 },
        directions: [2],
        vertexId: 'airports/LAX',
        graph: ['flights'],
      }),
    ).toBe("FOR v, e IN 1..2 OUTBOUND 'airports/LAX' flights")
    expect(describeNode({ type: 'TraversalNode', direction: 'any', edgeCollections: ['flights'] })).toBe(
      'FOR IN ANY flights',
    )
    expect(describeNode({ type: 'SomethingNewNode' })).toBe('')
  })

  it('prints common expressions back as AQL', () => {
    expect(
      expr({
        type: 'function call',
        name: 'LENGTH',
        subNodes: [{ type: 'array', subNodes: [{ type: 'value', value: 'x' }] }],
      }),
    ).toBe('LENGTH("x")')
    expect(
      expr({
        type: 'object',
        subNodes: [{ type: 'object element', name: 'n', subNodes: [{ type: 'value', value: 1 }] }],
      }),
    ).toBe('{ n: 1 }')
    expect(expr({ type: 'something new' })).toBe('…')
  })
})

describe('stats line', () => {
  const run = {
    rows: 3,
    truncated: false,
    stopped: false,
    elapsedMs: 12,
    extra: {
      stats: { writesExecuted: 2, writesIgnored: 1, scannedFull: 5, scannedIndex: 7, executionTime: 0.00042 },
    },
  }

  it('reports rows, writes executed/ignored, scanned full/index and execution time', () => {
    expect(formatStats(run)).toBe(
      '3 rows · writes: 2 executed, 1 ignored · scanned: 5 full, 7 index · 0.42 ms execution',
    )
  })

  it('says when --max-rows cut the result, and uses wall time when the server gave none', () => {
    expect(formatStats({ ...run, rows: 1, truncated: true, extra: {} }, 1)).toBe(
      '1 row (stopped at --max-rows 1) · writes: 0 executed, 0 ignored · scanned: 0 full, 0 index · 12.0 ms elapsed',
    )
  })
})

describe('profile output', () => {
  it('prints phase times and per-node calls, items and runtime with node types from the plan', () => {
    const text = formatProfile({
      profile: { parsing: 0.0001, executing: 0.002 },
      stats: { nodes: [{ id: 1, calls: 1, items: 1, runtime: 0.00001 }] },
      plan: { nodes: [{ id: 1, type: 'SingletonNode' }] },
    })
    expect(text).toMatch(/Phase\s+Duration\n\s+parsing\s+0\.10 ms\n\s+executing\s+2\.00 ms/)
    expect(text).toMatch(/1\s+SingletonNode\s+1\s+1\s+0\.01 ms\s+ROOT/)
  })
})
