/**
 * Checkpoints of resumable imports (`graphpipe import --resume`, docs/import.md "Resuming").
 *
 * One document per (file, target) in the collection `graphpipe_checkpoints` of the target
 * database, beside the data as consume's `graphpipe_versions` (never inside users' collections
 * or documents). It is written in the same stream transaction as each batch of rows, so it says
 * exactly which rows are committed: the first `rows` rows of the file (documents, rejected rows
 * and empty lines alike, as the summary counts them). With it: the file's size and mtime, and the
 * SHA-256 of its first `bytes` bytes (the part that held those rows), to refuse a file that
 * changed; and the options that shape the documents, to refuse a resume that would write them
 * differently.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { Database } from 'arangojs'
import { isArangoError } from 'arangojs/errors'

import { DEFAULTS } from '../config/defaults.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { PREFIX_HASH } from './source.js'
import type { CollectionType, ImportOptions, InputType } from './types.js'
import { formatCount } from '../ui/numbers.js'

export const CHECKPOINT_COLLECTION = DEFAULTS.import.checkpointCollection

export interface CheckpointCounts {
  created: number
  updated: number
  ignored: number
  empty: number
  errors: number
}

/** Where a file stands: its first `rows` rows are committed (their last on line `line`). */
export interface Position {
  rows: number
  /** Line of the last committed row (0 before the first). */
  line: number
  /** Bytes of the file (as stored on disk: compressed for .gz) read when that row was parsed. */
  bytes: number
  /** SHA-256 (hex) of those bytes. */
  hash: string
}

export interface Checkpoint extends Position {
  _key: string
  kind: 'graphpipe import'
  /** The file as the command line named it, and its real path (the identity). */
  file: string
  path: string
  /** The target: a collection name, or `mapping NAME` for --mapping/--transform imports. */
  target: string
  type: InputType
  size: number
  mtimeMs: number
  counts: CheckpointCounts
  /** The options that shape the documents, by flag name (see resultOptions). */
  options: Record<string, unknown>
  collectionType?: CollectionType
  collectionCreated?: boolean
  /** Documents the collection held before the import began, when its rows had no _key. */
  keylessBeside?: number
  /** Collections named by `_from` / `_to` values so far (for --graph after a resume). */
  fromCollections: string[]
  toCollections: string[]
  /** The file is imported completely; the checkpoint stays until the whole run is done. */
  done: boolean
  startedAt: string
  updatedAt: string
}

export interface FileIdentity {
  file: string
  path: string
  size: number
  mtimeMs: number
}

export async function identify(file: string): Promise<FileIdentity> {
  const path = await realpath(file)
  const st = await stat(path)
  return { file, path, size: st.size, mtimeMs: st.mtimeMs }
}

/** The checkpoint's `_key`: a digest of the file's real path and the target. */
export function checkpointKey(path: string, target: string): string {
  return createHash('sha256').update(`${path}\n${target}`).digest('hex').slice(0, 40)
}

/** SHA-256 (hex) of the first `bytes` bytes of `path` (undefined when the file is shorter). */
export async function hashPrefix(path: string, bytes: number): Promise<string | undefined> {
  const h = createHash(PREFIX_HASH)
  if (bytes === 0) return h.digest('hex')
  let n = 0
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) {
    n += (chunk as Buffer).length
    h.update(chunk as Buffer)
  }
  return n === bytes ? h.digest('hex') : undefined
}

const sortedEntries = (o: Record<string, unknown> | undefined): [string, unknown][] =>
  Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/**
 * The options that decide which documents a file's rows become and how they are written, by
 * their flag names (values as resolved for this file: the separator TSV defaults to, the
 * columns --headers-file gives). A resume must run with the same ones. Not in it: what only
 * changes how fast or how verbosely (--batch-size, --concurrency, --errors-file, --max-errors),
 * and --graph, which is made after the last file either way.
 */
export function resultOptions(
  type: InputType,
  opts: ImportOptions,
  header: string[] | undefined,
): Record<string, unknown> {
  return {
    type,
    separator: opts.separator ?? (type === 'tsv' ? '\t' : ','),
    quote: type === 'tsv' ? '' : (opts.quote ?? '"'),
    'skip-lines': opts.skipLines ?? 0,
    'headers-file': header ?? null,
    convert: opts.convert ?? true,
    datatype: sortedEntries(opts.datatypes),
    'ignore-missing': Boolean(opts.ignoreMissing),
    translate: sortedEntries(opts.translate),
    'remove-attribute': [...(opts.removeAttributes ?? [])].sort(),
    'from-prefix': opts.fromPrefix ?? null,
    'to-prefix': opts.toPrefix ?? null,
    'overwrite-prefix': Boolean(opts.overwritePrefix),
    'merge-attributes': opts.mergeAttributes ?? [],
    'on-duplicate': opts.onDuplicate ?? 'error',
    overwrite: Boolean(opts.overwrite),
  }
}

