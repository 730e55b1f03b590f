/**
 * Date functions (docs.arangodb.com/3.12/aql/functions/date/). Dates are millisecond timestamps
 * or ISO 8601 strings (parsed like arangodb's lib/Basics/datetime.cpp: years 0..9999, optional
 * time, `Z` or `±hh:mm`, no zone meaning UTC). Time zones are IANA names resolved with node's Intl.
 */
import { toNumber, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { boolArg, def, invalidArg, warnIn, type FnTable } from './util.js'

const MIN_MS = -62167219200000 // 0000-01-01T00:00:00.000Z
const MAX_MS = 253402300799999 // 9999-12-31T23:59:59.999Z
const DAY = 86400000

function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
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

/** A date argument as a timestamp, with ArangoDB's warnings for bad values. */
function toDate(ctx: FunctionContext, name: string, v: AqlValue | undefined): number | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return invalidArg(ctx, name)
    const t = Math.trunc(v)
    if (t < MIN_MS || t > MAX_MS) return warnIn(ctx, name, 1572, 'invalid date value')
    return t
  }
  if (typeof v === 'string') {
    const t = parseDate(v)
    return t === null ? warnIn(ctx, name, 1572, 'invalid date value') : t
  }
  return invalidArg(ctx, name)
}

export function iso(t: number): string {
  const d = new Date(t)
  const y = d.getUTCFullYear()
  if (y >= 0 && y <= 9999) return d.toISOString()
  return d.toISOString()
}

/** ISO without the zone designator, for local wall-clock times. */
const isoLocal = (t: number): string => iso(t).slice(0, -1)

// ---------------------------------------------------------------------------------------------
// time zones

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

const HOUR = 3600000
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

const toLocal = (tz: string, t: number): number => t + tzOffset(tz, t)

/** Local wall-clock time to UTC; ambiguous times take the earlier instant, gaps move forward. */
function fromLocal(tz: string, local: number): number {
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

/** Resolve an optional time zone argument; undefined means UTC. */
function zoneArg(ctx: FunctionContext, name: string, v: AqlValue | undefined): string | null | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || !formatter(v)) return invalidArg(ctx, name)
  return v
}

// ---------------------------------------------------------------------------------------------
// calendar helpers on a UTC-fields timestamp

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysInMonth = (y: number, m: number): number =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!

function dayOfYear(t: number): number {
  const d = new Date(t)
  return (
    Math.floor(
      (utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) - utcMs(d.getUTCFullYear(), 1, 1)) /
        DAY,
    ) + 1
  )
}

export function isoWeek(t: number): { week: number; year: number } {
  const d = new Date(t)
  const dow = d.getUTCDay() || 7
  // the Thursday of this ISO week decides the ISO year
  const thursday = utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) + (4 - dow) * DAY
  const year = new Date(thursday).getUTCFullYear()
  const week = Math.floor((thursday - utcMs(year, 1, 1)) / DAY / 7) + 1
  return { week, year }
}

// ---------------------------------------------------------------------------------------------
// units and durations

type Unit = 'y' | 'm' | 'w' | 'd' | 'h' | 'i' | 's' | 'f'
const UNIT_NAMES: Record<string, Unit> = {
  y: 'y',
  year: 'y',
  years: 'y',
  m: 'm',
  month: 'm',
  months: 'm',
  w: 'w',
  week: 'w',
  weeks: 'w',
  d: 'd',
  day: 'd',
  days: 'd',
  h: 'h',
  hour: 'h',
  hours: 'h',
  i: 'i',
  minute: 'i',
  minutes: 'i',
  s: 's',
  second: 's',
  seconds: 's',
  f: 'f',
  millisecond: 'f',
  milliseconds: 'f',
}
const UNIT_MS: Record<Unit, number> = {
  y: 365.2425 * DAY,
  m: (365.2425 * DAY) / 12,
  w: 7 * DAY,
  d: DAY,
  h: 3600000,
  i: 60000,
  s: 1000,
  f: 1,
}
const unitOf = (v: AqlValue | undefined): Unit | undefined =>
  typeof v === 'string' ? UNIT_NAMES[v.toLowerCase()] : undefined

