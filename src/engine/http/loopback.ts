/**
 * The one loopback policy of the engine (and of `graphpipe server`): the engine serves without a
 * root password only on a loopback host; anywhere else a password is required.
 */

/** localhost, ::1, 127.0.0.0/8 and its IPv4-mapped IPv6 form (brackets allowed). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** True when serving on `host` needs a root password (any non-loopback host). */
export function requiresPassword(host: string): boolean {
  return !isLoopbackHost(host)
}
