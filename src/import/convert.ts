/**
 * CSV/TSV rows to documents, as arangoimport makes them. Sources: the arangoimport manual,
 * "arangoimport Examples CSV / TSV" (docs.arangodb.com/3.12/components/tools/arangoimport/examples-csv):
 * - values left empty are absent from the document; "this is also true for unquoted null literals";
 * - unquoted numbers become numbers (leading zeros dropped: `0123` -> 123), unquoted true/false booleans;
 * - "Any values enclosed in quotes will be treated as strings"; `--convert false` keeps all as strings;
 * - `--datatype ATTR=number|boolean|string|null` takes precedence over `--convert` and quoting:
 *   number: numeric-looking values (quoted or not) as numbers, anything else 0; boolean: `false`, `null`
 *   and `0` are false, anything else true; null: the attribute is dropped; string: as-is;
 * - `--translate OLD=NEW` renames columns; `--remove-attribute` drops them;
 * - `--merge-attributes NEW=[a]-[b]` concatenates values, referring to names before translation;
 * and its implementation (arangosh/Import/ImportHelper.cpp, addField): the column named `_key` is
 * always a string, and numbers follow its isInteger/isDecimal checks (an integer outside int64 or a
 * decimal outside double stays a string). On the server side, a `null` value in the tabular import
 * format leaves the attribute out (RestImportHandler), which is why empty cells vanish.
 * One deliberate difference: `_from`/`_to` values are kept as strings too (a numeric handle can
 * only ever fail in ArangoDB, and `--from-prefix` needs the text).
 */
import { GraphpipeError, EXIT } from '../errors.js'
import type { Datatype } from './types.js'

export interface LayoutOptions {
  convert: boolean
  datatypes: Record<string, Datatype>
  translate: Record<string, string>
  removeAttributes: string[]
  mergeAttributes: MergeInstruction[]
  ignoreMissing: boolean
  /** --from-prefix / --to-prefix / --overwrite-prefix, applied by `rowJson` (produce.ts does it for objects). */
  prefixes?: Prefixes
}

export interface Prefixes {
  from?: string
  to?: string
  overwrite: boolean
}

export interface MergeInstruction {
  name: string
  steps: { literal: boolean; value: string }[]
}

/** What a column does, decided once from the header line. */
interface Column {
  /** Original name (as in the file). */
  orig: string
  /** Attribute name after --translate. */
  name: string
  keep: boolean
  datatype?: Datatype
  /** `_key`, `_from`, `_to`: always strings. */
  handle: boolean
  /** `"name":`, for rowJson. */
  jsonKey: string
  /** The --from-prefix / --to-prefix that applies to this column's values. */
  prefix?: string
}

export type RowOutcome = { ok: true; doc: Record<string, unknown> } | { ok: false; reason: string }

/** A row as JSON text; `from`/`to` are its `_from`/`_to` values (prefixed), for the graph's shape. */
export type JsonRowOutcome =
  { ok: true; json: string; from?: string; to?: string } | { ok: false; reason: string }

export class RowConverter {
  readonly columns: Column[]
  /** Attribute names the documents can have, after translation. */
  readonly attributeNames: string[]
  private readonly needLookup: boolean
  /**
   * Whether `rowJson` can write the document: not with --merge-attributes (merged values may
   * replace a column's) nor when two columns end up with the same name (the last one wins).
   */
  readonly jsonReady: boolean
  private readonly parts: string[] = []

  constructor(
    header: string[],
    private readonly opts: LayoutOptions,
  ) {
    const removed = new Set(opts.removeAttributes)
    this.columns = header.map((orig) => {
      const name = orig.length > 0 && Object.hasOwn(opts.translate, orig) ? opts.translate[orig] : orig
      return {
        orig,
        name,
        keep: !removed.has(orig) && !removed.has(name) && name.length > 0,
        datatype: opts.datatypes[orig] ?? opts.datatypes[name],
        handle: name === '_key' || name === '_from' || name === '_to',
        jsonKey: JSON.stringify(name) + ':',
        prefix: name === '_from' ? opts.prefixes?.from : name === '_to' ? opts.prefixes?.to : undefined,
      }
    })
    this.attributeNames = this.columns.filter((c) => c.keep).map((c) => c.name)
    this.needLookup = opts.mergeAttributes.length > 0
    this.jsonReady = !this.needLookup && new Set(this.attributeNames).size === this.attributeNames.length
  }

