import { describe, expect, it } from 'vitest'
import { parseDate } from '../../../../src/engine/aql/functions/date-values.js'
import { call, callWith, v, warned } from './call.js'

describe('date parsing (arangod lib/Basics/datetime.cpp rules)', () => {
  it('accepts ArangoDB date strings with optional time, fraction and offset', () => {
    expect(parseDate('2014-05-07')).toBe(Date.UTC(2014, 4, 7))
    expect(parseDate('2014-05-07 14:19')).toBe(Date.UTC(2014, 4, 7, 14, 19))
    expect(parseDate('2014-05-07T14:19:09.5')).toBe(Date.UTC(2014, 4, 7, 14, 19, 9, 500))
    expect(parseDate('2014-05-07T14:19:09.123456Z')).toBe(Date.UTC(2014, 4, 7, 14, 19, 9, 123))
    expect(parseDate('2014-05-07T14:19:09+01:30')).toBe(Date.UTC(2014, 4, 7, 12, 49, 9))
    expect(parseDate('2014')).toBe(Date.UTC(2014, 0, 1))
    expect(parseDate('0042-01-01')).toBe(new Date('0042-01-01T00:00:00Z').getTime())
    expect(parseDate(' +2014-05-07 ')).toBe(Date.UTC(2014, 4, 7))
  })

  it('rejects malformed strings, negative years and out-of-range fields', () => {
    for (const bad of [
      '-2014-05-07',
      '2014-13-01',
      '2014-05-07T24:00',
      '2014-05-07T10',
      '10000-01-01',
      'x',
    ]) {
      expect(parseDate(bad), bad).toBe(null)
    }
  })

  it('an invalid date string warns 1572, a wrong type 1542', () => {
    expect(warned('DATE_YEAR', '2014-99-01')).toEqual([1572])
    expect(warned('DATE_YEAR', [])).toEqual([1542])
    expect(warned('DATE_YEAR', 253402300800000)).toEqual([1572])
  })
})

