/**
 * Ctrl-C while `graphpipe query` runs a query: the first stops it — on the server too, as the
 * cursor code kills the running query (DELETE /_api/query/{id}) rather than only walking away
 * from the request — and a second leaves at once with exit code 130.
 */
import { EXIT } from '../errors.js'

export interface Interrupt {
  readonly signal: AbortSignal
  /** Stop listening for SIGINT (the default handler takes over again). */
  dispose(): void
}

export function interruptOnSigint(onFirst: () => void, proc: NodeJS.Process = process): Interrupt {
  const ac = new AbortController()
  const onSigint = (): void => {
    if (ac.signal.aborted) proc.exit(EXIT.INTERRUPTED)
    ac.abort()
    onFirst()
  }
  proc.on('SIGINT', onSigint)
  return { signal: ac.signal, dispose: () => void proc.off('SIGINT', onSigint) }
}
