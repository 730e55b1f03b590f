import { CsvRenderer } from './csv.js'
import { GraphRenderer } from './graph-renderer.js'
import { JsonlRenderer, JsonRenderer } from './json.js'
import type { Sink } from './sink.js'
import { TableRenderer } from './table.js'
import { FORMATS, type Format, type Renderer, type RendererOptions } from './types.js'

export { FORMATS, type Format, type Renderer, type RendererOptions } from './types.js'
export { Sink, OutputClosedError } from './sink.js'

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s)
}

/** table for a person at a terminal, JSON Lines for a script. */
export function defaultFormat(stdoutIsTTY: boolean): Format {
  return stdoutIsTTY ? 'table' : 'jsonl'
}

export function createRenderer(format: Format, sink: Sink, options: RendererOptions = {}): Renderer {
  switch (format) {
    case 'table':
      return new TableRenderer(sink, options)
    case 'csv':
      return new CsvRenderer(sink, options)
    case 'json':
      return new JsonRenderer(sink)
    case 'jsonl':
      return new JsonlRenderer(sink)
    case 'dot':
    case 'mermaid':
    case 'svg':
    case 'graphml':
      return new GraphRenderer(sink, format, options.note, options.label)
  }
}
