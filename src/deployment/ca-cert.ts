/**
 * `--ca-cert` / ARANGO_CA_CERT / a profile's `caCert`: a PEM file, PEM text, or the base64-encoded
 * PEM that the ArangoGraph (Oasis) dashboard hands out ("CA certificate", base64). A file may hold
 * either form too. Anything else is refused with one line: TLS trust is never guessed.
 */
import fs from 'node:fs'

import { EXIT, GraphpipeError } from '../errors.js'

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/

export interface CaCert {
  pem: string
  /** Where it came from, for messages: a file path, "inline PEM" or "inline base64". */
  origin: string
}

function fromText(text: string): string | undefined {
  const trimmed = text.trim()
  if (PEM_CERT.test(trimmed)) return trimmed + '\n'
  // base64 of a PEM: decode only when the whole value is base64, then require a certificate inside
  const compact = trimmed.replace(/\s+/g, '')
  if (compact.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    const decoded = Buffer.from(compact, 'base64').toString('utf8')
    if (PEM_CERT.test(decoded)) return decoded.trim() + '\n'
  }
  return undefined
}

/** Resolve a CA certificate value to PEM text; throws DEPLOYMENT_BAD_CA_CERT (usage) when unusable. */
export function loadCaCert(value: string, what = '--ca-cert'): CaCert {
  const inline = fromText(value)
  if (inline) return { pem: inline, origin: PEM_CERT.test(value) ? 'inline PEM' : 'inline base64' }
  let content: string
  try {
    content = fs.readFileSync(value, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new GraphpipeError(
      'DEPLOYMENT_BAD_CA_CERT',
      code === 'ENOENT'
        ? `${what}: no such file '${value}' (give a PEM file, PEM text, or the base64 form Oasis shows)`
        : `${what}: cannot read '${value}' (${code ?? String(err)})`,
      EXIT.USAGE,
    )
  }
  const pem = fromText(content)
  if (!pem) {
    throw new GraphpipeError(
      'DEPLOYMENT_BAD_CA_CERT',
      `${what}: '${value}' holds no PEM certificate (neither PEM nor base64-encoded PEM)`,
      EXIT.USAGE,
    )
  }
  return { pem, origin: value }
}
