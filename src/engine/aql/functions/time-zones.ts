/**
 * IANA time zones through node's Intl (ICU): offsets at an instant, local wall-clock time to UTC,
 * and the zone details DATE_UTCTOLOCAL / DATE_LOCALTOUTC report.
 */
import { DAY, HOUR, iso, pad, utcMs } from './date-values.js'

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat | null {
  let f = formatters.get(tz)
  if (f) return f
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    })
  } catch {
    return null
  }
  formatters.set(tz, f)
  return f
}

/** Whether `tz` names a time zone ICU knows. */
export const isTimeZone = (tz: string): boolean => formatter(tz) !== null

/** Offset of `tz` from UTC at instant `t`, in milliseconds, straight from ICU. */
function icuOffset(tz: string, t: number): number {
  const f = formatter(tz)!
  const parts: Record<string, string> = {}
  for (const p of f.formatToParts(new Date(t))) parts[p.type] = p.value
  let year = Number(parts.year)
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year
  const local = utcMs(
    year,
    Number(parts.month),
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  const whole = t - (((t % 1000) + 1000) % 1000)
  return local - whole
}

const offsetCache = new Map<string, Map<number, number>>()

/**
 * Offset of `tz` from UTC at instant `t`, in milliseconds. ICU is slow, so offsets are cached at
 * whole hours; when the offsets at both ends of an hour agree, no transition lies inside it (zones
 * never change offset twice within an hour), otherwise ICU answers for the exact instant.
 */
export function tzOffset(tz: string, t: number): number {
  let cache = offsetCache.get(tz)
  if (!cache) offsetCache.set(tz, (cache = new Map()))
  if (cache.size > 100_000) cache.clear()
  const start = Math.floor(t / HOUR) * HOUR
  const at = (x: number): number => {
    let o = cache.get(x)
    if (o === undefined) cache.set(x, (o = icuOffset(tz, x)))
    return o
  }
  const a = at(start)
  return a === at(start + HOUR) ? a : icuOffset(tz, t)
}

export const toLocal = (tz: string, t: number): number => t + tzOffset(tz, t)

/** Local wall-clock time to UTC; ambiguous times take the earlier instant, gaps move forward. */
export function fromLocal(tz: string, local: number): number {
  const o1 = tzOffset(tz, local - tzOffset(tz, local))
  const candidates = new Set([
    o1,
    tzOffset(tz, local - o1 - 3 * 3600000),
    tzOffset(tz, local - o1 + 3 * 3600000),
  ])
  const exact = [...candidates].map((o) => local - o).filter((u) => toLocal(tz, u) === local)
  if (exact.length) return Math.min(...exact)
  return local - o1
}

/**
 * The zone abbreviation (tzdb's "CET", "WAT", ...). ICU only knows them per locale, so try a few
 * English locales; fall back to tzdb's numeric style ("+0545").
 */
const ABBREV_LOCALES = ['en-US', 'en-GB', 'en-NG', 'en-ZA', 'en-IN', 'en-AU', 'en-NZ', 'en-CA', 'en-SG']
function zoneName(tz: string, t: number, offset: number): string {
  for (const loc of ABBREV_LOCALES) {
    try {
      const name = new Intl.DateTimeFormat(loc, { timeZone: tz, timeZoneName: 'short' })
        .formatToParts(new Date(t))
        .find((p) => p.type === 'timeZoneName')?.value
      if (name && !/^(GMT|UTC)[+-]/.test(name)) return name === 'GMT' && offset !== 0 ? tz : name
    } catch {
      break
    }
  }
  const abs = Math.abs(offset) / 60000
  const hh = pad(Math.floor(abs / 60), 2)
  const mm = abs % 60 ? pad(abs % 60, 2) : ''
  return (offset < 0 ? '-' : '+') + hh + mm
}

/** The instant the offset in force at `t` began (or ends), searched in 30-day steps then bisected. */
function transition(tz: string, t: number, dir: 1 | -1): number | null {
  const off = tzOffset(tz, t)
  const step = 30 * DAY
  const limit = dir < 0 ? utcMs(1800, 1, 1) : utcMs(2100, 1, 1)
  let inside = t
  let probe = t + dir * step
  while (dir < 0 ? probe > limit : probe < limit) {
    if (tzOffset(tz, probe) !== off) {
      let a = inside
      let b = probe
      while (Math.abs(b - a) > 1) {
        const mid = Math.floor((a + b) / 2)
        if (tzOffset(tz, mid) === off) a = mid
        else b = mid
      }
      // the first millisecond of the period (begin) or of the next one (end)
      return dir < 0 ? a : b
    }
    inside = probe
    probe += dir * step
  }
  return null
}

export function zoneInfo(
  tz: string,
  t: number,
  detail: boolean,
): { name: string; begin: string | null; end: string | null; dst: boolean; offset: number } {
  const begin = detail ? transition(tz, t, -1) : null
  const end = detail ? transition(tz, t, 1) : null
  const offset = tzOffset(tz, t)
  // DST: the offset is above the smaller of the offsets half a year apart
  const other = Math.min(tzOffset(tz, t - 182 * DAY), tzOffset(tz, t + 182 * DAY))
  return {
    name: zoneName(tz, t, offset),
    begin: begin === null ? null : iso(begin),
    end: end === null ? null : iso(end),
    dst: offset > other,
    offset: offset / 1000,
  }
}

export const TZDB = process.versions.tz ?? null
