/**
 * Checks a new user needs before anything is written (issue 15, part 5): the columns the flags
 * name must exist in the files, or `--translate ' source airport=_from'` typed without its
 * leading space silently makes a plain document collection instead of edges.
 *
 * `probeColumns` reads only the head of a file: the header line of a CSV/TSV (after
 * --skip-lines, or --headers-file), or the top-level attribute names of the first JSON document.
 */
import { DelimitedSplitter } from './delimited.js'
import { JsonArrayReader, JsonLinesReader, type Item, type Reader } from './readers.js'
import { openInput } from './source.js'
import type { ImportOptions, InputType } from './types.js'
import { formatCount } from '../ui/numbers.js'

/** Stop looking for the header / first document after this much text. */
const PROBE_LIMIT_CHARS = 4 << 20
const SHOWN_COLUMNS = 20

export interface ProbeSpec {
  file: string
  type: InputType
  header?: string[]
  opts: ImportOptions
}

/** The column (attribute) names of a file as written in it, before --translate; undefined when unknown (stdin, empty file). */
export async function probeColumns(spec: ProbeSpec): Promise<string[] | undefined> {
  if (spec.file === '-') return undefined
  if (spec.header) return spec.header
  const input = await openInput(spec.file)
  const decoder = new TextDecoder('utf-8')
  let found: string[] | undefined
  let seen = 0
  const it = input.chunks[Symbol.asyncIterator]()
  try {
    if (spec.type === 'csv' || spec.type === 'tsv') {
      let skip = spec.opts.skipLines ?? 0
      const sp = new DelimitedSplitter(
        {
          separator: spec.opts.separator ?? (spec.type === 'tsv' ? '\t' : ','),
          quote: spec.type === 'tsv' ? '' : (spec.opts.quote ?? '"'),
        },
        {
          record: (fields) => {
            if (found) return
            if (skip > 0) skip--
            else found = fields.slice()
          },
          malformed: () => {
            if (skip > 0) skip--
          },
        },
      )
      for (;;) {
        const next = await it.next()
        if (next.done) {
          if (!found) sp.end()
          break
        }
        const text = decoder.decode(next.value, { stream: true })
        seen += text.length
        sp.push(text)
        if (found || seen > PROBE_LIMIT_CHARS) break
      }
      return found
    }
    const reader: Reader = spec.type === 'json' ? new JsonArrayReader() : new JsonLinesReader()
    const items: Item[] = []
    const firstDoc = (): string[] | undefined => {
      const doc = items.find((i) => i.doc)?.doc
      return doc ? Object.keys(doc) : undefined
    }
    for (;;) {
      const next = await it.next()
      if (next.done) {
        reader.end(items)
        return firstDoc()
      }
      const text = decoder.decode(next.value, { stream: true })
      seen += text.length
      reader.push(text, items)
      found = firstDoc()
      if (found || seen > PROBE_LIMIT_CHARS) return found
    }
  } finally {
    await it.return?.(undefined).catch(() => {})
  }
}

export interface ProbedFile {
  file: string
  /** As written in the file (before --translate); undefined when unknown. */
  columns?: string[]
}

function showColumns(cols: string[]): string {
  const shown = cols.slice(0, SHOWN_COLUMNS).map((c) => (c === c.trim() ? c : JSON.stringify(c)))
  return shown.join(', ') + (cols.length > SHOWN_COLUMNS ? `, ... (${cols.length} columns)` : '')
}

/** A column of the file that differs from `name` only by case or surrounding blanks. */
function nearColumn(name: string, cols: string[]): string | undefined {
  const want = name.trim().toLowerCase()
  return cols.find((c) => c !== name && c.trim().toLowerCase() === want)
}

function filesHave(files: ProbedFile[]): string {
  return files
    .filter((f) => f.columns)
    .map((f) => `${f.file} has: ${showColumns(f.columns!)}`)
    .join('; ')
}

/**
 * Warnings about flags that name columns no input has: `--translate OLD=NEW` whose OLD is in no
 * file, and `--from-prefix` / `--to-prefix` when no file has a `_from` / `_to` column after
 * translation. Each names the columns the files do have (and a near miss, such as the same name
 * with a leading space). Files whose columns cannot be known in advance (stdin) silence the check.
 */
export function columnWarnings(files: ProbedFile[], opts: ImportOptions): string[] {
  if (files.length === 0 || files.some((f) => !f.columns)) return []
  const all = files.flatMap((f) => f.columns!)
  const has = new Set(all)
  const translate = opts.translate ?? {}
  const out: string[] = []
  for (const [from, to] of Object.entries(translate)) {
    if (has.has(from)) continue
    const near = nearColumn(from, all)
    const hint = near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''
    out.push(
      `--translate ${JSON.stringify(`${from}=${to}`)}: no input has a column ${JSON.stringify(from)}${hint}; ${filesHave(files)}`,
    )
  }
  const translated = new Set(all.map((c) => (Object.hasOwn(translate, c) ? translate[c] : c)))
  for (const [flag, attr, prefix] of [
    ['--from-prefix', '_from', opts.fromPrefix],
    ['--to-prefix', '_to', opts.toPrefix],
  ] as const) {
    if (prefix === undefined || translated.has(attr)) continue
    out.push(
      `${flag} ${prefix}: no input has a ${attr} column (after --translate), so no edges are made; ${filesHave(files)}`,
    )
  }
  return out
}

/** The trap of importing the same keyless rows twice (issue 15, part 5). */
export function duplicateRowsWarning(
  file: string,
  collection: string,
  existing: number,
  dryRun: boolean,
): string {
  return (
    `${collection} already holds ${formatCount(existing)} documents and the rows of ${file} have no _key: ` +
    `they ${dryRun ? 'would be' : 'are'} added as new documents beside them ` +
    `(use --overwrite to replace the collection's contents, or give the rows keys, e.g. --translate COLUMN=_key)`
  )
}
