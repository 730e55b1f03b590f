/**
 * The loopback policy of `graphpipe server` and the engine's own server: the only hosts served
 * without a root password. `localhost`, `::1`, any 127.x.y.z, and IPv4-mapped 127.x.y.z, with or
 * without IPv6 brackets.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}
