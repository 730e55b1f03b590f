import { EXIT, GraphpipeError } from '../errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `--timeout`: `500ms`, `30s`, `2m`, `1h`, or a plain number of seconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  const ms = m ? Number(m[1]) * UNITS[m[2] ?? 's'] : NaN
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new GraphpipeError(
      'QUERY_BAD_DURATION',
      `${flag} ${JSON.stringify(text)}: expected a duration such as 30s, 500ms, 2m or a number of seconds`,
      EXIT.USAGE,
    )
  }
  return Math.round(ms)
}