type Duration = Partial<Record<Unit, number>>

/** ISO 8601 durations as ArangoDB accepts them: PnYnMnWnDTnHnMn[.fff]S. */
export function parseDuration(s: string): Duration | null {
  if (s.length <= 1) return null
  const m =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,3}))?S)?)?$/.exec(
      s,
    )
  if (!m) return null
  const n = (i: number): number => (m[i] ? Number(m[i]) : 0)
  return {
    y: n(1),
    m: n(2),
    w: n(3),
    d: n(4),
    h: n(5),
    i: n(6),
    s: n(7),
    f: m[8] ? Number(m[8].padEnd(3, '0')) : 0,
  }
}

/** Add calendar months to wall-clock fields (day overflow rolls into the next month, as date::sys_days does). */
function addMonths(t: number, months: number): number {
  if (!months) return t
  const d = new Date(t)
  const total = d.getUTCMonth() + months
  d.setUTCFullYear(d.getUTCFullYear() + Math.floor(total / 12), ((total % 12) + 12) % 12, d.getUTCDate())
  return d.getTime()
}

/** ISO duration: years and months by calendar, the rest by length. */
function addDuration(t: number, dur: Duration, sign: 1 | -1): number {
  const months = sign * ((dur.y ?? 0) * 12 + (dur.m ?? 0))
  let ms = 0
  for (const u of ['w', 'd', 'h', 'i', 's', 'f'] as const) ms += (dur[u] ?? 0) * UNIT_MS[u]
  return addMonths(t, months) + sign * ms
}

/**
 * An amount of a unit, as arangod's addOrSubtractUnitFromTimestamp: fractional years carry into
 * months (x12) and fractional months into days (x30); other units are exact lengths.
 */
function addUnits(t: number, amount: number, unit: Unit, sign: 1 | -1): number {
  if (amount < 0) {
    sign = sign === 1 ? -1 : 1
    amount = -amount
  }
  let rest = amount
  let months = 0
  let ms = 0
  if (unit === 'y' || unit === 'm') {
    if (unit === 'y') {
      const whole = Math.trunc(rest)
      months += whole * 12
      rest = (rest - whole) * 12
    }
    const whole = Math.trunc(rest)
    months += whole
    rest -= whole
    ms = rest * 30 * DAY
  } else {
    ms = amount * UNIT_MS[unit]
  }
  return addMonths(t, sign * months) + sign * Math.trunc(ms)
}

function dateAdd(ctx: FunctionContext, name: string, args: AqlValue[], sign: 1 | -1): AqlValue {
  const t0 = toDate(ctx, name, args[0])
  if (t0 === null) return null
  // 4 args: amount, unit, zone; 3 args: amount, unit or duration, zone; 2 args: duration
  const zoned = args.length === 4 || (args.length === 3 && typeof args[1] === 'string')
  let tz: string | undefined
  if (zoned) {
    const z = zoneArg(ctx, name, args[args.length - 1])
    if (!z) return z === undefined ? invalidArg(ctx, name) : null
    tz = z
  }
  const t = tz ? toLocal(tz, t0) : t0
  let result: number
  if ((args.length === 3 && !zoned) || args.length === 4) {
    if (typeof args[1] !== 'number' || typeof args[2] !== 'string') return invalidArg(ctx, name)
    const unit = unitOf(args[2])
    if (!unit) return warnIn(ctx, name, 1572, 'invalid date value')
    result = addUnits(t, args[1], unit, sign)
  } else {
    if (typeof args[1] !== 'string') return invalidArg(ctx, name)
    const dur = parseDuration(args[1])
    if (!dur) return warnIn(ctx, name, 1572, 'invalid date value')
    result = addDuration(t, dur, sign)
  }
  return isoChecked(ctx, name, tz ? fromLocal(tz, result) : result)
}

/** ISO string, or null plus warning 1572 outside years 0..9999 (arangod timeAqlValue). */
function isoChecked(ctx: FunctionContext, name: string, t: number): AqlValue {
  const y = new Date(t).getUTCFullYear()
  if (!Number.isFinite(t) || y < 0 || y > 9999) return warnIn(ctx, name, 1572, 'invalid date value')
  return iso(t)
}

