/**
 * Trusting an extra CA for arangojs. arangojs 10 hands `agentOptions` to an Agent of the `undici`
 * package (a dependency of graphpipe for this reason), so the CA goes to `agentOptions.connect.ca`,
 * added to Node's default roots. Certificate verification stays on: there is no switch to turn it off.
 */
import tls from 'node:tls'

export interface TlsSetup {
  /** Extra arangojs config (agentOptions), empty without a CA. */
  config: { agentOptions?: { connect: { ca: string[] } } }
  /** Kept for callers that undo setup on close; nothing process-wide is changed. */
  restore(): void
}

export async function setupTls(caPem: string | undefined): Promise<TlsSetup> {
  if (!caPem) return { config: {}, restore: () => undefined }
  return {
    config: { agentOptions: { connect: { ca: [...tls.rootCertificates, caPem] } } },
    restore: () => undefined,
  }
}
