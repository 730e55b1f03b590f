import type { GraphCollector } from './graph.js'

/**
 * GraphML (graphml.graphdrawing.org) for Gephi, yEd and Cytoscape: one `<node>` per vertex and one
 * `<edge>` per drawn edge, each document's attributes as `<data>` under a `<key>` declared once per
 * attribute name and kind. Scalars keep their GraphML type (string, double, boolean); nested values
 * are written as JSON strings. `label` is the shown label; `_id`, `_key`, `_from`, `_to` are kept.
 */
export function toGraphml(g: GraphCollector): string {
  const keys = new Map<string, { id: string; for: 'node' | 'edge'; name: string; type: string }>()
  const keyFor = (kind: 'node' | 'edge', name: string, value: unknown): string => {
    const type = typeof value === 'number' ? 'double' : typeof value === 'boolean' ? 'boolean' : 'string'
    const k = `${kind}\u0000${name}`
    let key = keys.get(k)
    if (!key) {
      key = { id: `${kind === 'node' ? 'v' : 'e'}${keys.size}`, for: kind, name, type }
      keys.set(k, key)
    } else if (key.type !== type) key.type = 'string'
    return key.id
  }
  const data = (kind: 'node' | 'edge', doc: Record<string, unknown>, label: string | undefined): string[] => {
    const out: string[] = []
    const entries: [string, unknown][] = label === undefined ? [] : [['label', label]]
    for (const [name, value] of Object.entries(doc)) {
      if (value === undefined || value === null || name === 'label') continue
      entries.push([name, value])
    }
    for (const [name, value] of entries) {
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
      out.push(`      <data key="${keyFor(kind, name, value)}">${xml(text)}</data>`)
    }
    return out
  }
  const body: string[] = []
  const ids = new Map<string, string>()
  for (const v of g.vertices.values()) {
    const id = `n${ids.size}`
    ids.set(v.id, id)
    body.push(`    <node id="${id}">`, ...data('node', { _id: v.id, ...v.doc }, v.label), '    </node>')
  }
  let e = 0
  for (const edge of g.edges.values()) {
    const doc = { ...edge.doc, ...(edge.count > 1 ? { count: edge.count } : {}) }
    body.push(
      `    <edge id="e${e++}" source="${ids.get(edge.from)}" target="${ids.get(edge.to)}">`,
      ...data('edge', doc, edge.label),
      '    </edge>',
    )
  }
  // keys go before the graph (GraphML's schema); a key's type is fixed only after all data is seen
  const head = [...keys.values()].map(
    (k) => `  <key id="${k.id}" for="${k.for}" attr.name="${xml(k.name)}" attr.type="${k.type}"/>`,
  )
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ...head,
    '  <graph id="result" edgedefault="directed">',
    ...body,
    '  </graph>',
    '</graphml>',
    '',
  ].join('\n')
}

/** XML text/attribute escaping; characters XML 1.0 forbids (most C0 controls) are dropped. */
function xml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; they are dropped
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  )
}