/** An extractor with an optional time zone argument. */
function part(name: string, f: (local: number) => AqlValue, withTz = true) {
  return def(1, withTz ? 2 : 1, (ctx, args) => {
    const t = toDate(ctx, name, args[0])
    if (t === null) return null
    const tz = withTz ? zoneArg(ctx, name, args[1]) : undefined
    if (tz === null) return null
    return f(tz ? toLocal(tz, t) : t)
  })
}

function truncate(t: number, unit: Unit): number {
  const d = new Date(t)
  switch (unit) {
    case 'y':
      return utcMs(d.getUTCFullYear(), 1, 1)
    case 'm':
      return utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
    case 'w': {
      const dow = (d.getUTCDay() + 6) % 7 // ISO weeks start on Monday
      return utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) - dow * DAY
    }
    case 'd':
      return utcMs(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())
    default:
      return t - (((t % UNIT_MS[unit]) + UNIT_MS[unit]) % UNIT_MS[unit])
  }
}

// ---------------------------------------------------------------------------------------------
// DATE_FORMAT

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const pad = (n: number, w: number): string => String(n).padStart(w, '0')

/** Placeholders, longest first, as arangodb's datetime.cpp matches them. */
const PLACEHOLDERS: [string, (t: number) => string][] = [
  ['%&', () => ''],
  [
    '%yyyyyy',
    (t) => {
      const y = new Date(t).getUTCFullYear()
      return (y < 0 ? '-' : '+') + pad(Math.abs(y), 6)
    },
  ],
  ['%mmmm', (t) => MONTHS[new Date(t).getUTCMonth()]!],
  [
    '%yyyy',
    (t) => {
      const y = new Date(t).getUTCFullYear()
      // arangod pads years below 9 to four digits but 9..99 to three (its `< 9` / `< 99` checks)
      if (y < 0) return '-' + pad(-y, 4)
      if (y < 9) return '000' + y
      if (y < 99) return '00' + y
      if (y < 999) return '0' + y
      return String(y).slice(-4)
    },
  ],
  ['%wwww', (t) => WEEKDAYS[new Date(t).getUTCDay()]!],
  ['%mmm', (t) => MONTHS[new Date(t).getUTCMonth()]!.slice(0, 3)],
  ['%www', (t) => WEEKDAYS[new Date(t).getUTCDay()]!.slice(0, 3)],
  ['%fff', (t) => pad(new Date(t).getUTCMilliseconds(), 3)],
  ['%xxx', (t) => pad(dayOfYear(t), 3)],
  [
    '%yy',
    (t) => {
      const y = Math.abs(new Date(t).getUTCFullYear())
      return y < 10 ? '0' + y : String(y).slice(-2)
    },
  ],
  ['%mm', (t) => pad(new Date(t).getUTCMonth() + 1, 2)],
  ['%dd', (t) => pad(new Date(t).getUTCDate(), 2)],
  ['%hh', (t) => pad(new Date(t).getUTCHours(), 2)],
  ['%ii', (t) => pad(new Date(t).getUTCMinutes(), 2)],
  ['%ss', (t) => pad(new Date(t).getUTCSeconds(), 2)],
  ['%kk', (t) => pad(isoWeek(t).week, 2)],
  ['%t', (t) => String(t)],
  ['%z', (t) => iso(t)],
  ['%w', (t) => String(new Date(t).getUTCDay())],
  ['%y', (t) => String(new Date(t).getUTCFullYear())],
  ['%m', (t) => String(new Date(t).getUTCMonth() + 1)],
  ['%d', (t) => String(new Date(t).getUTCDate())],
  ['%h', (t) => String(new Date(t).getUTCHours())],
  ['%i', (t) => String(new Date(t).getUTCMinutes())],
  ['%s', (t) => String(new Date(t).getUTCSeconds())],
  ['%f', (t) => String(new Date(t).getUTCMilliseconds())],
  ['%x', (t) => String(dayOfYear(t))],
  ['%k', (t) => String(isoWeek(t).week)],
  ['%l', (t) => (isLeap(new Date(t).getUTCFullYear()) ? '1' : '0')],
  ['%q', (t) => String(Math.floor(new Date(t).getUTCMonth() / 3) + 1)],
  ['%a', (t) => String(daysInMonth(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth() + 1))],
  ['%%', () => '%'],
  ['%', () => ''],
]
const PLACEHOLDER_RE = new RegExp(PLACEHOLDERS.map(([p]) => p.replace('%', '%')).join('|'), 'g')
const PLACEHOLDER_FN = new Map(PLACEHOLDERS)