  /** Why a row cannot be a document (wrong number of values), or undefined. */
  private shapeProblem(n: number): string | undefined {
    const cols = this.columns.length
    if (n > cols) return `too many values: ${n} for ${cols} columns`
    if (n < cols && !this.opts.ignoreMissing)
      return `too few values: ${n} for ${cols} columns (use --ignore-missing to import short rows)`
    return undefined
  }

  /**
   * The document `convertRow` makes, written straight as the JSON text `JSON.stringify` would give
   * it, but in column order (as arangoimport builds it; an object would put integer-like names
   * first) and with --from-prefix/--to-prefix applied. The import's hot path: no object per row.
   * Only when `jsonReady`.
   */
  rowJson(fields: string[], quoted: boolean[]): JsonRowOutcome {
    const reason = this.shapeProblem(fields.length)
    if (reason) return { ok: false, reason }
    const cols = this.columns
    // one join per row: concatenating 14 pieces builds a rope of cons strings that the small young
    // generation of the reading worker promotes before it is flattened (measured 2x the CPU)
    const parts = this.parts
    parts.length = 0
    let from: string | undefined
    let to: string | undefined
    for (let i = 0; i < fields.length; i++) {
      const col = cols[i]
      if (!col.keep) continue
      let v: string | undefined
      if (col.handle) {
        let raw = fields[i]
        if (col.prefix !== undefined) raw = prefixedHandle(raw, col.prefix, this.opts.prefixes!.overwrite)
        if (col.name === '_from') from = raw
        else if (col.name === '_to') to = raw
        v = JSON.stringify(raw)
      } else v = this.cellJson(col, fields[i], quoted[i])
      if (v !== undefined) parts.push(col.jsonKey + v)
    }
    return { ok: true, json: '{' + parts.join(',') + '}', from, to }
  }

  /** What `lineJson` made of its last line. */
  lineOut: { json: string; from?: string; to?: string } = { json: '' }

