/**
 * Date functions (docs.arangodb.com/3.12/aql/functions/date/): calendar arithmetic, units and
 * durations, DATE_FORMAT and the function table. Reading and printing date values is in
 * date-values.ts, time zones (node's Intl) in time-zones.ts.
 */
import { toNumber, type AqlValue } from '../values.js'
import { DAY, iso, isoLocal, MAX_MS, MIN_MS, pad, parseDate, utcMs } from './date-values.js'
import { fromLocal, isTimeZone, toLocal, TZDB, zoneInfo } from './time-zones.js'
import type { FunctionContext } from './types.js'
import { boolArg, def, invalidArg, warnIn, type FnTable } from './util.js'

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

/** Resolve an optional time zone argument; undefined means UTC. */
function zoneArg(ctx: FunctionContext, name: string, v: AqlValue | undefined): string | null | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || !isTimeZone(v)) return invalidArg(ctx, name)
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
  DATE_NOW: def(0, 0, (ctx) => ctx.now, false),
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