export function formatDate(t: number, format: string): string {
  return format.replace(PLACEHOLDER_RE, (m) => PLACEHOLDER_FN.get(m)!(t))
}

// ---------------------------------------------------------------------------------------------
// zone info for DATE_UTCTOLOCAL / DATE_LOCALTOUTC with details

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

function zoneInfo(
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

const TZDB = process.versions.tz ?? null

// ---------------------------------------------------------------------------------------------

/** DATE_TIMESTAMP / DATE_ISO8601 argument forms: one date, or year, month, day[, h, i, s, f]. */
function components(ctx: FunctionContext, name: string, args: AqlValue[]): number | null {
  if (args.length === 1) return toDate(ctx, name, args[0])
  if (args.length < 3) return invalidArg(ctx, name)
  if (!args.every((a) => typeof a === 'number' || typeof a === 'string')) return invalidArg(ctx, name)
  const [y, mo, d, h = 0, mi = 0, s = 0, f = 0] = args.map((a) => Math.trunc(toNumber(a)))
  if (y! < 0 || y! > 9999 || mo! < 0 || d! < 0 || h < 0 || mi < 0 || s < 0 || f < 0) {
    return warnIn(ctx, name, 1572, 'invalid date value')
  }
  return utcMs(y!, mo!, d!) + h * 3600000 + mi * 60000 + s * 1000 + Math.min(f, 999)
}

const ROUND_UNITS: Record<string, number> = {
  milliseconds: 1,
  millisecond: 1,
  f: 1,
  seconds: 1000,
  second: 1000,
  s: 1000,
  minutes: 60000,
  minute: 60000,
  i: 60000,
  hours: 3600000,
  hour: 3600000,
  h: 3600000,
  days: DAY,
  day: DAY,
  d: DAY,
}

export const DATE_FUNCTIONS: FnTable = {
  DATE_NOW: def(0, 0, (ctx) => ctx.now),
  DATE_TIMESTAMP: def(1, 7, (ctx, args) => components(ctx, 'DATE_TIMESTAMP', args)),
  DATE_ISO8601: def(1, 7, (ctx, args) => {
    const t = components(ctx, 'DATE_ISO8601', args)
    return t === null ? null : isoChecked(ctx, 'DATE_ISO8601', t)
  }),
  DATE_DAYOFWEEK: part('DATE_DAYOFWEEK', (t) => new Date(t).getUTCDay()),
  DATE_YEAR: part('DATE_YEAR', (t) => new Date(t).getUTCFullYear()),
  DATE_MONTH: part('DATE_MONTH', (t) => new Date(t).getUTCMonth() + 1),
  DATE_DAY: part('DATE_DAY', (t) => new Date(t).getUTCDate()),
  DATE_HOUR: part('DATE_HOUR', (t) => new Date(t).getUTCHours()),
  DATE_MINUTE: part('DATE_MINUTE', (t) => new Date(t).getUTCMinutes()),
  DATE_SECOND: part('DATE_SECOND', (t) => new Date(t).getUTCSeconds(), false),
  DATE_MILLISECOND: part('DATE_MILLISECOND', (t) => new Date(t).getUTCMilliseconds(), false),
  DATE_DAYOFYEAR: part('DATE_DAYOFYEAR', dayOfYear),
  DATE_ISOWEEK: part('DATE_ISOWEEK', (t) => isoWeek(t).week),
  DATE_ISOWEEKYEAR: part('DATE_ISOWEEKYEAR', (t) => isoWeek(t)),
  DATE_LEAPYEAR: part('DATE_LEAPYEAR', (t) => isLeap(new Date(t).getUTCFullYear())),
  DATE_QUARTER: part('DATE_QUARTER', (t) => Math.floor(new Date(t).getUTCMonth() / 3) + 1),
  DATE_DAYS_IN_MONTH: part('DATE_DAYS_IN_MONTH', (t) =>
    daysInMonth(new Date(t).getUTCFullYear(), new Date(t).getUTCMonth() + 1),
  ),
  DATE_ADD: def(2, 4, (ctx, args) => dateAdd(ctx, 'DATE_ADD', args, 1)),
  DATE_SUBTRACT: def(2, 4, (ctx, args) => dateAdd(ctx, 'DATE_SUBTRACT', args, -1)),
  DATE_DIFF: def(3, 6, (ctx, args) => {
    const a = toDate(ctx, 'DATE_DIFF', args[0])
    if (a === null) return null
    const b = toDate(ctx, 'DATE_DIFF', args[1])
    if (b === null) return null
    if (typeof args[2] !== 'string') return invalidArg(ctx, 'DATE_DIFF')
    const unit = unitOf(args[2])
    if (!unit) return warnIn(ctx, 'DATE_DIFF', 1572, 'invalid date value')
    // the 4th argument is either asFloat or, when a string, the first time zone
    let asFloat = false
    let rest = args.slice(3)
    if (rest.length && typeof rest[0] !== 'string') {
      asFloat = boolArg(rest, 0, false)
      rest = rest.slice(1)
    }
    const tz1 = zoneArg(ctx, 'DATE_DIFF', rest[0])
    if (tz1 === null) return null
    const tz2 = rest.length > 1 ? zoneArg(ctx, 'DATE_DIFF', rest[1]) : tz1
    if (tz2 === null) return null
    const la = tz1 ? toLocal(tz1, a) : a
    const lb = tz2 ? toLocal(tz2, b) : b
    const diff = (lb - la) / UNIT_MS[unit]
    if (asFloat) return diff
    // arangod: static_cast<int64_t>(std::round(diff)), halves away from zero
    return Math.sign(diff) * Math.round(Math.abs(diff)) + 0
  }),
  DATE_COMPARE: def(3, 6, (ctx, args) => {
    const a = toDate(ctx, 'DATE_COMPARE', args[0])
    if (a === null) return null
    const b = toDate(ctx, 'DATE_COMPARE', args[1])
    if (b === null) return null
    // coarsest first; WEEK is no component to compare
    const order: Unit[] = ['y', 'm', 'd', 'h', 'i', 's', 'f']
    const start = order.indexOf(unitOf(args[2]) ?? 'w')
    if (start < 0) return invalidArg(ctx, 'DATE_COMPARE')
    let end = start
    let zones: AqlValue[] = []
    if (args.length > 3) {
      const e = order.indexOf(unitOf(args[3]) ?? 'w')
      if (e < 0) {
        // the 4th argument is a time zone when it is no unit (arangod DateCompare)
        if (args.length > 5) return invalidArg(ctx, 'DATE_COMPARE')
        zones = args.slice(3)
      } else {
        end = e
        zones = args.slice(4)
      }
    }
    const tz1 = zoneArg(ctx, 'DATE_COMPARE', zones[0])
    if (tz1 === null) return null
    const tz2 = zones.length > 1 ? zoneArg(ctx, 'DATE_COMPARE', zones[1]) : tz1
    if (tz2 === null) return null
    const da = new Date(tz1 ? toLocal(tz1, a) : a)
    const db = new Date(tz2 ? toLocal(tz2, b) : b)
    const get: ((d: Date) => number)[] = [
      (d) => d.getUTCFullYear(),
      (d) => d.getUTCMonth(),
      (d) => d.getUTCDate(),
      (d) => d.getUTCHours(),
      (d) => d.getUTCMinutes(),
      (d) => d.getUTCSeconds(),
      (d) => d.getUTCMilliseconds(),
    ]
    for (let i = start; i < order.length; i++) {
      // the year is always compared when it is the start; finer parts only down to the end unit
      if (i > 0 && end < i) break
      if (get[i]!(da) !== get[i]!(db)) return false
    }
    return true
  }),
  DATE_FORMAT: def(2, 3, (ctx, args) => {
    const t = toDate(ctx, 'DATE_FORMAT', args[0])
    if (t === null) return null
    if (typeof args[1] !== 'string') return invalidArg(ctx, 'DATE_FORMAT')
    const tz = zoneArg(ctx, 'DATE_FORMAT', args[2])
    if (tz === null) return null
    return formatDate(tz ? toLocal(tz, t) : t, args[1])
  }),
  DATE_TRUNC: def(2, 3, (ctx, args) => {
    const t = toDate(ctx, 'DATE_TRUNC', args[0])
    if (t === null) return null
    if (typeof args[1] !== 'string') return invalidArg(ctx, 'DATE_TRUNC')
    const unit = unitOf(args[1])
    if (!unit || unit === 'w') return warnIn(ctx, 'DATE_TRUNC', 1572, 'invalid date value')
    const tz = zoneArg(ctx, 'DATE_TRUNC', args[2])
    if (tz === null) return null
    return isoChecked(
      ctx,
      'DATE_TRUNC',
      tz ? fromLocal(tz, truncate(toLocal(tz, t), unit)) : truncate(t, unit),
    )
  }),
  DATE_ROUND: def(3, 4, (ctx, args) => {
    const t = toDate(ctx, 'DATE_ROUND', args[0])
    if (t === null) return null
    if (typeof args[1] !== 'number' || typeof args[2] !== 'string') return invalidArg(ctx, 'DATE_ROUND')
    const tz = zoneArg(ctx, 'DATE_ROUND', args[3])
    if (tz === null) return null
    const amount = Math.trunc(args[1])
    // unit names are matched case-sensitively here, unlike the other date functions
    const factor = ROUND_UNITS[args[2]]
    if (amount <= 0 || factor === undefined) return invalidArg(ctx, 'DATE_ROUND')
    const size = amount * factor
    // integer division truncates towards zero, as in arangod
    const round = (x: number): number => Math.trunc(x / size) * size
    return isoChecked(ctx, 'DATE_ROUND', tz ? fromLocal(tz, round(toLocal(tz, t))) : round(t))
  }),
  DATE_UTCTOLOCAL: def(2, 3, (ctx, args) => {
    const t = toDate(ctx, 'DATE_UTCTOLOCAL', args[0])
    if (t === null) return null
    const tz = zoneArg(ctx, 'DATE_UTCTOLOCAL', args[1])
    if (!tz) return tz === undefined ? invalidArg(ctx, 'DATE_UTCTOLOCAL') : null
    if (args.length > 2 && typeof args[2] !== 'boolean') return invalidArg(ctx, 'DATE_UTCTOLOCAL')
    const info = zoneInfo(tz, t, args[2] === true)
    const localT = t + info.offset * 1000
    if (new Date(localT).getUTCFullYear() < 0 || new Date(localT).getUTCFullYear() > 9999) {
      return warnIn(ctx, 'DATE_UTCTOLOCAL', 1572, 'invalid date value')
    }
    // arangod keeps the "Z" when the zone is at UTC without daylight saving (e.g. "UTC" itself)
    const local = info.offset === 0 && !info.dst ? iso(localT) : isoLocal(localT)
    if (args[2] !== true) return local
    return { local, tzdb: TZDB, zoneInfo: info }
  }),
  DATE_LOCALTOUTC: def(2, 3, (ctx, args) => {
    const local = toDate(ctx, 'DATE_LOCALTOUTC', args[0])
    if (local === null) return null
    const tz = zoneArg(ctx, 'DATE_LOCALTOUTC', args[1])
    if (!tz) return tz === undefined ? invalidArg(ctx, 'DATE_LOCALTOUTC') : null
    if (args.length > 2 && typeof args[2] !== 'boolean') return invalidArg(ctx, 'DATE_LOCALTOUTC')
    const t = fromLocal(tz, local)
    const utc = isoChecked(ctx, 'DATE_LOCALTOUTC', t)
    if (args[2] !== true || utc === null) return utc
    return { utc, tzdb: TZDB, zoneInfo: zoneInfo(tz, t, true) }
  }),
  DATE_TIMEZONE: def(0, 0, () => Intl.DateTimeFormat().resolvedOptions().timeZone),
  DATE_TIMEZONES: def(0, 0, () => Intl.supportedValuesOf('timeZone')),
}
