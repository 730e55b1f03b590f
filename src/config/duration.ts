import { EXIT, GraphpipeError } from '../errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * The one duration grammar of every flag (`--timeout`, `--window`, `--grace`, …): `250ms`, `30s`,
 * `1.5s`, `2m`, `2h`, `1d`, or a combination such as `1m30s`, in milliseconds. A bare number is
 * seconds, as Pub/Sub's own settings count them. `flag` names the flag in errors; `positive`
 * rejects zero where a zero duration means nothing (a query timeout).
 */
export function parseDuration(text: string, flag = 'duration', opts: { positive?: boolean } = {}): number {
  const s = text.trim()
  let total = NaN
  if (/^\d+(\.\d+)?$/.test(s)) total = Number(s) * 1000
  else if (s.length > 0) {
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
    let consumed = 0
    let sum = 0
    let m: RegExpExecArray | null
    while ((m = re.exec(s)) !== null) {
      sum += Number(m[1]) * UNITS[m[2]]
      consumed = re.lastIndex
    }
    if (consumed === s.length) total = sum
  }
  if (!Number.isFinite(total) || (opts.positive && total <= 0)) {
    throw new GraphpipeError(
      'BAD_DURATION',
      `${flag}: ${JSON.stringify(text)} is not a ${opts.positive ? 'positive ' : ''}duration (examples: 250ms, 30s, 1m30s, 2h, or a number of seconds)`,
      EXIT.USAGE,
    )
  }
  return Math.round(total)
}

/** The shortest readable form of a duration, for reports. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`
  return `${+(ms / 3_600_000).toFixed(1)}h`
}