/** The first option whose value differs, as `--flag (was X, now Y)`; undefined when none does. */
export function optionDifference(
  was: Record<string, unknown>,
  now: Record<string, unknown>,
): string | undefined {
  for (const k of new Set([...Object.keys(was), ...Object.keys(now)])) {
    const a = JSON.stringify(was[k] ?? null)
    const b = JSON.stringify(now[k] ?? null)
    if (a !== b) return `--${k} (was ${show(was[k])}, now ${show(now[k])})`
  }
  return undefined
}

function show(v: unknown): string {
  if (v === undefined || v === null) return 'not given'
  if (v === true) return 'given'
  if (v === false) return 'not given'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v) && v.length === 0) return 'not given'
  if (Array.isArray(v))
    return v.map((x) => (Array.isArray(x) ? `${String(x[0])}=${String(x[1])}` : String(x))).join(' ')
  return JSON.stringify(v)
}

const NOT_FOUND = new Set([1202, 1203])

/** The checkpoint under `key`, or undefined (none, or no checkpoint collection yet). */
export async function readCheckpoint(db: Database, key: string): Promise<Checkpoint | undefined> {
  try {
    return (await db.collection(CHECKPOINT_COLLECTION).document(key)) as unknown as Checkpoint
  } catch (err) {
    if (isArangoError(err) && NOT_FOUND.has(err.errorNum)) return undefined
    throw err
  }
}

/** Every checkpoint of `target` (another path's, for the warning that the file may have moved). */
export async function checkpointsOf(db: Database, target: string): Promise<Checkpoint[]> {
  try {
    const cursor = await db.query('FOR c IN @@c FILTER c.target == @target RETURN UNSET(c, "_id", "_rev")', {
      '@c': CHECKPOINT_COLLECTION,
      target,
    })
    return (await cursor.all()) as Checkpoint[]
  } catch (err) {
    if (isArangoError(err) && NOT_FOUND.has(err.errorNum)) return []
    throw err
  }
}

/** Create the checkpoint collection when it is missing (a race with another import is fine). */
export async function ensureCheckpointCollection(db: Database): Promise<void> {
  const col = db.collection(CHECKPOINT_COLLECTION)
  if (await col.exists()) return
  try {
    await db.createCollection(CHECKPOINT_COLLECTION)
  } catch (err) {
    // 1207 duplicate name: created meanwhile
    if (!(isArangoError(err) && err.errorNum === 1207)) throw err
  }
}

export async function removeCheckpoints(db: Database, keys: string[]): Promise<void> {
  if (keys.length === 0) return
  try {
    await db.collection(CHECKPOINT_COLLECTION).removeAll(keys)
  } catch (err) {
    if (!(isArangoError(err) && NOT_FOUND.has(err.errorNum))) throw err
  }
}

const n = formatCount

/** "after line 412,345 (row 412,344, byte 52,428,800)" */
export function describePosition(p: Position): string {
  return `after line ${n(p.line)} (row ${n(p.rows)}, byte ${n(p.bytes)})`
}

/**
 * Why a checkpoint cannot be resumed with this file, or undefined when it can: a file whose
 * size or first `bytes` bytes differ is another file now (appending counts: rows would follow
 * that the interrupted import never saw). An mtime alone is no change (`touch`, a copy, a
 * restore): the bytes decide.
 */
export async function fileChange(cp: Checkpoint, id: FileIdentity): Promise<string | undefined> {
  if (id.size !== cp.size)
    return `its size changed (${n(cp.size)} bytes when the import began, ${n(id.size)} now)`
  const h = await hashPrefix(id.path, cp.bytes)
  if (h !== cp.hash) return `its first ${n(cp.bytes)} bytes, imported already, are not the same any more`
  return undefined
}

export function usage(message: string): GraphpipeError {
  return new GraphpipeError('IMPORT_RESUME', message, EXIT.USAGE)
}

