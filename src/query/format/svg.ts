import type { GraphCollector } from './graph.js'
import { toDot } from './graph.js'

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>

let viz: Promise<Viz> | undefined

/**
 * Graphviz compiled to WebAssembly (@viz-js/viz): the real `dot` layout with no system install.
 * Loaded on first use only (1.2 MB of wasm that no other format needs), then kept for the process.
 */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance())
  return viz
}

/** An SVG picture of the collected graph, laid out by Graphviz `dot` from the same DOT as `--format dot`. */
export async function toSvg(g: GraphCollector): Promise<string> {
  return renderDotToSvg(toDot(g))
}

export async function renderDotToSvg(dot: string): Promise<string> {
  const v = await graphviz()
  // fonts: Graphviz has no font files in wasm; name a family every SVG viewer can map
  return v.renderString(dot, {
    format: 'svg',
    graphAttributes: { fontname: 'sans-serif' },
    nodeAttributes: { fontname: 'sans-serif' },
    edgeAttributes: { fontname: 'sans-serif' },
  })
}
