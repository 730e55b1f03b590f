import type { Database } from 'arangojs'

import type { BindVars } from './bind.js'
import { streamQuery, type CursorExtra, type CursorWarning } from './cursor.js'
import { toQueryError } from './errors.js'
import { createRenderer, Sink, type Format } from './format/index.js'
import { assertReadOnly } from './readonly.js'
import { formatExplain, formatProfile, formatStats, formatWarnings } from './report.js'

export interface ExecuteOptions {
  query: string
  bindVars: BindVars
  format: Format
  /** Where results go (stdout). */
  out: NodeJS.WritableStream
  /** Where diagnostics go (stderr): stats, warnings, profile, notes. */
  err: NodeJS.WritableStream
  /** Terminal width for the table; undefined when not a terminal. */
  width?: number
  batchSize: number
  maxRows?: number
  timeoutMs?: number
  /** Print the plan instead of running the query. */
  explain?: boolean
  profile?: boolean
  /** Print the statistics line to `err`. */
  stats?: boolean
  /** No notes or warnings on `err` (explicitly asked-for stats and profile still print). */
  quiet?: boolean
  signal?: AbortSignal
  /** The target, for connection errors (e.g. the deployment label). */
  where?: string
  /** Collect rows here instead of rendering them (for `--json`). */
  collect?: unknown[]
  /** Refuse a query whose plan writes (`--read-only`), before it runs. */
  readOnly?: boolean
  /** Told the server's id of the running query (`--verbose`). */
  onQueryId?: (id: string) => void
  /** The vertex attribute graph pictures show (`--label`). */
  label?: string
  /** Tables one attribute per line (`.x`). */
  expanded?: boolean
}

export interface ExecuteResult {
  rows: number
  truncated: boolean
  /** The output closed early (reader gone) or the run was interrupted. */
  stopped: boolean
  elapsedMs: number
  stats?: CursorExtra['stats']
  warnings: CursorWarning[]
  profile?: CursorExtra['profile']
  /** With `explain`: the server's explain answer. */
  plan?: Record<string, unknown>
}

/**
 * Runs one query (or explains it) against `db` and renders the result: the core of both
 * `graphpipe query` and the interactive shell. Throws GraphpipeError with the exit code for the kind
 * of failure.
 */
export async function executeQuery(db: Database, o: ExecuteOptions): Promise<ExecuteResult> {
  const note = (line: string): void => {
    if (!o.quiet) o.err.write(`${line}\n`)
  }
  const sink = new Sink(o.out)
  try {
    if (o.explain) {
      const plan = (await db.explain(o.query, o.bindVars)) as unknown as Record<string, unknown>
      if (o.collect === undefined) await sink.write(formatExplain(plan))
      return { rows: 0, truncated: false, stopped: false, elapsedMs: 0, warnings: [], plan }
    }
    if (o.readOnly) await assertReadOnly(db, o.query, o.bindVars)
    const collect = o.collect
    const renderer = collect
      ? undefined
      : createRenderer(o.format, sink, { width: o.width, note, label: o.label, expanded: o.expanded })
    const run = await streamQuery(
      db,
      o.query,
      o.bindVars,
      {
        batchSize: o.batchSize,
        maxRows: o.maxRows,
        timeoutMs: o.timeoutMs,
        profile: o.profile,
        signal: o.signal,
        onQueryId: o.onQueryId,
        // rows that are written and dropped: keep the heap to its live size. Not when they are kept
        // (--json, dot, mermaid): collecting early would then re-mark a growing heap for nothing.
        flatHeap: renderer !== undefined && !renderer.holdsResult,
      },
      async (rows) => {
        if (collect) for (const r of rows) collect.push(r)
        else await renderer!.push(rows)
      },
    )
    if (renderer && !run.stopped) {
      try {
        await renderer.end()
      } catch {
        run.stopped = true
      }
    }
    for (const line of formatWarnings(run.extra)) note(line)
    if (o.profile) o.err.write(formatProfile(run.extra))
    if (o.stats) o.err.write(`${formatStats(run, o.maxRows)}\n`)
    return {
      rows: run.rows,
      truncated: run.truncated,
      stopped: run.stopped,
      elapsedMs: run.elapsedMs,
      stats: run.extra.stats,
      warnings: run.extra.warnings ?? [],
      profile: run.extra.profile,
    }
  } catch (err) {
    throw toQueryError(err, o.query, o.where)
  } finally {
    sink.detach()
  }
}
