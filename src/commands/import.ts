import { Args, Flags } from '@oclif/core'

import { BaseCommand } from '../cli/base-command.js'
import { EXIT } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import { importFlags, optionsFromFlags } from '../import/flags.js'
import { planImport, runImport } from '../import/importer.js'
import { fileSummary, progressLine, rejectedLines, totalSummary } from '../import/render.js'
import type { ImportResult } from '../import/types.js'
import { importMapped, type MappedImportResult } from '../import/mapped.js'
import { startProgress, type Progress } from '../ui/progress.js'

export default class Import extends BaseCommand<typeof Import> {
  static override summary = 'Bulk-load CSV/TSV/JSON/JSONL files into document and edge collections'
  static override description =
    'arangoimport-compatible: unquoted numbers and true/false are typed, quoted values stay strings, empty cells are left out. FILE may be - (stdin) and gzip-compressed. Exit 0 when no row was rejected, 1 when some were, 2 for usage errors.'
  static override examples = [
    '<%= config.bin %> import fixtures/airports.csv fixtures/flights.csv --graph airline',
    '<%= config.bin %> import routes.csv.gz --collection flights --translate "src=_from" --translate "dst=_to" --from-prefix airports --to-prefix airports',
  ]
  static override strict = false
  static override args = {
    file: Args.string({ description: 'input file(s); - reads stdin', required: true }),
  }
  static override flags = {
    ...importFlags,
    mapping: Flags.string({
      description:
        'write each record through a mapping: twitter, or a mapping file (docs/mapping.md), as consume does',
    }),
    transform: Flags.string({
      description: 'write each record through an ES module (as consume --transform)',
    }),
  }

  public async run(): Promise<ImportResult | MappedImportResult> {
    const { argv } = await this.parse(Import)
    const f = this.flags
    const files = argv as string[]
    const opts = optionsFromFlags(f)
    // a resumable import stops between batches on Ctrl-C (what is gathered commits, the
    // checkpoint stays); a second Ctrl-C ends it at once, the open transaction is lost with it
    const stop = new AbortController()
    let onStop: (() => void) | undefined
    const onSigint = (): void => {
      if (stop.signal.aborted) process.exit(EXIT.INTERRUPTED)
      onStop?.()
      stop.abort()
    }
    if (opts.resume || opts.restart) {
      opts.signal = stop.signal
      process.on('SIGINT', onSigint).on('SIGTERM', onSigint)
    }
    try {
      if (f.mapping || f.transform) return await this.runMapped(files, opts)
      return await this.runPlain(files, opts, (fn) => (onStop = fn))
    } finally {
      process.off('SIGINT', onSigint).off('SIGTERM', onSigint)
    }
  }

  private async runPlain(
    files: string[],
    opts: ReturnType<typeof optionsFromFlags>,
    onStop: (fn: () => void) => void,
  ): Promise<ImportResult> {
    await planImport(files, opts) // usage errors before connecting
    const { db } = await this.connect({
      verify: opts.createDatabase ? 'server' : 'database',
      engineCacheMiB: DEFAULTS.engine.importCacheMiB,
    })
    // ora loops forever clearing lines on a terminal that reports 0 columns (e.g. `script` without a size)
    const silent = this.silent || !(Number(process.stderr.columns) > 0)
    let progress: Progress | undefined
    let text = 'importing'
    const start = (): void => void (progress = startProgress(text, { silent }))
    // a line printed under a live spinner would be overdrawn: stop it, print, start it again
    const say = (line: string, restart: boolean): void => {
      const was = progress?.active
      progress?.stop()
      this.info(line)
      if (restart && was) start()
    }
    onStop(() => say('stopping after the batch in flight (Ctrl-C again to stop at once)', true))
    let result: ImportResult
    try {
      result = await runImport(db, files, opts, {
        onFileStart: (file) => {
          text = `importing ${file}`
          start()
        },
        onProgress: (p) => progress?.update((text = progressLine(p))),
        onNote: (m) => say(m, true),
        onWarning: (m) => say(`Warning: ${m}`, true),
        onFileDone: (r) => say(fileSummary(r, Boolean(opts.dryRun)), false),
      })
    } finally {
      progress?.stop()
    }
    for (const line of rejectedLines(result, opts.errorsFile)) this.info(line)
    this.info(totalSummary(result))
    if (result.total.errors > 0) process.exitCode = EXIT.FAILED
    return result
  }

  /** --mapping / --transform: records through consume's mapping and ordered writer (src/import/mapped.ts). */
  private async runMapped(
    files: string[],
    opts: ReturnType<typeof optionsFromFlags>,
  ): Promise<MappedImportResult> {
    const f = this.flags
    const { db } = await this.connect({ verify: 'database' })
    const result = await importMapped(
      db,
      files,
      opts,
      { mapping: f.mapping, transform: f.transform },
      (r) => {
        for (const x of r.rejectedRows.slice(0, DEFAULTS.import.errorsShown))
          this.info(`${x.file}:${x.line}: ${x.reason}`)
        const rs = r.resumed
        const resumed = rs?.complete
          ? ' [imported completely by an interrupted run: skipped]'
          : rs
            ? ` [resumed after line ${rs.line} (row ${rs.rows}, byte ${rs.bytes}); the counts include the ${rs.rows} rows before]`
            : ''
        this.info(
          `${r.file}: ${r.rows} rows read: ${r.written} written, ${r.deadLettered} dead-lettered, ${r.rejected} rejected, ${r.empty} empty; ${r.vertices} vertices, ${r.edges} edges, ${r.deletes} deletes${resumed}`,
        )
      },
      { onNote: (m) => this.info(m), onWarning: (m) => this.info(`Warning: ${m}`) },
    )
    if (result.total.rejected + result.total.deadLettered > 0) process.exitCode = EXIT.FAILED
    return result
  }
}
