import { isObject } from '../../objects.js'
import { cellValue, displayText, fitWidths, textWidth, truncate, VALUE_COLUMN } from './cells.js'
import { ColumnSampler } from './columns.js'
import type { Sink } from './sink.js'
import type { Renderer, RendererOptions } from './types.js'

const GAP = '  '

/**
 * A plain-text table for people: columns from the union of the top-level attributes of the first
 * chunk of rows, nested values as compact JSON, cells cut to fit the terminal width. Later rows
 * stream through with the same layout, so a long result starts printing at once.
 */
export class TableRenderer implements Renderer {
  private readonly sampler: ColumnSampler
  private widths: number[] = []
  private numeric: boolean[] = []
  private any = false
  private record = 0

  constructor(
    private readonly sink: Sink,
    private readonly options: RendererOptions = {},
  ) {
    this.sampler = new ColumnSampler(options)
  }

  async push(rows: readonly unknown[]): Promise<void> {
    if (this.options.expanded) return this.sink.write(this.expanded(rows))
    const { first, rows: rest } = this.sampler.take(rows)
    let text = ''
    if (first) text += this.layout(first)
    if (rest.length) text += this.lines(rest)
    await this.sink.write(text)
  }

  async end(): Promise<void> {
    if (this.options.expanded) {
      if (!this.any) await this.sink.write('(no rows)\n')
      return
    }
    const first = this.sampler.finish()
    if (first) await this.sink.write(this.layout(first))
    if (!this.any) await this.sink.write('(no rows)\n')
    const note = this.sampler.lateNote()
    if (note) this.options.note?.(note)
  }

  /** Expanded rows (psql's \\x): a header per row, then one `attribute | value` line each. */
  private expanded(rows: readonly unknown[]): string {
    let out = ''
    for (const row of rows) {
      this.any = true
      const entries: [string, unknown][] = isObject(row) ? Object.entries(row) : [[VALUE_COLUMN, row]]
      const nameWidth = Math.max(1, ...entries.map(([k]) => textWidth(k)))
      const valueWidth =
        this.options.width === undefined ? undefined : Math.max(10, this.options.width - nameWidth - 3)
      const title = `-[ RECORD ${++this.record} ]`
      out += `${title}${'-'.repeat(Math.max(0, Math.min(this.options.width ?? 40, 40) - title.length))}\n`
      for (const [k, v] of entries) {
        const text = displayText(v)
        out += `${k.padEnd(nameWidth)} | ${valueWidth === undefined ? text : truncate(text, valueWidth)}\n`
      }
    }
    return out
  }

  private layout(first: unknown[]): string {
    const cols = this.sampler.columns ?? []
    if (first.length === 0 || cols.length === 0) return ''
    const natural = cols.map((c) => textWidth(c))
    this.numeric = cols.map(() => first.length > 0)
    for (const row of first) {
      cols.forEach((c, i) => {
        const v = cellValue(row, c)
        natural[i] = Math.max(natural[i], textWidth(displayText(v)))
        if (v !== undefined && v !== null && typeof v !== 'number') this.numeric[i] = false
      })
    }
    this.widths =
      this.options.width === undefined ? natural : fitWidths(natural, this.options.width, GAP.length)
    const header = this.line(cols.map((c, i) => this.pad(truncate(c, this.widths[i]), i, false)))
    const rule = this.line(this.widths.map((w) => '-'.repeat(w)))
    return `${header}\n${rule}\n${this.lines(first)}`
  }

  private lines(rows: readonly unknown[]): string {
    const cols = this.sampler.columns ?? []
    if (rows.length > 0) this.any = true
    if (cols.length === 0) return ''
    let out = ''
    for (const row of rows) {
      out +=
        this.line(
          cols.map((c, i) =>
            this.pad(truncate(displayText(cellValue(row, c)), this.widths[i]), i, this.numeric[i]),
          ),
        ) + '\n'
    }
    return out
  }

  private pad(text: string, i: number, right: boolean): string {
    const fill = ' '.repeat(Math.max(0, this.widths[i] - textWidth(text)))
    return right ? fill + text : text + fill
  }

  private line(cells: string[]): string {
    return cells.join(GAP).trimEnd()
  }
}
