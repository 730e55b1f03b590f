/**
 * The import core: files in, documents out through arangojs, a typed result back. No oclif here;
 * progress and rejected rows go to callbacks. runImport runs the files one after the other: plain
 * (import-file.ts) or resumable (resumable.ts), with what the run shares in an ImportRun (run.ts).
 */
import type { Database } from 'arangojs'

import { GraphpipeError } from '../errors.js'
import { ensureCheckpointCollection, removeCheckpoints } from './checkpoint.js'
import { columnWarnings, probeColumns } from './checks.js'
import { parseMergeAttribute } from './convert.js'
import { rate, sumCounts } from './file-run.js'
import { ensureGraph } from './graph.js'
import { importFile } from './import-file.js'
import { parcelsOf } from './parcels.js'
import { planImport, produceSpecs } from './plan.js'
import { importResumable, preflight } from './resumable.js'
import { ImportRun } from './run.js'
import type { FileResult, ImportCallbacks, ImportOptions, ImportResult } from './types.js'

export { planImport }

export async function runImport(
  db: Database,
  files: string[],
  opts: ImportOptions = {},
  cb: ImportCallbacks = {},
): Promise<ImportResult> {
  const plans = await planImport(files, opts)
  const started = Date.now()
  // malformed --merge-attributes are usage errors before anything is read
  for (const m of opts.mergeAttributes ?? []) parseMergeAttribute(m)
  const run = new ImportRun(db, opts, cb)
  const { dryRun } = run
  const resumable = Boolean(opts.resume || opts.restart)
  if (!resumable) await run.openErrorsFile(false)

  if (!(await db.exists())) {
    if (!opts.createDatabase)
      throw new GraphpipeError(
        'IMPORT_DATABASE',
        `database ${db.name} does not exist (use --create-database)`,
      )
    if (!dryRun) await db.database('_system').createDatabase(db.name)
    run.databaseCreated = true
    run.note(`${dryRun ? 'would create' : 'created'} database ${db.name}`)
  }

  const results: FileResult[] = []
  try {
    const specs = await produceSpecs(plans, opts)
    // checkpoints: refused resumes and the hint to resume come before anything is written
    const states = dryRun ? [] : await preflight(run, plans, specs)
    if (resumable) {
      await run.openErrorsFile(states.some((st) => st?.checkpoint || st?.complete))
      await ensureCheckpointCollection(db)
    }

    // flags naming columns that no file has: said before anything is written
    if (Object.keys(opts.translate ?? {}).length > 0 || opts.fromPrefix || opts.toPrefix) {
      const probed = []
      for (const spec of specs) probed.push({ file: spec.file, columns: await probeColumns(spec) })
      for (const w of columnWarnings(probed, opts)) run.warn(w)
    }

    for (const [i, plan] of plans.entries()) {
      if (run.stopped) break
      const st = states[i]
      const r = st
        ? await importResumable(run, plan, specs[i], st)
        : await importFile(run, plan, parcelsOf(specs[i]))
      results.push(r)
      cb.onFileDone?.(r)
    }

    let graph: ImportResult['graph']
    if (opts.graph && !run.stopped) {
      graph = await ensureGraph(
        db,
        opts.graph,
        run.edgeShapes,
        run.documentCollections,
        dryRun,
        opts.graphOptions,
      )
      const verb = graph.created
        ? dryRun
          ? 'would create'
          : 'created'
        : dryRun
          ? 'would extend'
          : 'extended'
      run.note(`${verb} graph ${graph.name}`)
    }

    // the whole run is done: its checkpoints go (a run stopped by --max-errors keeps them)
    if (resumable && !run.stopped) {
      await removeCheckpoints(
        db,
        states.flatMap((st) => (st ? [st.key] : [])),
      )
    }

    const total = sumCounts(results)
    const elapsedMs = Date.now() - started
    // rows/s of what this run read: rows before a resume point were imported by an earlier run
    const before = results.reduce((a, r) => a + (r.resumed?.rows ?? 0), 0)
    return {
      database: db.name,
      databaseCreated: run.databaseCreated,
      dryRun,
      files: results,
      total: { ...total, elapsedMs, rowsPerSecond: rate(total.rows - before, elapsedMs) },
      graph,
      rejected: run.rejectedShown,
      stopped: run.stopped,
      warnings: run.warnings,
      ...(resumable ? { resumable: true } : {}),
    }
  } finally {
    await run.close()
  }
}
