/**
 * Trusting an extra CA for arangojs. arangojs 10 hands `agentOptions` to an undici Agent, which it
 * imports from the `undici` package; when that package is installed we use it (`connect.ca`).
 * Without it, Node's own fetch (the built-in undici) is used, so we install an Agent of the
 * built-in undici as the process-wide fetch dispatcher, trusting the CAs of all connections open
 * with one, and put the original back when the last of them closes. Either way the CA is added
 * to Node's default roots, and certificate verification stays on: there is no switch to turn it off.
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

/** CAs of the connections open in this process that use the built-in fallback. */
const activeCas = new Map<number, string>()
let nextId = 1
let original: unknown
let originalSaved = false

type AgentCtor = new (opts: unknown) => { close?: () => Promise<void> }

/** Install a built-in undici Agent trusting the default roots plus every active CA (or the original). */
function installDispatcher(Agent: AgentCtor): void {
  const g = globalThis as Record<symbol, unknown>
  const current = g[GLOBAL_DISPATCHER] as { close?: () => Promise<void> } | undefined
  g[GLOBAL_DISPATCHER] =
    activeCas.size === 0
      ? original
      : new Agent({ connect: { ca: [...tls.rootCertificates, ...activeCas.values()] } })
  if (current && current !== original) void current.close?.().catch(() => undefined)
}

export async function setupTls(caPem: string | undefined): Promise<TlsSetup> {
  if (!caPem) return { config: {}, restore: () => undefined }
  const ca = [...tls.rootCertificates, caPem]
  if (await undiciAvailable())
    return { config: { agentOptions: { connect: { ca } } }, restore: () => undefined }

  // Node creates its global dispatcher on first use of fetch; a data: URL touches no network.
  await fetch('data:,')
  const g = globalThis as Record<symbol, unknown>
  if (!originalSaved) {
    original = g[GLOBAL_DISPATCHER]
    originalSaved = true
  }
  const base = original as { constructor: AgentCtor } | undefined
  if (!base) throw new Error('cannot set a CA certificate: this Node.js has no built-in fetch dispatcher')
  const id = nextId++
  activeCas.set(id, caPem)
  installDispatcher(base.constructor)
  return {
    config: {},
    restore() {
      if (!activeCas.delete(id)) return
      installDispatcher(base.constructor)
    },
  }
}
