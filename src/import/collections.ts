/** The target collection of a file: checked, created or truncated before its first row is written. */
import type { ImportRun } from './run.js'
import { GraphpipeError } from '../errors.js'
import { usage } from './plan.js'
import type { CollectionType } from './types.js'

export interface PreparedCollection {
  type: CollectionType
  created: boolean
  /** Documents it held already (0 when --overwrite emptied it, or an earlier file of this run filled it). */
  existing: number
}

export async function prepareCollection(
  run: ImportRun,
  name: string,
  detected: CollectionType,
): Promise<PreparedCollection> {
  const { db, opts, dryRun } = run
  const known = run.knownCollections.get(name)
  // an earlier file of this run filled it: what it added is no trap
  if (known) return { type: known, created: false, existing: 0 }
  const col = db.collection(name)
  const exists = run.databaseCreated && dryRun ? false : await col.exists()
  let type: CollectionType
  let created = false
  let existing = 0
  if (exists) {
    const info = await col.get()
    type = info.type === 3 ? 'edge' : 'document'
    if (opts.collectionType && opts.collectionType !== type) {
      throw usage(`collection ${name} exists as a ${type} collection, not ${opts.collectionType}`)
    }
    if (!opts.overwrite) existing = (await col.count()).count
    if (opts.overwrite) {
      if (!dryRun) await col.truncate()
      run.note(`${dryRun ? 'would truncate' : 'truncated'} collection ${name}`)
    }
  } else {
    if (opts.createCollection === false) {
      throw new GraphpipeError(
        'IMPORT_COLLECTION',
        `collection ${name} does not exist (and --no-create-collection is set)`,
      )
    }
    type = opts.collectionType ?? detected
    if (!dryRun) {
      if (type === 'edge') await db.createEdgeCollection(name)
      else await db.createCollection(name)
    }
    created = true
    run.note(`${dryRun ? 'would create' : 'created'} collection ${name} (${type})`)
  }
  run.knownCollections.set(name, type)
  return { type, created, existing }
}
