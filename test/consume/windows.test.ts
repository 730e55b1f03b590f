import { describe, expect, it } from 'vitest'

import { Windower, windowStart } from '../../src/consume/windows.js'

const opts = { windowMs: 60_000, graceMs: 2000, maxBatch: 3, maxBatchBytes: 1000 }
const msg = (publishTime: number, bytes = 10) => ({ publishTime, bytes })

describe('Windower', () => {
  it('aligns windows to multiples of the window size on publish time (Beam FixedWindows)', () => {
    expect(windowStart(Date.UTC(2026, 0, 1, 12, 34, 56, 789), 60_000)).toBe(Date.UTC(2026, 0, 1, 12, 34))
    expect(windowStart(1999, 500)).toBe(1500)
  })

  it('holds a window until processing time passes its end plus grace', () => {
    const w = new Windower(opts)
    w.add(msg(60_000 + 5))
    w.add(msg(60_000 + 59_999))
    expect(w.take(120_000 + 1999)).toEqual([])
    const out = w.take(120_000 + 2000)
    expect(out).toHaveLength(1)
    expect(out[0].start).toBe(60_000)
    expect(out[0].items).toHaveLength(2)
    expect(w.size).toBe(0)
  })

  it('keeps messages of different windows apart and returns due windows oldest first', () => {
    const w = new Windower({ ...opts, maxBatch: 100 })
    w.add(msg(130_000))
    w.add(msg(10_000))
    w.add(msg(70_000))
    const out = w.take(1_000_000)
    expect(out.map((b) => b.start)).toEqual([0, 60_000, 120_000])
  })

  it('flushes a window early at max-batch messages and again later for the rest', () => {
    const w = new Windower(opts)
    for (let i = 0; i < 4; i++) w.add(msg(1000 + i))
    expect(w.hasFull).toBe(true)
    const early = w.take(1000)
    expect(early).toHaveLength(1)
    expect(early[0].early).toBe(true)
    expect(early[0].items).toHaveLength(3)
    expect(w.size).toBe(1)
    expect(w.take(62_000)[0].items).toHaveLength(1)
  })

  it('flushes a window early at max-batch-bytes', () => {
    const w = new Windower({ ...opts, maxBatch: 100 })
    w.add(msg(1000, 600))
    expect(w.hasFull).toBe(false)
    w.add(msg(1000, 600))
    expect(w.hasFull).toBe(true)
  })

  it('puts a message for an already written window into the next write instead of dropping it', () => {
    const w = new Windower(opts)
    w.add(msg(1000))
    expect(w.take(62_000)).toHaveLength(1)
    w.add(msg(2000)) // late: its window was written already
    const next = w.take(62_001)
    expect(next).toHaveLength(1)
    expect(next[0].start).toBe(0)
    expect(next[0].items).toHaveLength(1)
  })

  it('hands over every open window at shutdown', () => {
    const w = new Windower(opts)
    w.add(msg(Date.now()))
    expect(w.take(Date.now())).toEqual([])
    expect(w.take(Date.now(), true)).toHaveLength(1)
  })
})
