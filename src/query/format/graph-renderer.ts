import { GraphCollector, toDot, toMermaid } from './graph.js'
import { toGraphml } from './graphml.js'
import type { Sink } from './sink.js'
import { toSvg } from './svg.js'
import type { Renderer } from './types.js'

export type GraphFormat = 'dot' | 'mermaid' | 'svg' | 'graphml'

/** Draws the results as a graph once they are all in (the graph is held, deduplicated). */
export class GraphRenderer implements Renderer {
  readonly graph: GraphCollector
  readonly holdsResult = true

  constructor(
    private readonly sink: Sink,
    private readonly kind: GraphFormat,
    private readonly note?: (message: string) => void,
    label?: string,
  ) {
    this.graph = new GraphCollector(label)
  }

  async push(rows: readonly unknown[]): Promise<void> {
    for (const row of rows) this.graph.add(row)
  }

  async end(): Promise<void> {
    if (this.graph.vertices.size === 0) {
      this.note?.(
        'note: the result holds no vertices or edges (documents with _id, edges with _from/_to) to draw',
      )
    }
    const g = this.graph
    const text =
      this.kind === 'dot'
        ? toDot(g)
        : this.kind === 'mermaid'
          ? toMermaid(g)
          : this.kind === 'graphml'
            ? toGraphml(g)
            : await toSvg(g)
    await this.sink.write(text)
  }
}
