import { Writable } from 'node:stream'

import { createRenderer, Sink, type Format, type RendererOptions } from '../../../src/query/format/index.js'

/** A writable that keeps what it was given, for reading the rendered text back. */
export class Capture extends Writable {
  text = ''
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString()
    cb()
  }
}

/** Renders `batches` with `format` and returns the text written. */
export async function render(
  format: Format,
  batches: unknown[][],
  options: RendererOptions = {},
): Promise<{ text: string; notes: string[] }> {
  const out = new Capture()
  const notes: string[] = []
  const r = createRenderer(format, new Sink(out), { note: (m) => notes.push(m), ...options })
  for (const b of batches) await r.push(b)
  await r.end()
  return { text: out.text, notes }
}
