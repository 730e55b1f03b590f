import { GraphpipeError, EXIT } from '../errors.js'

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/**
 * A duration such as `500ms`, `30s`, `1m`, `1h` (or a combination like `1m30s`) in milliseconds.
 * A bare number is seconds, as Pub/Sub's own settings count them. `what` names the flag in errors.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const s = text.trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000)
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy
  let total = 0
  let consumed = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]]
    consumed = re.lastIndex
  }
  if (s.length === 0 || consumed !== s.length) {
    throw new GraphpipeError(
      'CONSUME_BAD_DURATION',
      `${what}: "${text}" is not a duration (examples: 500ms, 30s, 1m, 1h)`,
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
