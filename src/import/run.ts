/**
 * What one `runImport` shares across its files: options and callbacks, the rejected rows and
 * --max-errors, warnings, the collections prepared so far and the edge shapes --graph is built from.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import type { Database } from 'arangojs'

import { DEFAULTS } from '../config/defaults.js'
import { usage } from './plan.js'
import type { CollectionType, ImportCallbacks, ImportOptions, RejectedRow } from './types.js'

export interface EdgeShape {
  from: Set<string>
  to: Set<string>
}

export class ImportRun {
  readonly dryRun: boolean
  /** The run created the database (or, under --dry-run, would). */
  databaseCreated = false
  /** The first rejected rows (DEFAULTS.import.errorsShown), for the result. */
  readonly rejectedShown: RejectedRow[] = []
  /** Rejected rows of the whole import (a resumed file's earlier ones too): what --max-errors counts. */
  errorsTotal = 0
  /** --max-errors ended the run. */
  stopped = false
  readonly warnings: string[] = []
  /** Collections an earlier file of this run prepared, with their type. */
  readonly knownCollections = new Map<string, CollectionType>()
  readonly edgeShapes = new Map<string, EdgeShape>()
  readonly documentCollections = new Set<string>()
  private errorsOut?: WriteStream

  constructor(
    readonly db: Database,
    readonly opts: ImportOptions,
    readonly cb: ImportCallbacks,
  ) {
    this.dryRun = Boolean(opts.dryRun)
  }

  /** --errors-file; a resumed run appends: the file then lists every rejected row of the whole import once. */
  async openErrorsFile(append: boolean): Promise<void> {
    const path = this.opts.errorsFile
    if (!path) return
    const out = createWriteStream(path, { flags: append ? 'a' : 'w' })
    this.errorsOut = out
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve())
      out.once('error', (e) => reject(usage(`--errors-file ${path}: ${e.message}`)))
    })
  }

  /** Flush and close --errors-file. */
  async close(): Promise<void> {
    if (!this.errorsOut) return
    this.errorsOut.end()
    await finished(this.errorsOut).catch(() => {})
  }

  reject(row: RejectedRow): void {
    this.errorsTotal++
    if (this.rejectedShown.length < DEFAULTS.import.errorsShown) this.rejectedShown.push(row)
    this.errorsOut?.write(JSON.stringify(row) + '\n')
    this.cb.onRejected?.(row)
  }

  /** --max-errors is reached, counting `pending` rejected rows not reported yet. */
  maxErrorsReached(pending = 0): boolean {
    const max = this.opts.maxErrors
    return max !== undefined && this.errorsTotal + pending >= max
  }

  warn(message: string): void {
    this.warnings.push(message)
    this.cb.onWarning?.(message)
  }

  note(message: string): void {
    this.cb.onNote?.(message)
  }

  /** What --graph learns from a file: an edge collection's from/to collections, or a document collection. */
  recordShape(collection: string, type: CollectionType, shapes: EdgeShape): void {
    if (type === 'edge') {
      const prev = this.edgeShapes.get(collection)
      if (prev) {
        shapes.from.forEach((c) => prev.from.add(c))
        shapes.to.forEach((c) => prev.to.add(c))
      } else this.edgeShapes.set(collection, shapes)
    } else this.documentCollections.add(collection)
  }
}
