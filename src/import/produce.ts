/**
 * The reading half of an import: one file in, parcels of serialized documents out. Everything
 * CPU-heavy (decompressing, splitting, converting, mapping, JSON.stringify) happens here, so that
 * it can run in a worker thread (parse-worker.ts) while the main thread only sends requests; or
 * in-process (stdin, --dry-run, tests running from source).
 */
import { parseMergeAttribute, prefixedHandle } from './convert.js'
import { DelimitedReader, JsonArrayReader, JsonLinesReader, type Item, type Reader } from './readers.js'
import { openInput } from './source.js'
import type { ImportOptions, InputType } from './types.js'
import { toDocBytes, type DocBytes } from './writer.js'

/** What a chunk of input became. Rows of a parcel are in file order: docs, rejects and empties interleave. */
export interface Parcel {
  /** The documents as UTF-8 JSON with their input lines; with `rejected` and `emptyLines` every row read. */
  docs: DocBytes
  rejected: { line: number; reason: string }[]
  /** Lines that were empty (JSON lines), counted as `empty`. */
  emptyLines: number[]
  /** Collections named by `_from` / `_to` values seen for the first time. */
  fromCollections: string[]
  toCollections: string[]
  /** Attribute names for edge detection (CSV/TSV header, or the first document's); in the first parcel that knows them. */
  names?: string[]
  /** --dry-run only: what the server would reject, per document index in `docs` (key problems; edge problems). */
  checks?: { index: number; key?: string; edge?: string }[]
  bytesRead: number
  totalBytes?: number
  /** With `ProduceSpec.hashPrefix`: SHA-256 (hex) of the first `bytesRead` bytes of the file. */
  prefixHash?: string
}

export interface ProduceSpec {
  file: string
  type: InputType
  /** The column names from --headers-file, already read. */
  header?: string[]
  opts: ImportOptions
  /**
   * Rows to read past without passing them on (a resumed import: the rows a checkpoint says are
   * committed). Rows are counted as the import counts them: documents, rejected rows, empty lines.
   */
  skipRows?: number
  /** Hash the bytes read (Parcel.prefixHash), for checkpoints. */
  hashPrefix?: boolean
}

const EMPTY = new Uint8Array(0)
const NO_NUMBERS = new Float64Array(0)
const KEY_RE = /^[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}$/

export function makeReader(spec: ProduceSpec): Reader {
  const { opts, type } = spec
  if (type === 'json') return new JsonArrayReader()
  if (type === 'jsonl') return new JsonLinesReader()
  const separator = opts.separator ?? (type === 'tsv' ? '\t' : ',')
  return new DelimitedReader({
    separator,
    // arangoimport: "in tsv, we do not use the quote char"
    quote: type === 'tsv' ? '' : (opts.quote ?? '"'),
    skipLines: opts.skipLines ?? 0,
    header: spec.header,
    convert: opts.convert ?? true,
    datatypes: opts.datatypes ?? {},
    translate: opts.translate ?? {},
    removeAttributes: opts.removeAttributes ?? [],
    mergeAttributes: (opts.mergeAttributes ?? []).map(parseMergeAttribute),
    ignoreMissing: Boolean(opts.ignoreMissing),
    prefixes: { from: opts.fromPrefix, to: opts.toPrefix, overwrite: Boolean(opts.overwritePrefix) },
    // --dry-run checks documents as objects
    json: !opts.dryRun,
  })
}

