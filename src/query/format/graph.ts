import { isObject } from '../../objects.js'

/** Attributes tried, in order, for a vertex's label before falling back to its `_key` (`--label` overrides). */
export const VERTEX_LABELS = ['name', 'label', 'title', 'username', 'displayName', 'display_name', 'fullName']
/** Attributes tried for an edge's label; edges without one are drawn unlabelled. */
const EDGE_LABELS = ['label', 'name', 'type', 'relation']

export interface GraphVertex {
  id: string
  label: string
  /** False while the vertex is known only as an edge's end. */
  seen: boolean
  /** The document's attributes (for GraphML data keys); empty while known only as an edge's end. */
  doc: Record<string, unknown>
}

export interface GraphEdge {
  from: string
  to: string
  label?: string
  /** Edges with the same ends and label are drawn as one arrow marked ×count. */
  count: number
  /** The (first) edge document's attributes, for GraphML. */
  doc: Record<string, unknown>
}

function pickLabel(doc: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = doc[n]
    if (typeof v === 'string' && v !== '') return v
    if (typeof v === 'number') return String(v)
  }
  return undefined
}

const keyOf = (id: string): string => id.slice(id.indexOf('/') + 1)

/** An edge's drawn label: its own label, and ×N when N parallel edges share the arrow. */
const edgeText = (e: GraphEdge): string | undefined =>
  e.count > 1 ? `${e.label ?? ''} ×${e.count}`.trim() : e.label

/**
 * Finds the graph in query results: documents with `_id` are vertices, documents with `_from` and
 * `_to` are edges, and anything else (traversal paths `{vertices, edges}`, arrays, objects such as
 * `{airport, flight}`) is searched for them. Vertices and edges are kept once each (by `_id`), and
 * parallel edges with the same label are drawn as one arrow with a count.
 */
export class GraphCollector {
  readonly vertices = new Map<string, GraphVertex>()
  /** Drawn edges, keyed by ends and label. */
  readonly edges = new Map<string, GraphEdge>()
  /** Identities (`_id`, else ends and label) of the edges seen, so each counts once. */
  private readonly seenEdges = new Set<string>()
  private readonly vertexLabels: readonly string[]

  /** `label`: the attribute shown on vertices (`--label`), tried before the usual ones. */
  constructor(label?: string) {
    this.vertexLabels = label ? [label, ...VERTEX_LABELS] : VERTEX_LABELS
  }

  add(value: unknown, depth = 0): void {
    if (depth > 64) return
    if (Array.isArray(value)) {
      for (const v of value) this.add(v, depth + 1)
      return
    }
    if (!isObject(value)) return
    const { _id, _from, _to } = value
    if (typeof _from === 'string' && typeof _to === 'string') {
      this.addEdge(value, _from, _to)
      return
    }
    if (typeof _id === 'string') {
      this.addVertex(
        _id,
        pickLabel(value, this.vertexLabels) ?? (value._key as string | undefined) ?? keyOf(_id),
        value,
      )
      return
    }
    for (const v of Object.values(value)) this.add(v, depth + 1)
  }

  private addVertex(id: string, label: string, doc: Record<string, unknown>): void {
    const known = this.vertices.get(id)
    if (known?.seen) return
    if (known) {
      known.label = label
      known.seen = true
      known.doc = doc
    } else this.vertices.set(id, { id, label, seen: true, doc })
  }

  private addEdge(doc: Record<string, unknown>, from: string, to: string): void {
    const label = pickLabel(doc, EDGE_LABELS)
    const arrow = `${from}\u0000${to}\u0000${label ?? ''}`
    const identity = typeof doc._id === 'string' ? doc._id : arrow
    if (this.seenEdges.has(identity)) return
    this.seenEdges.add(identity)
    for (const end of [from, to]) {
      if (!this.vertices.has(end))
        this.vertices.set(end, { id: end, label: keyOf(end), seen: false, doc: {} })
    }
    const drawn = this.edges.get(arrow)
    if (drawn) drawn.count++
    else this.edges.set(arrow, { from, to, label, count: 1, doc })
  }
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`
}

/** Graphviz DOT text for a collected graph. */
export function toDot(g: GraphCollector): string {
  const lines = ['digraph result {', '  rankdir=LR;', '  node [shape=box, style=rounded];']
  for (const v of g.vertices.values()) lines.push(`  ${dotString(v.id)} [label=${dotString(v.label)}];`)
  for (const e of g.edges.values()) {
    const text = edgeText(e)
    const attrs = text === undefined ? '' : ` [label=${dotString(text)}]`
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs};`)
  }
  lines.push('}')
  return lines.join('\n') + '\n'
}

/** Mermaid escapes inside a quoted label are HTML entity codes written as `#name;`. */
function mermaidText(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/\r?\n/g, ' ')
}

/** A Mermaid flowchart for a collected graph (node ids are n1, n2, … since `_id`s hold `/`). */
export function toMermaid(g: GraphCollector): string {
  const ids = new Map<string, string>()
  const lines = ['flowchart LR']
  for (const v of g.vertices.values()) {
    const id = `n${ids.size + 1}`
    ids.set(v.id, id)
    lines.push(`  ${id}["${mermaidText(v.label)}"]`)
  }
  for (const e of g.edges.values()) {
    const text = edgeText(e)
    const arrow = text === undefined ? '-->' : `-->|"${mermaidText(text)}"|`
    lines.push(`  ${ids.get(e.from)} ${arrow} ${ids.get(e.to)}`)
  }
  return lines.join('\n') + '\n'
}