describe('date functions', () => {
  it('extract parts in UTC or in a time zone', () => {
    expect(v('DATE_DAYOFWEEK', '2020-08-29')).toBe(6)
    expect(v('DATE_YEAR', '2023-12-31T23:00:00.000Z', 'Europe/Berlin')).toBe(2024)
    expect(v('DATE_MINUTE', '2023-12-31T23:00:00.000Z', 'Asia/Kathmandu')).toBe(45)
    expect(v('DATE_DAYOFYEAR', '2020-12-31')).toBe(366)
    expect(v('DATE_QUARTER', '2020-10-01')).toBe(4)
    expect(v('DATE_DAYS_IN_MONTH', '2100-02-01')).toBe(28)
    expect(v('DATE_LEAPYEAR', '2000-06-01')).toBe(true)
    expect(v('DATE_ISOWEEKYEAR', '2021-01-03')).toEqual({ week: 53, year: 2020 })
    expect(v('DATE_ISOWEEK', '2024-12-30')).toBe(1)
    expect(warned('DATE_MONTH', '2020-01-01', 'Mars/Olympus')).toEqual([1542])
  })

  it('DATE_TIMESTAMP / DATE_ISO8601 take a date or 3..7 components', () => {
    expect(v('DATE_TIMESTAMP', 2020, 2, 30)).toBe(Date.UTC(2020, 2, 1))
    expect(v('DATE_ISO8601', 2020, 1, 1, 25, 0, 0, 5000)).toBe('2020-01-02T01:00:00.999Z')
    expect(warned('DATE_ISO8601', 2020, 1)).toEqual([1542])
    expect(warned('DATE_TIMESTAMP', 2020, -1, 1)).toEqual([1572])
    expect(v('DATE_ISO8601', 1399472349522)).toBe('2014-05-07T14:19:09.522Z')
    expect(callWith({ now: 42 }, 'DATE_NOW').value).toBe(42)
  })

  it('DATE_ADD / DATE_SUBTRACT: units, fractions, ISO durations, month overflow', () => {
    expect(v('DATE_ADD', '2023-01-31', 1, 'month')).toBe('2023-03-03T00:00:00.000Z')
    expect(v('DATE_ADD', '2020-01-01', 1.5, 'years')).toBe('2021-07-01T00:00:00.000Z')
    expect(v('DATE_ADD', '2020-01-01', 0.5, 'months')).toBe('2020-01-16T00:00:00.000Z')
    expect(v('DATE_ADD', '2020-01-01', -1, 'day')).toBe('2019-12-31T00:00:00.000Z')
    expect(v('DATE_SUBTRACT', '2020-03-01', 'P1M1DT1H')).toBe('2020-01-30T23:00:00.000Z')
    expect(v('DATE_ADD', '2020-01-01', 'PT0.5S')).toBe('2020-01-01T00:00:00.500Z')
    expect(v('DATE_ADD', '2023-03-25T23:00:00.000Z', 1, 'day', 'Europe/Berlin')).toBe(
      '2023-03-26T22:00:00.000Z',
    )
    expect(v('DATE_ADD', '2023-03-25T23:00:00.000Z', 'P1D', 'Europe/Berlin')).toBe('2023-03-26T22:00:00.000Z')
    expect(warned('DATE_ADD', '2020-01-01', 1, 'fortnight')).toEqual([1572])
    expect(warned('DATE_ADD', '2020-01-01', 'P1X')).toEqual([1572])
    expect(warned('DATE_ADD', '2020-01-01', '1', 'day')).toEqual([1542])
    expect(warned('DATE_ADD', '9999-12-31', 1, 'day')).toEqual([1572])
  })

  it('DATE_DIFF rounds unless asFloat, and localizes with one or two zones', () => {
    expect(v('DATE_DIFF', '2023-12-01', '2024-04-01', 'days')).toBe(122)
    expect(v('DATE_DIFF', '2020-01-01T00:00:00Z', '2020-01-01T01:30:00Z', 'h')).toBe(2)
    expect(v('DATE_DIFF', '2020-01-01T01:30:00Z', '2020-01-01T00:00:00Z', 'h')).toBe(-2)
    expect(v('DATE_DIFF', '2020-01-01T00:00:00Z', '2020-01-01T01:30:00Z', 'h', true)).toBe(1.5)
    expect(v('DATE_DIFF', '2000-01-01', '2001-01-01', 'years', true)).toBeCloseTo(366 / 365.2425, 12)
    expect(
      v(
        'DATE_DIFF',
        '2024-01-01T00:00:00Z',
        '2024-01-01T00:00:00Z',
        'hours',
        true,
        'Asia/Kathmandu',
        'America/Los_Angeles',
      ),
    ).toBe(-13.75)
    expect(
      v('DATE_DIFF', '2023-03-25T23:00:00.000Z', '2023-03-26T23:00:00.000Z', 'hours', 'Europe/Berlin'),
    ).toBe(25)
    expect(warned('DATE_DIFF', '2020-01-01', '2020-01-02', 'fortnight')).toEqual([1572])
  })

  it('DATE_COMPARE compares from the start unit down to the end unit', () => {
    expect(v('DATE_COMPARE', '2020-01-01T10:00Z', '2021-01-01T10:00Z', 'months', 'hours')).toBe(true)
    expect(v('DATE_COMPARE', '2020-01-01T10:00Z', '2021-01-01T10:00Z', 'years', 'hours')).toBe(false)
    expect(v('DATE_COMPARE', '2020-01-01T10:00:00Z', '2020-01-01T10:00:01Z', 'days')).toBe(true)
    expect(v('DATE_COMPARE', '2020-01-01T10:00:00Z', '2020-03-05T10:00:01Z', 'days', 'years')).toBe(true)
    expect(
      v(
        'DATE_COMPARE',
        '2023-04-01T09:00:00.000Z',
        '2024-04-01T18:00:00.000Z',
        'hour',
        'minute',
        'Europe/Berlin',
        'America/Los_Angeles',
      ),
    ).toBe(true)
    expect(warned('DATE_COMPARE', '2020-01-01', '2020-01-01', 'weeks')).toEqual([1542])
  })

  it('DATE_FORMAT placeholders', () => {
    const d = '2023-03-05T07:08:09.012Z'
    expect(v('DATE_FORMAT', d, '%yyyy-%mm-%dd %hh:%ii:%ss.%fff')).toBe('2023-03-05 07:08:09.012')
    expect(v('DATE_FORMAT', d, '%y/%m/%d %h:%i:%s.%f')).toBe('2023/3/5 7:8:9.12')
    expect(v('DATE_FORMAT', d, '%www %wwww %mmm %mmmm %w')).toBe('Sun Sunday Mar March 0')
    expect(v('DATE_FORMAT', d, '%x %xxx %k %kk %l %q %a %t')).toBe(`64 064 9 09 0 1 31 ${Date.parse(d)}`)
    expect(v('DATE_FORMAT', d, '%yy %yyyyyy %z')).toBe(`23 +002023 ${d}`)
    expect(v('DATE_FORMAT', d, '100%% %mm%&m %Q')).toBe('100% 03m Q')
    expect(v('DATE_FORMAT', '2023-12-31T23:00:00.000Z', '%yyyy-%mm-%dd', 'Europe/Berlin')).toBe('2024-01-01')
    expect(v('DATE_FORMAT', '0009-01-01', '%yyyy')).toBe('009')
  })

  it('DATE_TRUNC and DATE_ROUND', () => {
    expect(v('DATE_TRUNC', '2018-03-05T11:22:33.444Z', 'months')).toBe('2018-03-01T00:00:00.000Z')
    expect(v('DATE_TRUNC', '2018-03-05T11:22:33.444Z', 'Minute')).toBe('2018-03-05T11:22:00.000Z')
    expect(v('DATE_TRUNC', '2023-03-26T12:00:00Z', 'day', 'Europe/Berlin')).toBe('2023-03-25T23:00:00.000Z')
    expect(warned('DATE_TRUNC', '2018-03-05', 'week')).toEqual([1572])
    expect(v('DATE_ROUND', '2019-12-04T21:17:52.583Z', 5, 'minutes')).toBe('2019-12-04T21:15:00.000Z')
    expect(v('DATE_ROUND', '2019-12-04T21:27:54.005Z', 5, 'minutes')).toBe('2019-12-04T21:25:00.000Z')
    expect(warned('DATE_ROUND', '2019-12-04', 5, 'Minutes')).toEqual([1542])
    expect(warned('DATE_ROUND', '2019-12-04', 0, 'days')).toEqual([1542])
  })

  it('DATE_UTCTOLOCAL / DATE_LOCALTOUTC convert wall-clock times', () => {
    expect(v('DATE_UTCTOLOCAL', '2020-03-15T00:00:00.000', 'America/New_York')).toBe(
      '2020-03-14T20:00:00.000',
    )
    expect(v('DATE_UTCTOLOCAL', '2020-03-15T00:00:00.000', 'UTC')).toBe('2020-03-15T00:00:00.000Z')
    expect(v('DATE_UTCTOLOCAL', '2020-01-15T12:00:00Z', 'Europe/London')).toBe('2020-01-15T12:00:00.000Z')
    expect(v('DATE_UTCTOLOCAL', '2020-07-15T12:00:00Z', 'Europe/London')).toBe('2020-07-15T13:00:00.000')
    expect(v('DATE_LOCALTOUTC', '2020-03-15T00:00:00.000-02:00', 'Asia/Shanghai')).toBe(
      '2020-03-14T18:00:00.000Z',
    )
    expect(v('DATE_LOCALTOUTC', '2023-10-29T02:30:00', 'Europe/Berlin')).toBe('2023-10-29T00:30:00.000Z')
    expect(warned('DATE_UTCTOLOCAL', '2020-03-15', 'Europe/Berlin', 'yes')).toEqual([1542])
  })

  it('offsets stay exact around transitions that are not on whole hours (cached offsets)', () => {
    // Kathmandu moved from +05:30 to +05:45 at 1985-12-31T18:30:00Z
    expect(v('DATE_UTCTOLOCAL', '1985-12-31T18:00:00Z', 'Asia/Kathmandu')).toBe('1985-12-31T23:30:00.000')
    expect(v('DATE_UTCTOLOCAL', '1985-12-31T18:29:59Z', 'Asia/Kathmandu')).toBe('1985-12-31T23:59:59.000')
    expect(v('DATE_UTCTOLOCAL', '1985-12-31T18:30:00Z', 'Asia/Kathmandu')).toBe('1986-01-01T00:15:00.000')
    expect(v('DATE_UTCTOLOCAL', '1985-12-31T18:59:00Z', 'Asia/Kathmandu')).toBe('1986-01-01T00:44:00.000')
  })

  it('zone details name the period the instant falls in', () => {
    const r = call('DATE_LOCALTOUTC', '2021-03-16T12:00:00.000', 'Africa/Lagos', true).value as {
      utc: string
      zoneInfo: Record<string, unknown>
    }
    expect(r.utc).toBe('2021-03-16T11:00:00.000Z')
    expect(r.zoneInfo).toEqual({
      name: 'WAT',
      begin: '1919-08-31T23:30:00.000Z',
      end: null,
      dst: false,
      offset: 3600,
    })
    const berlin = call('DATE_UTCTOLOCAL', '2023-07-01T00:00:00Z', 'Europe/Berlin', true).value as {
      zoneInfo: Record<string, unknown>
    }
    expect(berlin.zoneInfo).toMatchObject({
      begin: '2023-03-26T01:00:00.000Z',
      end: '2023-10-29T01:00:00.000Z',
      dst: true,
      offset: 7200,
    })
  })
})
