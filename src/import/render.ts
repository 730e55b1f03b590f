/** Text for humans: progress lines and summaries (stderr). The command prints them. */
import type { FileResult, ImportResult, ProgressInfo, RejectedRow } from './types.js'
import { formatCount } from '../ui/numbers.js'

const n = formatCount

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`
}

/** "flights.csv: 12,345 rows, 45,678 rows/s, 34%, ETA 12 s" (percent and ETA when the size is known). */
export function progressLine(p: ProgressInfo): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.rows * 1000) / p.elapsedMs) : 0
  let text = `importing ${p.file}: ${n(p.rows)} rows, ${n(rate)} rows/s`
  if (p.totalBytes && p.totalBytes > 0) {
    const frac = Math.min(1, p.bytesRead / p.totalBytes)
    text += `, ${Math.floor(frac * 100)}%`
    if (frac > 0.01 && frac < 1) text += `, ETA ${seconds((p.elapsedMs * (1 - frac)) / frac)}`
  }
  return text
}

function counts(
  r: { created: number; updated: number; ignored: number; empty: number; errors: number },
  dryRun = false,
): string {
  return `${n(r.created)} ${dryRun ? 'would be created' : 'created'}, ${n(r.updated)} updated, ${n(r.ignored)} ignored, ${n(r.empty)} empty, ${n(r.errors)} errors`
}

export function fileSummary(r: FileResult, dryRun: boolean): string {
  const what = `${r.file} -> ${r.collection} (${r.collectionType}${r.collectionCreated ? `, ${dryRun ? 'would be ' : ''}created` : ''})`
  const stopped = r.stopped ? ' [stopped: --max-errors reached]' : ''
  const beside =
    r.keylessBeside !== undefined
      ? ` [rows without _key, ${dryRun ? 'would be ' : ''}added beside the ${n(r.keylessBeside)} documents already there: check for duplicates]`
      : ''
  const rs = r.resumed
  if (rs?.complete)
    return `${what}: ${n(r.rows)} rows: ${counts(r, dryRun)} [imported completely by an interrupted run, committed ${rs.at}: skipped]${beside}`
  const resumed = rs
    ? ` [resumed after line ${n(rs.line)} (row ${n(rs.rows)}, byte ${n(rs.bytes)}); the counts include the ${n(rs.rows)} rows before, ${n(r.rows - rs.rows)} rows this run]`
    : ''
  return `${what}: ${n(r.rows)} rows: ${counts(r, dryRun)} in ${seconds(r.elapsedMs)} (${n(r.rowsPerSecond)} rows/s)${stopped}${resumed}${beside}`
}

export function totalSummary(res: ImportResult): string {
  const t = res.total
  const prefix = res.dryRun ? 'dry run, nothing written: ' : ''
  return `${prefix}total: ${n(t.rows)} rows in ${res.files.length} file(s): ${counts(t, res.dryRun)} in ${seconds(t.elapsedMs)} (${n(t.rowsPerSecond)} rows/s)`
}

export function rejectedLines(res: ImportResult, errorsFile?: string): string[] {
  if (res.total.errors === 0) return []
  const shown = res.rejected
  const head =
    shown.length < res.total.errors
      ? `rejected rows (first ${shown.length} of ${n(res.total.errors)}${errorsFile ? `; all in ${errorsFile}` : '; --errors-file PATH keeps them all'}):`
      : `rejected rows${errorsFile ? ` (also in ${errorsFile})` : ''}:`
  return [head, ...shown.map((r: RejectedRow) => `  ${r.file}:${r.line}: ${r.reason}`)]
}
