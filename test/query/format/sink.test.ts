import { Writable } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { OutputClosedError, Sink } from '../../../src/query/format/sink.js'

describe('sink backpressure', () => {
  it('waits for drain when the stream buffer is full, so rows never pile up', async () => {
    let release: (() => void) | undefined
    const chunks: string[] = []
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk, _enc, cb) {
        chunks.push(chunk.toString())
        release = () => cb()
      },
    })
    const sink = new Sink(slow)
    let done = false
    const p = sink.write('0123456789').then(() => (done = true))
    await new Promise((r) => setImmediate(r))
    expect(done).toBe(false)
    release!()
    await p
    expect(done).toBe(true)
    expect(chunks).toEqual(['0123456789'])
  })

  it('turns a closed reader (EPIPE) into OutputClosedError on the next write', async () => {
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const sink = new Sink(broken)
    await sink.write('a').catch(() => {})
    await new Promise((r) => setImmediate(r))
    expect(sink.isClosed).toBe(true)
    await expect(sink.write('b')).rejects.toBeInstanceOf(OutputClosedError)
  })
})
