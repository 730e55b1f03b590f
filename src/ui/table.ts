/**
 * A plain text table for stdout: left-aligned columns padded to the widest cell, a header row,
 * no borders (so `grep`/`awk` work on it). Cells are stringified; null/undefined print as "-".
 */
export function renderTable(headers: string[], rows: unknown[][]): string {
  const cells = [
    headers,
    ...rows.map((r) => r.map((c) => (c === undefined || c === null || c === '' ? '-' : String(c)))),
  ]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  return (
    cells
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  )
}
