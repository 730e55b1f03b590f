/** A file of a plain import (or a --dry-run): its rows through BatchWriter, as many requests in flight as --concurrency. */
import type { DocumentCollection } from 'arangojs/collections'

import { DEFAULTS } from '../config/defaults.js'
import { FileRun, WRITTEN, addCounts, walkRows } from './file-run.js'
import type { Plan } from './plan.js'
import type { Parcel } from './produce.js'
import type { ImportRun } from './run.js'
import type { FileResult } from './types.js'
import { BatchWriter } from './writer.js'

export async function importFile(
  run: ImportRun,
  plan: Plan,
  parcels: AsyncGenerator<Parcel>,
): Promise<FileResult> {
  const { db, opts, dryRun } = run
  const file = new FileRun(run, plan)
  const { counts } = file
  run.cb.onFileStart?.(plan.file, plan.collection, plan.type)
  let writer: BatchWriter | undefined

  const prepare = async (names: string[]): Promise<void> => {
    await file.prepareCollection(names)
    if (dryRun) return
    writer = new BatchWriter(db.collection(plan.collection) as DocumentCollection, {
      batchSize: opts.batchSize ?? DEFAULTS.import.batchSize,
      concurrency: opts.concurrency ?? DEFAULTS.import.concurrency,
      onDuplicate: opts.onDuplicate ?? 'error',
      onBatch: (o) => {
        addCounts(counts, o, WRITTEN)
        for (const rj of o.rejected) file.rejectRow(rj.line, rj.reason)
        // the server's error count is what adds up; details only say which rows
        counts.errors += o.errors - o.rejected.length
      },
    })
  }

  try {
    for await (const parcel of parcels) {
      file.seen(parcel)
      const { docs } = parcel
      if (!file.collectionType && (parcel.names || docs.lines.length > 0)) await prepare(parcel.names ?? [])
      const checks = dryRun && parcel.checks ? new Map(parcel.checks.map((c) => [c.index, c])) : undefined
      // rows in file order, so that --max-errors stops exactly after its N-th rejected row
      await walkRows(parcel, {
        stop: () => file.stopped,
        row: () => void counts.rows++,
        docs: async (from, to) => {
          if (writer) await writer.add(docs, from, to)
        },
        doc: (index, line) => {
          if (!dryRun) return
          const ch = checks?.get(index)
          const why = ch && (ch.key ?? (file.collectionType === 'edge' ? ch.edge : undefined))
          if (why) file.rejectRow(line, why)
          else counts.created++
        },
        rejected: (line, reason) => file.rejectRow(line, reason),
        empty: () => void counts.empty++,
      })
      if (file.stopped) break
      file.tick(counts.rows)
    }
    if (!file.collectionType) await prepare([])
    await writer?.close()
  } finally {
    // stop reading a file we leave early (max-errors, failure)
    await parcels.return(undefined).catch(() => {})
  }
  file.progress(counts.rows)
  if (file.stopped) run.stopped = true
  return file.result()
}
