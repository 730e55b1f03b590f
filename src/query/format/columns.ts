import { DEFAULTS } from '../../config/defaults.js'
import { columnsOf, extraAttributes } from './cells.js'
import type { RendererOptions } from './types.js'

export const DEFAULT_SAMPLE_ROWS = DEFAULTS.query.sampleRows

/**
 * Holds back the first `sampleRows` rows of a stream to fix the columns (the union of their
 * top-level attributes), then lets rows through; remembers attributes that show up later so the
 * renderer can say which ones it left out.
 */
export class ColumnSampler {
  private held: unknown[] = []
  private cols: string[] | undefined
  private known = new Set<string>()
  private late = new Set<string>()
  private readonly sampleRows: number

  constructor(options: RendererOptions) {
    this.sampleRows = Math.max(1, options.sampleRows ?? DEFAULT_SAMPLE_ROWS)
  }

  get columns(): string[] | undefined {
    return this.cols
  }

  /**
   * Feed rows. Returns `{ first, rows }`: `first` is set once, when the columns were just fixed
   * (rows to print right after the header), `rows` are rows to print with known columns.
   */
  take(rows: readonly unknown[]): { first?: unknown[]; rows: readonly unknown[] } {
    if (this.cols) {
      this.track(rows)
      return { rows }
    }
    const room = this.sampleRows - this.held.length
    this.held.push(...rows.slice(0, room))
    if (this.held.length < this.sampleRows) return { rows: [] }
    const first = this.fix()
    const rest = rows.slice(room)
    this.track(rest)
    return { first, rows: rest }
  }

  /** End of stream: fixes the columns from what was held if that has not happened yet. */
  finish(): unknown[] | undefined {
    return this.cols ? undefined : this.fix()
  }

  /** Attributes that appeared only after the columns were fixed. */
  get lateAttributes(): string[] {
    return [...this.late]
  }

  lateNote(): string | undefined {
    if (this.late.size === 0) return undefined
    const names = [...this.late].slice(0, 10).join(', ') + (this.late.size > 10 ? ', …' : '')
    return `note: columns come from the first ${this.sampleRows} rows; later rows also had: ${names}`
  }

  private fix(): unknown[] {
    const first = this.held
    this.held = []
    this.cols = columnsOf(first)
    this.known = new Set(this.cols)
    return first
  }

  private track(rows: readonly unknown[]): void {
    for (const row of rows) for (const k of extraAttributes(row, this.known)) this.late.add(k)
  }
}
