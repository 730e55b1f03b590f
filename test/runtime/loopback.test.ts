import { describe, expect, it } from 'vitest'

import { isLoopbackHost } from '../../src/runtime/loopback.js'

describe('isLoopbackHost', () => {
  it('accepts localhost, ::1, 127.x.y.z and IPv4-mapped 127.x.y.z, bracketed or not', () => {
    for (const h of ['localhost', 'LOCALHOST', '::1', '[::1]', '127.0.0.1', '127.1.2.3', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true)
  })
  it('rejects every other host', () => {
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1', '::ffff:10.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false)
  })
})
