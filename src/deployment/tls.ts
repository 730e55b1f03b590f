/**
 * Trusting an extra CA for arangojs. arangojs 10 hands `agentOptions` to an undici Agent, which it
 * imports from the `undici` package; when that package is installed we use it (`connect.ca`).
 * Without it, Node's own fetch (the built-in undici) is used, so we install an Agent of the
 * built-in undici as the process-wide fetch dispatcher for the life of the connection and put the
 * previous one back on close. Either way the CA is added to Node's default roots, and certificate
 * verification stays on: there is no switch to turn it off.
 */
import tls from 'node:tls'

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')

export interface TlsSetup {
  /** Extra arangojs config (agentOptions), empty when the built-in fallback is used. */
  config: { agentOptions?: { connect: { ca: string[] } } }
  /** Undo process-wide changes (the fallback's dispatcher). */
  restore(): void
}

async function undiciAvailable(): Promise<boolean> {
  try {
    const name = 'undici'
    await import(name)
    return true
  } catch {
    return false
  }
}

export async function setupTls(caPem: string | undefined): Promise<TlsSetup> {
  if (!caPem) return { config: {}, restore: () => undefined }
  const ca = [...tls.rootCertificates, caPem]
  if (await undiciAvailable())
    return { config: { agentOptions: { connect: { ca } } }, restore: () => undefined }

  // Node creates its global dispatcher on first use of fetch; a data: URL touches no network.
  await fetch('data:,')
  const g = globalThis as Record<symbol, unknown>
  const previous = g[GLOBAL_DISPATCHER] as { constructor: new (opts: unknown) => unknown } | undefined
  if (!previous) throw new Error('cannot set a CA certificate: this Node.js has no built-in fetch dispatcher')
  const Agent = previous.constructor
  g[GLOBAL_DISPATCHER] = new Agent({ connect: { ca } })
  let restored = false
  return {
    config: {},
    restore() {
      if (restored) return
      restored = true
      const mine = g[GLOBAL_DISPATCHER] as { close?: () => Promise<void> }
      g[GLOBAL_DISPATCHER] = previous
      void mine.close?.().catch(() => undefined)
    },
  }
}