export async function* produce(spec: ProduceSpec, stdin?: NodeJS.ReadableStream): AsyncGenerator<Parcel> {
  const { opts, type } = spec
  const reader = makeReader(spec)
  const input = await openInput(spec.file, stdin, { hash: spec.hashPrefix })
  let skip = spec.skipRows ?? 0
  // CSV/TSV rename and drop columns in the converter; JSON documents get the same here
  const jsonMapping =
    (type === 'json' || type === 'jsonl') &&
    (Object.keys(opts.translate ?? {}).length > 0 || (opts.removeAttributes ?? []).length > 0)
  const seenFrom = new Set<string>()
  const seenTo = new Set<string>()
  let namesSent = false
  const decoder = new TextDecoder('utf-8')
  const items: Item[] = []

  const pack = (): Parcel => {
    const lines: number[] = []
    const texts: string[] = []
    const p: Parcel = {
      docs: { lines: NO_NUMBERS, body: EMPTY, ends: NO_NUMBERS },
      rejected: [],
      emptyLines: [],
      fromCollections: [],
      toCollections: [],
      bytesRead: input.bytesRead(),
      totalBytes: input.totalBytes,
      ...(input.prefixHash ? { prefixHash: input.prefixHash() } : {}),
    }
    if (!namesSent && reader.attributeNames) {
      p.names = reader.attributeNames
      namesSent = true
    }
    for (const item of items) {
      if (item.empty) {
        p.emptyLines.push(item.line)
        continue
      }
      if (item.json !== undefined) {
        noteCollection(item.from, seenFrom, p.fromCollections)
        noteCollection(item.to, seenTo, p.toCollections)
        lines.push(item.line)
        texts.push(item.json)
        continue
      }
      if (item.reason !== undefined || !item.doc) {
        p.rejected.push({ line: item.line, reason: item.reason ?? 'unreadable row' })
        continue
      }
      const doc = jsonMapping ? mapAttributes(item.doc, opts) : item.doc
      if (!namesSent) {
        p.names = Object.keys(doc)
        namesSent = true
      }
      applyPrefixes(doc, opts)
      noteCollection(doc._from, seenFrom, p.fromCollections)
      noteCollection(doc._to, seenTo, p.toCollections)
      if (opts.dryRun) {
        const key = keyProblem(doc)
        const edge = edgeProblem(doc)
        if (key || edge) (p.checks ??= []).push({ index: texts.length, key, edge })
      }
      lines.push(item.line)
      texts.push(JSON.stringify(doc))
    }
    items.length = 0
    if (texts.length > 0) p.docs = toDocBytes(lines, texts)
    return p
  }

  // rows of a resumed import that are committed already: read (the reader needs them to know
  // where it is), never passed on
  const skipDone = (): void => {
    if (skip === 0 || items.length === 0) return
    const n = Math.min(skip, items.length)
    items.splice(0, n)
    skip -= n
  }
  for await (const chunk of input.chunks) {
    reader.push(decoder.decode(chunk, { stream: true }), items)
    skipDone()
    if (items.length > 0) yield pack()
  }
  const tail = decoder.decode()
  if (tail) reader.push(tail, items)
  reader.end(items)
  skipDone()
  yield pack()
}

/** --translate and --remove-attribute on a JSON document's top-level attributes (order kept). */
export function mapAttributes(doc: Record<string, unknown>, opts: ImportOptions): Record<string, unknown> {
  const translate = opts.translate ?? {}
  const removed = new Set(opts.removeAttributes ?? [])
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(doc)) {
    const name = Object.hasOwn(translate, k) ? translate[k] : k
    if (removed.has(k) || removed.has(name)) continue
    out[name] = v
  }
  return out
}

/**
 * --from-prefix / --to-prefix on a document (see prefixedHandle). Done here rather than on the
 * server so that --graph and --dry-run know the collections.
 */
export function applyPrefixes(doc: Record<string, unknown>, opts: ImportOptions): void {
  const overwrite = Boolean(opts.overwritePrefix)
  if (opts.fromPrefix && doc._from !== undefined) doc._from = prefixed(doc._from, opts.fromPrefix, overwrite)
  if (opts.toPrefix && doc._to !== undefined) doc._to = prefixed(doc._to, opts.toPrefix, overwrite)
}

function prefixed(v: unknown, prefix: string, overwrite: boolean): unknown {
  if (typeof v === 'number') v = String(v)
  if (typeof v !== 'string') return v
  return prefixedHandle(v, prefix, overwrite)
}

function noteCollection(v: unknown, seen: Set<string>, out: string[]): void {
  if (typeof v !== 'string') return
  const slash = v.indexOf('/')
  if (slash <= 0) return
  const c = v.slice(0, slash)
  if (seen.has(c)) return
  seen.add(c)
  out.push(c)
}

/** What the server would reject, checked without it (--dry-run). Reasons use ArangoDB's wording. */
export function keyProblem(doc: Record<string, unknown>): string | undefined {
  if ('_key' in doc && (typeof doc._key !== 'string' || !KEY_RE.test(doc._key))) return 'illegal document key'
  return undefined
}

export function edgeProblem(doc: Record<string, unknown>): string | undefined {
  if (typeof doc._from !== 'string' || typeof doc._to !== 'string')
    return "missing '_from' or '_to' attribute"
  for (const h of [doc._from, doc._to]) {
    const slash = h.indexOf('/')
    if (slash <= 0 || !KEY_RE.test(h.slice(slash + 1))) return 'edge attribute missing or invalid'
  }
  return undefined
}
