/**
 * Trusting an extra CA for arangojs. arangojs 10 hands `agentOptions` to an Agent of the `undici`
 * package (a dependency of graphpipe for this reason), so the CA goes to `agentOptions.connect.ca`,
 * added to Node's default roots. Certificate verification stays on: there is no switch to turn it off.
 */
import tls from 'node:tls'

/** Extra arangojs config (agentOptions) trusting `caPem`; empty without a CA. Nothing process-wide changes. */
export function tlsConfig(caPem: string | undefined): { agentOptions?: { connect: { ca: string[] } } } {
  if (!caPem) return {}
  return { agentOptions: { connect: { ca: [...tls.rootCertificates, caPem] } } }
}
