/**
 * Date values as arangodb's lib/Basics/datetime.cpp reads and prints them: ISO 8601 strings of years
 * 0..9999 with optional time and `Z` or `±hh:mm` (no zone meaning UTC), and millisecond timestamps.
 */
export const MIN_MS = -62167219200000 // 0000-01-01T00:00:00.000Z
export const MAX_MS = 253402300799999 // 9999-12-31T23:59:59.999Z
export const DAY = 86400000
export const HOUR = 3600000

export const pad = (n: number, w: number): string => String(n).padStart(w, '0')

export function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const dt = new Date(0)
  dt.setUTCFullYear(y, mo - 1, d)
  dt.setUTCHours(h, mi, s, ms)
  return dt.getTime()
}

/** Parse an ArangoDB date string; null when it is not one. */
export function parseDate(input: string): number | null {
  const m =
    /^[ \t\r\n]*\+?(\d+)(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?(?:([zZ])|([+-])(\d{1,2}):(\d{1,2}))?[ \t\r\n]*$/.exec(
      input,
    )
  if (!m) return null
  const yearDigits = m[1]!.replace(/^0+(?=\d)/, '')
  if (m[1]!.length < 1 || yearDigits.length > 4) return null
  const year = Number(m[1])
  const month = m[2] ? Number(m[2]) : 1
  const day = m[3] ? Number(m[3]) : 1
  const hour = m[4] ? Number(m[4]) : 0
  const minute = m[5] ? Number(m[5]) : 0
  const second = m[6] ? Number(m[6]) : 0
  const frac = m[7] ?? ''
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'))
  if (year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null
  if (hour > 23 || minute > 59 || second > 59) return null
  let t = utcMs(year, month, day, hour, minute, second, ms)
  if (m[9]) {
    const oh = Number(m[10])
    const om = Number(m[11])
    if (oh > 23 || om > 59) return null
    const offset = (oh * 60 + om) * 60000 * (m[9] === '+' ? 1 : -1)
    if (offset !== 0) {
      t -= offset
      const y = new Date(t).getUTCFullYear()
      if (y < 0 || y > 9999) return null
    }
  }
  return t
}

export function iso(t: number): string {
  const d = new Date(t)
  const y = d.getUTCFullYear()
  if (y >= 0 && y <= 9999) return d.toISOString()
  return d.toISOString()
}

/** ISO without the zone designator, for local wall-clock times. */
export const isoLocal = (t: number): string => iso(t).slice(0, -1)