  /**
   * The import's fastest path: one CSV/TSV record read straight from the text at `p` and written
   * as the JSON text `rowJson` makes of it, without building its fields first. It takes only
   * plain records — one line ending in LF, quoted values without doubled quotes, backslashes,
   * control characters or surrogates (with '"' as the quote their JSON is then the quoted text
   * itself), no blanks after
   * a closing quote or at the end of an unquoted last value, as many values as columns (fewer with
   * --ignore-missing), not a blank line — and answers the position after the line's LF (the
   * document in `lineOut`), or -1 for any other record, which the splitter then reads as always.
   * `sep`/`quote`: character codes (quote -1: TSV, no quoting). Only when `jsonReady`.
   */
  lineJson(s: string, p: number, sep: number, quote: number): number {
    const cols = this.columns
    const n = cols.length
    const len = s.length
    const parts = this.parts
    parts.length = 0
    // with '"' as the quote, a plain quoted value's text (quotes included) is its JSON
    const asIs = quote === 34
    let from: string | undefined
    let to: string | undefined
    let i = 0
    for (;;) {
      if (i >= n) return -1
      const col = cols[i]
      let c = p < len ? s.charCodeAt(p) : -1
      let json: string | undefined
      let next: number
      if (c === quote) {
        let q = p + 1
        for (;;) {
          if (q >= len) return -1
          c = s.charCodeAt(q)
          if (c === quote) break
          if (c < 32 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return -1
          q++
        }
        next = q + 1
        c = next < len ? s.charCodeAt(next) : -1
        if (c !== sep && c !== 10) return -1
        if (col.keep) {
          if (col.handle) {
            let raw = s.slice(p + 1, q)
            const plain = col.prefix === undefined
            if (!plain) raw = prefixedHandle(raw, col.prefix!, this.opts.prefixes!.overwrite)
            if (col.name === '_from') from = raw
            else if (col.name === '_to') to = raw
            json = plain && asIs ? s.slice(p, q + 1) : JSON.stringify(raw)
          } else if (col.datatype || !asIs) json = this.cellJson(col, s.slice(p + 1, q), true)
          else json = s.slice(p, q + 1)
        }
      } else {
        let q = p
        while (q < len) {
          c = s.charCodeAt(q)
          if (c === sep || c === 10 || c === 13) break
          q++
        }
        if (q >= len || c === 13) return -1
        // a last value ending in a blank is trimmed by the splitter (and a blank line is no record)
        if (c === 10 && ((q > p && s.charCodeAt(q - 1) === 32) || (i === 0 && q === p))) return -1
        next = q
        if (col.keep) {
          const raw = s.slice(p, q)
          if (col.handle) {
            let v = raw
            if (col.prefix !== undefined) v = prefixedHandle(v, col.prefix, this.opts.prefixes!.overwrite)
            if (col.name === '_from') from = v
            else if (col.name === '_to') to = v
            json = JSON.stringify(v)
          } else json = this.cellJson(col, raw, false)
        }
      }
      if (json !== undefined) parts.push(col.jsonKey + json)
      i++
      if (c === 10) {
        if (i < n && !this.opts.ignoreMissing) return -1
        const out = this.lineOut
        out.json = '{' + parts.join(',') + '}'
        out.from = from
        out.to = to
        return next + 1
      }
      p = next + 1
    }
  }

  /** JSON of `cell(...)`, undefined where the attribute is left out. */
  private cellJson(col: Column, raw: string, quoted: boolean): string | undefined {
    if (col.datatype) {
      const v = forced(col.datatype, raw)
      return v === null ? undefined : JSON.stringify(v)
    }
    if (quoted) return JSON.stringify(raw)
    if (raw.length === 0) return undefined
    if (!this.opts.convert) return JSON.stringify(raw)
    // most numbers in data files: digits without a leading zero are their own JSON text
    if (isPlainInteger(raw)) return raw
    const v = autoConvert(raw)
    return v === null ? undefined : JSON.stringify(v)
  }

  convertRow(fields: string[], quoted: boolean[]): RowOutcome {
    const cols = this.columns
    const reason = this.shapeProblem(fields.length)
    if (reason) return { ok: false, reason }
    const doc: Record<string, unknown> = {}
    const lookup: Record<string, string> | undefined = this.needLookup ? {} : undefined
    for (let i = 0; i < fields.length; i++) {
      const col = cols[i]
      const raw = fields[i]
      const value = this.cell(col, raw, quoted[i])
      if (lookup) lookup[col.orig] = lookupText(col, raw, quoted[i], this.opts.convert)
      if (!col.keep || value === null) continue
      doc[col.name] = value
    }
    if (lookup) {
      for (const m of this.opts.mergeAttributes) {
        let merged = ''
        for (const step of m.steps) merged += step.literal ? step.value : (lookup[step.value] ?? '')
        // later merges can build on former ones (left to right), as in arangoimport
        lookup[m.name] = merged
        if (merged !== '') doc[m.name] = merged
      }
    }
    return { ok: true, doc }
  }

  private cell(col: Column, raw: string, quoted: boolean): unknown {
    if (col.handle) return raw
    if (col.datatype) return forced(col.datatype, raw)
    if (quoted) return raw
    if (raw.length === 0) return null
    if (!this.opts.convert) return raw
    return autoConvert(raw)
  }
}

function forced(type: Datatype, raw: string): unknown {
  switch (type) {
    case 'number':
      return isInteger(raw) || isDecimal(raw) ? (toNumber(raw) ?? 0) : 0
    case 'boolean':
      return !(raw === 'false' || raw === 'null' || raw === '0')
    case 'null':
      return null
    default:
      return raw
  }
}

/** arangoimport --convert on an unquoted, non-empty value. */
export function autoConvert(raw: string): unknown {
  if (raw === 'true') return true
  if (raw === 'false') return false
  if (raw === 'null') return null
  if (isInteger(raw) || isDecimal(raw)) {
    const n = toNumber(raw)
    return n === undefined ? raw : n
  }
  return raw
}

const INT64_MAX = 9223372036854775807n

/** An optional '-', then 1 to 15 digits without a leading zero: exactly representable, printed as written. */
function isPlainInteger(s: string): boolean {
  let i = s.charCodeAt(0) === 45 ? 1 : 0
  const n = s.length - i
  if (n < 1 || n > 15) return false
  const first = s.charCodeAt(i)
  // '0' alone is fine; '-0' is not (JSON.stringify(-0) is '0')
  if (first === 48) return n === 1 && i === 0
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/**
 * --from-prefix / --to-prefix on one value: a value holding only a key gets `PREFIX/` in front, as
 * ArangoDB's import API does with fromPrefix/toPrefix; with --overwrite-prefix a value that already
 * names a collection gets the prefix's collection instead (arangoimport --overwrite-collection-prefix).
 */
export function prefixedHandle(v: string, prefix: string, overwrite: boolean): string {
  const slash = v.indexOf('/')
  if (slash < 0) return `${prefix}/${v}`
  return overwrite ? `${prefix}/${v.slice(slash + 1)}` : v
}

function toNumber(raw: string): number | undefined {
  if (isInteger(raw)) {
    if (raw.length > 8) {
      // ImportHelper checks the int64 range with std::stoll; beyond it the value stays a string
      const big = BigInt(raw)
      if (big > INT64_MAX || big < -INT64_MAX - 1n) return undefined
    }
    return Number(raw)
  }
  const n = Number(raw)
  return Number.isFinite(n) ? n : undefined
}

/** ImportHelper.cpp isInteger: optional sign, then digits only (a lone sign does not count here). */
export function isInteger(s: string): boolean {
  let i = 0
  const first = s.charCodeAt(0)
  if (first === 43 || first === 45) i = 1
  if (i >= s.length) return false
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** ImportHelper.cpp isDecimal: sign, digits, at most one '.', exponent; a '.' or 'e' needs a digit after it. */
export function isDecimal(s: string): boolean {
  let i = 0
  const first = s.charCodeAt(0)
  if (first === 43 || first === 45) i = 1
  if (i >= s.length) return false
  let mustDigit = false
  while (i < s.length) {
    const c = s.charCodeAt(i)
    if (c === 46) {
      if (mustDigit) return false
      mustDigit = true
    } else if (c === 101 || c === 69) {
      if (mustDigit) return false
      mustDigit = true
      i++
      if (i >= s.length) return false
      const n = s.charCodeAt(i)
      if (n === 43 || n === 45) i++
      continue
    } else if (c >= 48 && c <= 57) {
      mustDigit = false
    } else {
      return false
    }
    i++
  }
  return !mustDigit
}

/** The text a value contributes to --merge-attributes, as ImportHelper's look-up table holds it. */
function lookupText(col: Column, raw: string, quoted: boolean, convert: boolean): string {
  if (col.handle) return raw
  if (col.datatype === 'number') return isInteger(raw) || isDecimal(raw) ? raw : '0'
  if (col.datatype) return String(forced(col.datatype, raw))
  if (quoted) return raw
  if (raw.length === 0) return 'null'
  if (!convert) return raw
  if (isInteger(raw)) {
    const n = toNumber(raw)
    return n === undefined ? raw : String(n)
  }
  if (isDecimal(raw)) {
    const n = toNumber(raw)
    // std::to_string(double) prints six decimals
    return n === undefined ? raw : n.toFixed(6)
  }
  return raw
}

/** Parse `--merge-attributes NEW=[a]-[b]`: names in brackets, everything else literal. */
export function parseMergeAttribute(arg: string): MergeInstruction {
  const parts = arg.split('=')
  const usage = (why: string) =>
    new GraphpipeError('IMPORT_USAGE', `--merge-attributes ${JSON.stringify(arg)}: ${why}`, EXIT.USAGE)
  if (parts.length !== 2 || !parts[0]) throw usage("expected NEW=[a]...[b] with exactly one '='")
  const [name, spec] = parts
  const steps: MergeInstruction['steps'] = []
  let pos = 0
  while (pos < spec.length) {
    const open = spec.indexOf('[', pos)
    const close = spec.indexOf(']', pos)
    if (open < 0 !== close < 0) throw usage('unbalanced brackets')
    if (open < 0) {
      steps.push({ literal: true, value: spec.slice(pos) })
      break
    }
    if (open > close) throw usage('unbalanced brackets')
    if (open + 1 === close) throw usage("empty reference '[]'")
    if (open > pos) steps.push({ literal: true, value: spec.slice(pos, open) })
    const ref = spec.slice(open + 1, close)
    if (ref.includes('[')) throw usage('nested brackets')
    steps.push({ literal: false, value: ref })
    pos = close + 1
  }
  return { name, steps }
}
