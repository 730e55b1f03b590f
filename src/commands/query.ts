import path from 'node:path'

import { Args, Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base-command.js'
import { createWriteStream } from 'node:fs'

import { DEFAULTS, xdgStateDir } from '../config/defaults.js'
import { getProfile } from '../deployment/profiles.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { resolveBindVars } from '../query/bind.js'
import { parseDuration } from '../config/duration.js'
import { QueryTimeoutError } from '../query/errors.js'
import { executeQuery, type ExecuteResult } from '../query/execute.js'
import { interruptOnSigint, type Interrupt } from '../query/interrupt.js'
import { defaultFormat, FORMATS, type Format } from '../query/format/index.js'
import { loadQuery } from '../query/saved.js'
import { runScript, scriptStatements, type ScriptResult } from '../query/script.js'
import { runShell, type ShellResult } from '../query/shell.js'
import { resolveQuerySource } from '../query/source.js'
import { terminalWidth } from '../query/terminal.js'

const G = 'QUERY'

export default class Query extends BaseCommand<typeof Query> {
  static override summary = 'Run AQL against the deployment and print the results'
  static override description =
    'The query comes from the argument, --file, or stdin; with none and stdin a terminal, an interactive shell starts. Results stream batch by batch. Exit codes: 0 success, 1 query error, 2 usage error, 3 connection, authentication or TLS error.'
  static override examples = [
    `<%= config.bin %> query 'FOR a IN airports FILTER a.vip RETURN a'`,
    `<%= config.bin %> query 'FOR a IN 1..1 OUTBOUND @start flights RETURN DISTINCT a.name' --bind start=airports/LAX`,
    `<%= config.bin %> query 'FOR d IN @@c LIMIT 3 RETURN d' --bind @c=airports --format csv`,
    `<%= config.bin %> query "FOR v, e IN 1..2 OUTBOUND 'airports/LAX' flights RETURN {v, e}" --format svg --out lax.svg`,
    '<%= config.bin %> query --read-only --file report.aql',
    '<%= config.bin %> query --saved busiest --bind n=5',
    '<%= config.bin %> query',
  ]

  static override args = {
    // stdin is read by resolveQuerySource (it also decides when to start the shell)
    query: Args.string({ required: false, ignoreStdin: true, description: 'AQL query ("-" reads stdin)' }),
  }

  static override flags = {
    file: Flags.string({ char: 'f', helpGroup: G, description: 'read the query from this file' }),
    bind: Flags.string({
      char: 'b',
      helpGroup: G,
      multiple: true,
      // one value per --bind, so `--bind a=1 'RETURN @a'` leaves the query to the argument
      multipleNonGreedy: true,
      description:
        'bind parameter NAME=VALUE (VALUE as JSON when it parses, else a string); @coll=name for @@coll',
    }),
    saved: Flags.string({ helpGroup: G, description: 'run a saved query (see .save in the shell)' }),
    'bind-file': Flags.string({ helpGroup: G, description: 'bind parameters from a JSON object file' }),
    format: Flags.string({
      helpGroup: G,
      options: [...FORMATS],
      description: 'output format (default: table on a terminal, jsonl otherwise)',
    }),
    out: Flags.string({
      char: 'o',
      helpGroup: G,
      description: 'write the results to this file instead of stdout (e.g. --format svg --out g.svg)',
    }),
    label: Flags.string({
      helpGroup: G,
      description:
        'vertex attribute shown in dot/mermaid/svg/graphml (default: name, label, title, then _key)',
    }),
    'read-only': Flags.boolean({
      helpGroup: G,
      allowNo: true,
      description:
        'refuse a statement whose plan writes, before it runs (default: on for a deployment profile marked readOnly)',
    }),
    yes: Flags.boolean({
      char: 'y',
      helpGroup: G,
      description: 'in the shell: do not ask before REMOVE or a whole-collection UPDATE/REPLACE',
    }),
    'fail-fast': Flags.boolean({
      helpGroup: G,
      description: 'with several statements: stop at the first that fails (the default)',
      exclusive: ['fail-at-end'],
    }),
    'fail-at-end': Flags.boolean({
      helpGroup: G,
      description: 'with several statements: run them all, then fail if any failed',
      exclusive: ['fail-fast'],
    }),
    verbose: Flags.boolean({
      char: 'v',
      helpGroup: G,
      description: "print the server's id of the running query on stderr",
    }),
    'batch-size': Flags.integer({
      helpGroup: G,
      min: 1,
      default: DEFAULTS.cursor.batchSize,
      description: 'rows per batch fetched from the cursor',
    }),
    'max-rows': Flags.integer({ helpGroup: G, min: 1, description: 'stop after this many rows' }),
    timeout: Flags.string({ helpGroup: G, description: 'give up after this long: 30s, 500ms, 1m30s, 2h' }),
    explain: Flags.boolean({
      helpGroup: G,
      description: 'print the execution plan and the indexes used; do not run',
    }),
    profile: Flags.boolean({
      helpGroup: G,
      description: 'print the query profile (phases, per-node calls/items/time) to stderr',
    }),
    stats: Flags.boolean({
      helpGroup: G,
      allowNo: true,
      description:
        'print rows, writes, scanned documents and execution time to stderr (default: on a terminal)',
    }),
  }

  private timedOut = false
  /** Stopped by Ctrl-C: like a timeout, the abandoned request must not keep the process. */
  private interrupted = false

  public async run(): Promise<
    ExecuteResult | ShellResult | ScriptResult | (ExecuteResult & { result: unknown[] })
  > {
    const f = this.flags
    if (f.saved !== undefined && (this.args.query !== undefined || f.file !== undefined)) {
      throw new GraphpipeError(
        'QUERY_NO_QUERY',
        'give one query: --saved, --file or the argument',
        EXIT.USAGE,
      )
    }
    const source =
      f.saved !== undefined
        ? { kind: 'text' as const, query: await loadQuery(f.saved), origin: `saved query ${f.saved}` }
        : await resolveQuerySource({
            arg: this.args.query,
            file: f.file,
            stdin: process.stdin,
            binds: f.bind,
          })
    const bindVars = await resolveBindVars(f.bind, f['bind-file'])
    const timeoutMs =
      f.timeout === undefined ? undefined : parseDuration(f.timeout, '--timeout', { positive: true })
    const out = f.out === undefined ? process.stdout : await openOut(f.out)
    const toTerminal = f.out === undefined && Boolean(process.stdout.isTTY)
    const format = (f.format as Format | undefined) ?? defaultFormat(toTerminal)
    const stats = f.stats ?? (Boolean(process.stderr.isTTY) && toTerminal && !this.silent)
    const profileName = f.deployment ?? process.env.GRAPHPIPE_DEPLOYMENT
    const readOnly = f['read-only'] ?? (profileName ? getProfile(profileName)?.readOnly === true : false)
    const conn = await this.connect()
    let interrupt: Interrupt | undefined
    const run = {
      batchSize: f['batch-size'],
      maxRows: f['max-rows'],
      timeoutMs,
      profile: f.profile,
      stats,
      where: conn.target.label,
      readOnly,
      label: f.label,
      onQueryId: f.verbose ? (id: string) => process.stderr.write(`query id: ${id}\n`) : undefined,
    }
    try {
      if (source.kind === 'shell') {
        return await runShell({
          db: conn.db,
          input: process.stdin,
          output: process.stdout,
          err: process.stderr,
          terminal: Boolean(process.stdout.isTTY),
          historyFile: path.join(xdgStateDir(), DEFAULTS.query.historyFile),
          format,
          bindVars,
          banner: `graphpipe query shell on ${conn.target.label}: end queries with ;  (.help, .exit)${readOnly ? '  [read-only]' : ''}`,
          confirm: !f.yes,
          run,
        })
      }
      const collect = this.jsonEnabled() ? [] : undefined
      interrupt = interruptOnSigint(() =>
        process.stderr.write(
          'interrupted: stopping the query on the server (Ctrl-C again to quit at once)\n',
        ),
      )
      const base = {
        ...run,
        signal: interrupt.signal,
        bindVars,
        format,
        out,
        err: process.stderr,
        width: f.out === undefined ? terminalWidth(process.stdout) : undefined,
        explain: f.explain,
        quiet: this.silent,
        collect,
      }
      const statements = scriptStatements(source.query)
      if (statements.length > 1) {
        const script = await runScript(conn.db, statements, { ...base, failFast: !f['fail-at-end'] })
        return collect ? { ...script, result: collect } : script
      }
      const result = await executeQuery(conn.db, { ...base, query: source.query })
      return collect ? { ...result, result: collect } : result
    } catch (err) {
      if (err instanceof QueryTimeoutError) this.timedOut = true
      throw err
    } finally {
      interrupt?.dispose()
      if (interrupt?.signal.aborted) {
        this.interrupted = true
        process.exitCode = EXIT.INTERRUPTED
      }
      if (out !== process.stdout) await new Promise<void>((resolve) => out.end(resolve))
    }
  }

  /**
   * After --timeout the embedded engine may still be busy with the query (its thread runs it to the
   * end before it reads the close message): do not wait for it, exit at the deadline. The engine
   * thread dies with the process; its SQLite store is transactional (a write cut short rolls back).
   */
  public override async finally(err: Error | undefined): Promise<any> {
    if (!this.timedOut && !this.interrupted) return super.finally(err)
    await Promise.race([super.finally(err), new Promise((resolve) => setTimeout(resolve, 200))])
    // the request the deadline gave up on still holds a socket to the busy engine: do not wait for it
    setTimeout(() => process.exit(), 100).unref()
  }
}

/** A file for --out, opened before connecting so a bad path fails at once. */
async function openOut(file: string): Promise<NodeJS.WritableStream & { end(cb: () => void): void }> {
  const stream = createWriteStream(file)
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve())
    stream.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new GraphpipeError(
          'QUERY_BAD_OUT',
          `--out ${file}: cannot write it (${err.code ?? err.message})`,
          EXIT.USAGE,
        ),
      ),
    )
  })
  return stream
}
