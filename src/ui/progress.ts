/**
 * Progress on stderr for long-running commands. A spinner shows only when stderr is a TTY and the
 * command is not under --json/--quiet or in CI: ora disables its animation off a TTY but would
 * still print its text, which must not end up in logs or in captured --json output.
 *
 *   const p = startProgress('importing airports.csv', { silent: this.silent })
 *   p.update(`importing airports.csv: ${n} rows`)
 *   p.succeed('imported 6,459 rows')   // or p.fail('...'), p.stop()
 */
import ora, { type Ora } from 'ora'

export interface ProgressOptions {
  /** The command's --json/--quiet state (BaseCommand's `this.silent`). */
  silent?: boolean
  /** Defaults to process.stderr. */
  stream?: NodeJS.WriteStream
}

export interface Progress {
  /** Replace the spinner text (cheap; call as often as you like). */
  update(text: string): void
  /** Stop with a check mark and a final line (on a TTY only, like the spinner). */
  succeed(text?: string): void
  /** Stop with a cross and a final line (on a TTY only). */
  fail(text?: string): void
  /** Stop and clear, printing nothing. */
  stop(): void
  /** True when a spinner is animating (a TTY, not silent, not CI). */
  readonly active: boolean
}

/** True when the environment says we run under continuous integration. */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
}

/** Whether a spinner may animate on `stream` for a command in state `silent`. */
export function spinnerAllowed(
  silent: boolean | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): boolean {
  return !silent && Boolean(stream.isTTY) && !inCI()
}

/**
 * Start a progress indicator. Off a TTY, in CI, or when silent it prints nothing at all: commands
 * print their own summary (stdout) and diagnostics (BaseCommand.info), so logs stay free of
 * spinner frames.
 */
export function startProgress(text: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr
  let spinner: Ora | undefined
  if (spinnerAllowed(opts.silent, stream))
    spinner = ora({ text, stream, isSilent: false, discardStdin: false }).start()
  let current = text
  let done = false

  const finish = (symbol: 'succeed' | 'fail', final?: string): void => {
    if (done) return
    done = true
    spinner?.[symbol](final ?? current)
  }

  return {
    get active() {
      return spinner !== undefined && !done
    },
    update(next: string) {
      current = next
      if (spinner && !done) spinner.text = next
    },
    succeed(final?: string) {
      finish('succeed', final)
    },
    fail(final?: string) {
      finish('fail', final)
    },
    stop() {
      if (done) return
      done = true
      spinner?.stop()
    },
  }
}
