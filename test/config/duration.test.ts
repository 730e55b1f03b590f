import { describe, expect, it } from 'vitest'

import { formatDuration, parseDuration } from '../../src/config/duration.js'

describe('parseDuration: one grammar for every duration flag', () => {
  it('reads ms, s, m, h, d, fractions and combinations', () => {
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('1m')).toBe(60_000)
    expect(parseDuration('2h')).toBe(7_200_000)
    expect(parseDuration('1d')).toBe(86_400_000)
    expect(parseDuration('1m30s')).toBe(90_000)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(parseDuration(' 1h2m3s4ms ')).toBe(3_723_004)
  })

  it('reads a bare number as seconds', () => {
    expect(parseDuration('2')).toBe(2000)
    expect(parseDuration('1.5')).toBe(1500)
    expect(parseDuration('0')).toBe(0)
  })

  it('rejects text that is not a duration, naming the flag', () => {
    expect(() => parseDuration('1 minute', '--window')).toThrow(/--window: "1 minute" is not a duration/)
    expect(() => parseDuration('', '--grace')).toThrow(/--grace/)
    for (const bad of ['5x', 'soon', '-1s', '1m 30s', 's', '1.s'])
      expect(() => parseDuration(bad, '--window'), bad).toThrow(/--window: .* is not a duration/)
  })

  it('rejects zero where a positive duration is required (query --timeout)', () => {
    expect(() => parseDuration('0', '--timeout', { positive: true })).toThrow(
      /--timeout: "0" is not a positive duration/,
    )
    expect(() => parseDuration('0s', '--timeout', { positive: true })).toThrow(/--timeout/)
    expect(parseDuration('1m30s', '--timeout', { positive: true })).toBe(90_000)
  })

  it('raises a usage error (exit 2)', () => {
    try {
      parseDuration('soon', '--timeout')
      expect.unreachable()
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2)
    }
  })
})

describe('formatDuration', () => {
  it('prints the shortest readable form', () => {
    expect(formatDuration(250)).toBe('250ms')
    expect(formatDuration(2500)).toBe('2.5s')
    expect(formatDuration(60_000)).toBe('1m')
  })
})
