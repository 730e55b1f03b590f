import { Command, Flags, Interfaces } from '@oclif/core'

import { DEFAULTS } from '../config/defaults.js'
import type { Connection } from '../deployment/types.js'
import { connect } from '../deployment/index.js'
import { describeError } from './errors.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * The flags every database command shares, and one way to connect, report and fail.
 * Passwords never come from a flag: ARANGO_PASSWORD, a TTY prompt, or ARANGO_TOKEN (JWT).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

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
    quiet: Flags.boolean({ char: 'q', description: 'no progress or diagnostics on stderr', default: false }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>

  public override async init(): Promise<void> {
    await super.init()
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** True when diagnostics must stay off stderr (--quiet, --json). */
  protected get silent(): boolean {
    return Boolean(this.flags.quiet) || this.jsonEnabled()
  }

  /** A diagnostic line on stderr, unless silent. */
  protected info(message: string): void {
    if (!this.silent) process.stderr.write(`${message}\n`)
  }

  /** Resolve the deployment (flags > env > profile > embedded) and connect; says the target on stderr. */
  protected async connect(): Promise<Connection> {
    const conn = await connect(this.flags, { interactive: Boolean(process.stdin.isTTY) })
    this.info(`target: ${conn.target.label}, database ${conn.target.database}`)
    return conn
  }

  /** Users never see a stack trace: one line with what and where, and the exit code for its kind. */
  protected override async catch(
    err: Error & { exitCode?: number; oclif?: { exit?: number } },
  ): Promise<any> {
    if (err.oclif?.exit !== undefined && !(err as { code?: string }).code?.startsWith?.('GRAPHPIPE')) {
      if (err.oclif.exit === 0) return
      // oclif's own parse errors (unknown flag, missing arg): usage errors, exit 2
      if ((err as { code?: string }).code === undefined && err.message) {
        process.stderr.write(`Error: ${err.message.split('\n')[0]}\n`)
        process.exitCode = 2
        return
      }
    }
    const { message, exitCode } = describeError(err)
    process.stderr.write(`Error: ${message}\n`)
    process.exitCode = exitCode
  }
}
