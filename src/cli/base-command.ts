import { Command, Flags, Interfaces } from '@oclif/core'

import { DEFAULTS } from '../config/defaults.js'
import type { Connection } from '../deployment/types.js'
import { connect, type ConnectOptions } from '../deployment/index.js'
import { EXIT, GraphpipeError, describeError } from '../errors.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>
export type PlainFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof GraphpipeCommand)['baseFlags'] & T['flags']
>

const quietFlag = {
  quiet: Flags.boolean({ char: 'q', description: 'no progress or diagnostics on stderr', default: false }),
}

/** oclif's parse errors span lines ("Parsing --port \n\tExpected an integer ..."): keep them on one. */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) => l !== '' && !/^See more help with/.test(l) && !/^The following errors? occurred:?$/.test(l),
    )
    .reduce((acc, l) => (acc === '' ? l : acc.endsWith(':') ? `${acc} ${l}` : `${acc}: ${l}`), '')
    .replace(/\s+/g, ' ')
}

/** One clear line for oclif's parse errors; its "Missing 1 required arg" lists the args on lines of their own. */
function usageLine(err: Error & { args?: { name?: string }[] }): string {
  if (err.constructor?.name === 'RequiredArgsError' && Array.isArray(err.args)) {
    const names = err.args.map((a) => a.name).filter(Boolean)
    const s = names.length === 1 ? '' : 's'
    return `missing required argument${s}${names.length ? ` ${names.map((n) => `<${n}>`).join(', ')}` : ''} (arguments go before repeatable flags; see --help)`
  }
  return oneLine(err.message)
}

/** The part of every graphpipe command that is not about databases: --json, --quiet, errors. */
export abstract class GraphpipeCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  static override baseFlags = quietFlag

  protected flags!: PlainFlags<T>
  protected args!: BaseArgs<T>

  public override async init(): Promise<void> {
    await super.init()
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: this.ctor.baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as PlainFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** True when diagnostics must stay off stderr (--quiet, --json). */
  protected get silent(): boolean {
    return Boolean((this.flags as { quiet?: boolean }).quiet) || this.jsonEnabled()
  }

  /** A line of data on stdout (plain process.stdout, so in-process test runs can capture it). */
  protected out(line: string): void {
    process.stdout.write(`${line}\n`)
  }

  /** A diagnostic line on stderr, unless silent. */
  protected info(message: string): void {
    if (!this.silent) process.stderr.write(`${message}\n`)
  }

  /**
   * Users never see a stack trace (unless DEBUG is set): one line with what and where, and the
   * exit code for its kind. Under --json the error is the only thing on stdout, as oclif's own
   * `toErrorJson` shapes it: `{"error": {"code", "message", "exitCode"}}`.
   */
  protected override async catch(
    err: Error & { exitCode?: number; code?: string; oclif?: { exit?: number } },
  ): Promise<any> {
    if (err.oclif?.exit === 0) return // --help, --version
    let failure: { code: string; message: string; exitCode: number }
    if (err.oclif?.exit !== undefined && !(err instanceof GraphpipeError) && err.code === undefined) {
      // oclif's own parse errors (unknown flag, missing arg, bad value): usage errors, exit 2
      failure = { code: 'USAGE', message: usageLine(err), exitCode: EXIT.USAGE }
      this.parsed = true // it did parse, and failed: no "did not parse its arguments" warning
    } else {
      const { message, exitCode } = describeError(err)
      failure = { code: typeof err.code === 'string' ? err.code : 'FAILED', message, exitCode }
    }
    if (process.env.DEBUG && err.stack) process.stderr.write(`${err.stack}\n`)
    if (this.jsonEnabled()) process.stdout.write(`${JSON.stringify({ error: failure }, null, 2)}\n`)
    else process.stderr.write(`Error: ${failure.message}\n`)
    process.exitCode = failure.exitCode
  }
}

/**
 * The flags every database command shares, and one way to connect, report and fail.
 * Passwords never come from a flag: ARANGO_PASSWORD, a TTY prompt, or ARANGO_TOKEN (JWT).
 */
export abstract class BaseCommand<T extends typeof Command> extends GraphpipeCommand<T> {
  static override baseFlags = {
    url: Flags.string({
      helpGroup: 'DEPLOYMENT',
      description:
        'ArangoDB URL; several comma-separated URLs are coordinators of one cluster [env: ARANGO_URL]',
    }),
    database: Flags.string({
      helpGroup: 'DEPLOYMENT',
      description: `database name [env: ARANGO_DATABASE] (default: ${DEFAULTS.database})`,
    }),
    username: Flags.string({
      helpGroup: 'DEPLOYMENT',
      description: `user name [env: ARANGO_USERNAME] (default: ${DEFAULTS.username}); the password comes from ARANGO_PASSWORD or a prompt`,
    }),
    'ca-cert': Flags.string({
      helpGroup: 'DEPLOYMENT',
      description:
        'CA certificate to trust for TLS: a PEM file, or the base64 form Oasis shows [env: ARANGO_CA_CERT]',
    }),
    deployment: Flags.string({
      helpGroup: 'DEPLOYMENT',
      description: 'a named deployment profile (see `graphpipe deployments`) [env: GRAPHPIPE_DEPLOYMENT]',
    }),
    'data-dir': Flags.string({
      helpGroup: 'DEPLOYMENT',
      description:
        'data directory of the embedded engine [env: GRAPHPIPE_DATA_DIR] (default: ~/.local/share/graphpipe)',
    }),
    ...quietFlag,
  }

  declare protected flags: BaseFlags<T>

  private connections: Connection[] = []

  /**
   * Resolve the deployment (flags > env > profile > embedded) and connect; says the target on
   * stderr. Checks that the server answers, the credentials work and the database exists (pass
   * `{verify: 'server'}` when the command creates the database itself). Connections still open when
   * the command ends are closed for it (an embedded engine would keep the process alive).
   */
  protected async connect(opts: Partial<ConnectOptions> = {}): Promise<Connection> {
    const conn = await connect(this.flags, { interactive: Boolean(process.stdin.isTTY), ...opts })
    this.connections.push(conn)
    this.info(`target: ${conn.target.label}, database ${conn.target.database}`)
    return conn
  }

  public override async finally(err: Error | undefined): Promise<any> {
    const open = this.connections
    this.connections = []
    await Promise.allSettled(open.map((c) => c.close()))
    return super.finally(err)
  }
}
