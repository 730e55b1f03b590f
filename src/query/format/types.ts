import type { Sink } from './sink.js'

export const FORMATS = ['table', 'json', 'jsonl', 'csv', 'dot', 'mermaid', 'svg', 'graphml'] as const
export type Format = (typeof FORMATS)[number]

/** Renders a stream of result rows, batch by batch, to a {@link Sink}. */
export interface Renderer {
  /** Render one batch of rows (a renderer may hold back a bounded first chunk). */
  push(rows: readonly unknown[]): Promise<void>
  /** Flush what is held back and close the document (`]`, `}`, …). */
  end(): Promise<void>
  /** True when it keeps (a digest of) every row until `end` instead of writing rows as they come. */
  readonly holdsResult?: boolean
}

export interface RendererOptions {
  /** Terminal width for the table; undefined means no limit (not a terminal). */
  width?: number
  /** Rows held back to choose table/CSV columns and widths (default 100). */
  sampleRows?: number
  /** Diagnostics meant for stderr (e.g. attributes that appeared after the columns were chosen). */
  note?: (message: string) => void
  /** The vertex attribute graph pictures show (`--label`); default name, label, title, then _key. */
  label?: string
  /** Rows per record in the table: one attribute per line (`.x` in the shell). */
  expanded?: boolean
}

export type RendererFactory = (sink: Sink, options: RendererOptions) => Renderer
