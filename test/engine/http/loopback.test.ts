import { describe, expect, it } from 'vitest'

import { isLoopbackHost, requiresPassword } from '../../../src/engine/http/loopback.js'

// The one loopback policy: the engine's server and `graphpipe server` both decide with it.
describe('loopback policy', () => {
  const loopback = ['localhost', 'LOCALHOST', '::1', '[::1]', '127.0.0.1', '127.1.2.3', '::ffff:127.0.0.1']
  const other = ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']

  it('accepts localhost, ::1, 127.x.y.z and IPv4-mapped 127.x.y.z, bracketed or not', () => {
    for (const h of loopback) expect(isLoopbackHost(h), h).toBe(true)
  })
  it('rejects every other host', () => {
    for (const h of other) expect(isLoopbackHost(h), h).toBe(false)
  })
  it('requires a root password exactly on the hosts that are not loopback', () => {
    for (const h of loopback) expect(requiresPassword(h), h).toBe(false)
    for (const h of other) expect(requiresPassword(h), h).toBe(true)
  })
})
