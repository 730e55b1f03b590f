import path from 'node:path'

import { Args, Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base-command.js'
import { DEFAULTS, xdgStateDir } from '../config/defaults.js'
import { resolveBindVars } from '../query/bind.js'
import { parseDuration } from '../config/duration.js'
import { executeQuery, type ExecuteResult } from '../query/execute.js'
import { defaultFormat, FORMATS, type Format } from '../query/format/index.js'
import { runShell, type ShellResult } from '../query/shell.js'
import { resolveQuerySource } from '../query/source.js'

const G = 'QUERY'

export default class Query extends BaseCommand<typeof Query> {
  static override summary = 'Run AQL against the deployment and print the results'
  static override description =
    'The query comes from the argument, --file, or stdin; with none and stdin a terminal, an interactive shell starts. Results stream batch by batch. Exit codes: 0 success, 1 query error, 2 usage error, 3 connection, authentication or TLS error.'
  static override examples = [
    `<%= config.bin %> query 'FOR a IN airports FILTER a.vip RETURN a'`,
    `<%= config.bin %> query 'FOR a IN 1..1 OUTBOUND @start flights RETURN DISTINCT a.name' --bind start=airports/LAX`,
    `<%= config.bin %> query 'FOR d IN @@c LIMIT 3 RETURN d' --bind @c=airports --format csv`,
    `<%= config.bin %> query --file paths.aql --format dot | dot -Tsvg > paths.svg`,
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
      description:
        'bind parameter NAME=VALUE (VALUE as JSON when it parses, else a string); @coll=name for @@coll',
    }),
    'bind-file': Flags.string({ helpGroup: G, description: 'bind parameters from a JSON object file' }),
    format: Flags.string({
      helpGroup: G,
      options: [...FORMATS],
      description: 'output format (default: table on a terminal, jsonl otherwise)',
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

  public async run(): Promise<ExecuteResult | ShellResult | (ExecuteResult & { result: unknown[] })> {
    const f = this.flags
    const source = await resolveQuerySource({ arg: this.args.query, file: f.file, stdin: process.stdin })
    const bindVars = await resolveBindVars(f.bind, f['bind-file'])
    const timeoutMs =
      f.timeout === undefined ? undefined : parseDuration(f.timeout, '--timeout', { positive: true })
    const out = process.stdout
    const format = (f.format as Format | undefined) ?? defaultFormat(Boolean(out.isTTY))
    const stats = f.stats ?? (Boolean(out.isTTY) && !this.silent)
    const conn = await this.connect()
    const run = {
      batchSize: f['batch-size'],
      maxRows: f['max-rows'],
      timeoutMs,
      profile: f.profile,
      stats,
      where: conn.target.label,
    }

    if (source.kind === 'shell') {
      return runShell({
        db: conn.db,
        input: process.stdin,
        output: out,
        err: process.stderr,
        terminal: Boolean(out.isTTY),
        historyFile: path.join(xdgStateDir(), DEFAULTS.query.historyFile),
        format,
        bindVars,
        banner: `graphpipe query shell on ${conn.target.label}: end queries with ;  (.help, .exit)`,
        run,
      })
    }
    const collect = this.jsonEnabled() ? [] : undefined
    const result = await executeQuery(conn.db, {
      ...run,
      query: source.query,
      bindVars,
      format,
      out,
      err: process.stderr,
      width: out.isTTY ? out.columns : undefined,
      explain: f.explain,
      quiet: this.silent,
      collect,
    })
    return collect ? { ...result, result: collect } : result
  }
}
