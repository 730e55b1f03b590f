/** Column and cell helpers shared by the table and CSV renderers. */
import { isObject } from '../../objects.js'

/** Header of the column that holds rows which are not objects (numbers, strings, arrays). */
export const VALUE_COLUMN = '(value)'

/** Columns: the union of the top-level attributes of `rows`, in first-seen order. */
export function columnsOf(rows: readonly unknown[]): string[] {
  const seen = new Set<string>()
  let scalar = false
  for (const row of rows) {
    if (isObject(row)) for (const k of Object.keys(row)) seen.add(k)
    else scalar = true
  }
  const cols = [...seen]
  if (scalar) cols.push(VALUE_COLUMN)
  return cols
}

/** The value of column `col` in `row`; `undefined` when the row has no such attribute. */
export function cellValue(row: unknown, col: string): unknown {
  if (isObject(row)) return col === VALUE_COLUMN && !(col in row) ? undefined : row[col]
  return col === VALUE_COLUMN ? row : undefined
}

/** Top-level attributes of `row` not among `known` (rows seen after the columns were fixed). */
export function extraAttributes(row: unknown, known: ReadonlySet<string>): string[] {
  if (!isObject(row)) return known.has(VALUE_COLUMN) ? [] : [VALUE_COLUMN]
  return Object.keys(row).filter((k) => !known.has(k))
}

/** Text of one value: strings as they are, everything else (nested too) as compact JSON. */
export function plainText(v: unknown): string {
  if (v === undefined) return ''
  if (typeof v === 'string') return v
  return JSON.stringify(v) ?? 'null'
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g

/** Text for a terminal cell: control characters (newlines, tabs) shown escaped so rows stay one line. */
export function displayText(v: unknown): string {
  return plainText(v).replace(CONTROL, (c) => {
    if (c === '\n') return '\\n'
    if (c === '\r') return '\\r'
    if (c === '\t') return '\\t'
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** Length in code points (surrogate pairs count once). */
export function textWidth(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Cut `s` to `width` code points, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return ''
  if (textWidth(s) <= width) return s
  if (width === 1) return '…'
  return (
    Array.from(s)
      .slice(0, width - 1)
      .join('') + '…'
  )
}

/**
 * Widths for columns whose natural widths are `natural`, fitting `total` characters with `gap`
 * between columns: narrow columns keep their width, the wide ones share what is left equally.
 */
export function fitWidths(natural: readonly number[], total: number, gap: number, min = 3): number[] {
  const available = total - gap * Math.max(0, natural.length - 1)
  const sum = natural.reduce((a, b) => a + b, 0)
  if (sum <= available) return [...natural]
  const widths = new Array<number>(natural.length)
  const order = natural.map((w, i) => [w, i] as const).sort((a, b) => a[0] - b[0])
  let remaining = available
  let left = natural.length
  for (const [w, i] of order) {
    const share = Math.floor(remaining / left)
    widths[i] = Math.max(Math.min(w, min), Math.min(w, share))
    remaining -= widths[i]
    left--
  }
  return widths
}
