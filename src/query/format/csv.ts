import { cellValue, plainText } from './cells.js'
import { ColumnSampler } from './columns.js'
import type { Sink } from './sink.js'
import type { Renderer, RendererOptions } from './types.js'

const EOL = '\r\n'

/**
 * One CSV field as RFC 4180 (section 2) has it: a field holding a comma, a double quote, CR or LF
 * is enclosed in double quotes, and a double quote inside is doubled. Missing and null are empty.
 */
export function csvField(v: unknown): string {
  if (v === undefined || v === null) return ''
  const s = plainText(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** RFC 4180 CSV with a header row; records end in CRLF as section 2 says. */
export class CsvRenderer implements Renderer {
  private readonly sampler: ColumnSampler

  constructor(
    private readonly sink: Sink,
    private readonly options: RendererOptions = {},
  ) {
    this.sampler = new ColumnSampler(options)
  }

  async push(rows: readonly unknown[]): Promise<void> {
    const { first, rows: rest } = this.sampler.take(rows)
    let text = ''
    if (first) text += this.header() + this.records(first)
    if (rest.length) text += this.records(rest)
    await this.sink.write(text)
  }

  async end(): Promise<void> {
    const first = this.sampler.finish()
    if (first && first.length > 0) await this.sink.write(this.header() + this.records(first))
    const note = this.sampler.lateNote()
    if (note) this.options.note?.(note)
  }

  private header(): string {
    const cols = this.sampler.columns ?? []
    return cols.length ? cols.map(csvField).join(',') + EOL : ''
  }

  private records(rows: readonly unknown[]): string {
    const cols = this.sampler.columns ?? []
    let out = ''
    for (const row of rows) out += cols.map((c) => csvField(cellValue(row, c))).join(',') + EOL
    return out
  }
}
