import { describe, expect, it } from 'vitest'

import { formatDuration, parseDuration } from '../../src/consume/duration.js'

describe('parseDuration', () => {
  it('reads ms, s, m, h and combinations', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('1m')).toBe(60_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('1m30s')).toBe(90_000)
    expect(parseDuration('1.5s')).toBe(1500)
  })

  it('reads a bare number as seconds', () => {
    expect(parseDuration('2')).toBe(2000)
  })

  it('rejects text that is not a duration, naming the flag', () => {
    expect(() => parseDuration('1 minute', '--window')).toThrow(/--window: "1 minute" is not a duration/)
    expect(() => parseDuration('', '--grace')).toThrow(/--grace/)
    expect(() => parseDuration('5x')).toThrow(/not a duration/)
  })

  it('formats durations shortly', () => {
    expect(formatDuration(250)).toBe('250ms')
    expect(formatDuration(2500)).toBe('2.5s')
    expect(formatDuration(60_000)).toBe('1m')
  })
})