/** A file of an import and where its rows go: the identity of its checkpoint. */
export interface CheckpointPlan {
  file: string
  /** A collection, or `mapping NAME`. */
  target: string
  /** The options that shape its documents (resultOptions, plus a mapping's). */
  options: Record<string, unknown>
}

/** A file of a resumable import: its checkpoint's key, and where it stands. */
export interface Resumption {
  key: string
  id: FileIdentity
  options: Record<string, unknown>
  /** The checkpoint to continue from. */
  checkpoint?: Checkpoint
  /** An earlier run imported the file completely (the run it belonged to did not finish). */
  complete?: Checkpoint
}

export interface ResumptionHooks {
  warn(message: string): void
  /** Why a checkpoint cannot go on besides file and options (e.g. its collection is gone). */
  refuse?(plan: CheckpointPlan, cp: Checkpoint): Promise<string | undefined>
  /** What --restart leaves behind of a discarded checkpoint's rows. */
  restartNote(plan: CheckpointPlan, cp: Checkpoint): string
}

/**
 * The checkpoint of every file (stdin and plain imports: undefined), before anything is written.
 * Without --resume or --restart a checkpoint stops the run with the hint how to go on; with
 * --resume one that cannot be continued (another file now, other options, `hooks.refuse`) stops
 * it; with --restart the checkpoints go (with `hooks.restartNote` as a warning).
 */
export async function resumptions(
  db: Database,
  plans: CheckpointPlan[],
  mode: { resume?: boolean; restart?: boolean },
  hooks: ResumptionHooks,
): Promise<(Resumption | undefined)[]> {
  const resumable = Boolean(mode.resume || mode.restart)
  const states: (Resumption | undefined)[] = []
  const exists = await db.collection(CHECKPOINT_COLLECTION).exists()
  if (!resumable && !exists) return states
  const keys = new Set<string>()
  const discarded: { plan: CheckpointPlan; cp: Checkpoint }[] = []
  for (const plan of plans) {
    if (plan.file === '-') {
      states.push(undefined)
      continue
    }
    const id = await identify(plan.file)
    const key = checkpointKey(id.path, plan.target)
    const cp = exists ? await readCheckpoint(db, key) : undefined
    const where = `${plan.file} -> ${plan.target}`
    if (!resumable) {
      if (cp) {
        const what = cp.done
          ? `an interrupted run imported it completely (${n(cp.rows)} rows) but did not finish: add --resume to skip it and finish the run`
          : `an interrupted import left a checkpoint ${describePosition(cp)}, committed ${cp.updatedAt}: add --resume to continue it`
        throw usage(
          `${where}: ${what}, or --restart to discard the checkpoint and import the file from its first row`,
        )
      }
      states.push(undefined)
      continue
    }
    if (keys.has(key)) throw usage(`${where}: the same file and target twice in one resumable import`)
    keys.add(key)
    const st: Resumption = { key, id, options: plan.options }
    states.push(st)
    if (!cp) {
      if (mode.resume && exists) {
        // the same target with another file's checkpoint: perhaps this file, moved
        const others = (await checkpointsOf(db, plan.target)).filter((c) => c.path !== id.path)
        for (const o of others)
          hooks.warn(
            `${where}: no checkpoint for this file, starting from its first row; ${plan.target} has one of ${o.path} ${describePosition(o)}: if that is this file moved, import it from there to resume`,
          )
      }
      continue
    }
    if (mode.restart) {
      discarded.push({ plan, cp })
      continue
    }
    if (cp.done) {
      st.complete = cp
      continue
    }
    const diff = optionDifference(cp.options, plan.options)
    if (diff)
      throw usage(
        `${where}: cannot resume with other options: ${diff}; resume with the options of the interrupted import, or --restart to start over`,
      )
    const change = await fileChange(cp, id)
    if (change)
      throw usage(
        `${where}: cannot resume: ${plan.file} changed since the interrupted import (${change}); --restart imports it from its first row`,
      )
    const refused = await hooks.refuse?.(plan, cp)
    if (refused) throw usage(`${where}: cannot resume: ${refused}`)
    st.checkpoint = cp
  }
  for (const { plan, cp } of discarded)
    hooks.warn(
      `${plan.file} -> ${plan.target}: --restart discards the checkpoint ${describePosition(cp)}; ${hooks.restartNote(plan, cp)}`,
    )
  await removeCheckpoints(
    db,
    discarded.map((d) => d.cp._key),
  )
  return states
}
