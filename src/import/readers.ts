/**
 * Readers turn decoded text into items: one per row of the input, each a document, a rejection
 * (with the parser's reason) or an empty row. They are push-based and synchronous so the caller
 * owns the pacing (backpressure): it feeds a chunk, handles the items, then reads the next chunk.
 */
import { DelimitedSplitter } from './delimited.js'
import { RowConverter, type LayoutOptions } from './convert.js'

export interface Item {
  line: number
  doc?: Record<string, unknown>
  /** The document as JSON text instead of `doc` (DelimitedReader with `json`), with its `_from`/`_to`. */
  json?: string
  from?: string
  to?: string
  /** Set for a rejected row. */
  reason?: string
  /** Set for an empty row (counted as `empty`, never sent). */
  empty?: true
}

export interface Reader {
  push(text: string, out: Item[]): void
  end(out: Item[]): void
  /** Attribute names the documents will carry, once known (CSV/TSV header); for edge detection. */
  readonly attributeNames?: string[]
}

export interface DelimitedReaderOptions extends LayoutOptions {
  separator: string
  quote: string
  skipLines: number
  /** Column names from --headers-file; then the data has no header line. */
  header?: string[]
  /** Items carry JSON text rather than objects where the converter can write it (RowConverter.rowJson). */
  json?: boolean
}

export class DelimitedReader implements Reader {
  private readonly splitter: DelimitedSplitter
  private converter?: RowConverter
  private out: Item[] = []
  private toSkip: number

  constructor(private readonly opts: DelimitedReaderOptions) {
    this.toSkip = opts.skipLines
    if (opts.header) this.converter = new RowConverter(opts.header, opts)
    // as the splitter reads them: the first character of each
    const sep = (opts.separator.charAt(0) || ',').charCodeAt(0)
    const quote = opts.quote ? opts.quote.charCodeAt(0) : -1
    this.splitter = new DelimitedSplitter(opts, {
      record: (fields, quoted, line) => {
        if (this.toSkip > 0) {
          this.toSkip--
          return
        }
        if (!this.converter) {
          this.converter = new RowConverter(fields.slice(), this.opts)
          return
        }
        if (this.opts.json && this.converter.jsonReady) {
          const r = this.converter.rowJson(fields, quoted)
          this.out.push(r.ok ? { line, json: r.json, from: r.from, to: r.to } : { line, reason: r.reason })
          return
        }
        const r = this.converter.convertRow(fields, quoted)
        this.out.push(r.ok ? { line, doc: r.doc } : { line, reason: r.reason })
      },
      malformed: (line, reason) => {
        if (this.toSkip > 0) {
          this.toSkip--
          return
        }
        this.out.push({ line, reason: this.converter ? reason : `header line: ${reason}` })
      },
      // the plain records of the JSON path, read and written in one pass (RowConverter.lineJson)
      fast: opts.json
        ? (s, pos, line) => {
            const conv = this.converter
            if (this.toSkip > 0 || !conv || !conv.jsonReady) return -1
            const e = conv.lineJson(s, pos, sep, quote)
            if (e >= 0) {
              const o = conv.lineOut
              this.out.push({ line, json: o.json, from: o.from, to: o.to })
            }
            return e
          }
        : undefined,
    })
  }

  get attributeNames(): string[] | undefined {
    return this.converter?.attributeNames
  }

  push(text: string, out: Item[]): void {
    this.out = out
    this.splitter.push(text)
  }

  end(out: Item[]): void {
    this.out = out
    this.splitter.end()
  }
}

/** ArangoDB's message for a line that is not a JSON object (RestImportHandler). */
const NOT_OBJECT = 'invalid JSON type (expecting object, probably parse error)'

function parseDoc(text: string, line: number): Item {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (err) {
    return { line, reason: `invalid JSON: ${(err as Error).message}` }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { line, reason: NOT_OBJECT }
  return { line, doc: v as Record<string, unknown> }
}

/** One JSON document per line; blank lines count as empty, as ArangoDB's `type=documents` import does. */
export class JsonLinesReader implements Reader {
  private rest = ''
  private line = 1

  push(text: string, out: Item[]): void {
    const s = this.rest.length ? this.rest + text : text
    let pos = 0
    for (;;) {
      const nl = s.indexOf('\n', pos)
      if (nl < 0) break
      this.emit(s.slice(pos, nl), out)
      pos = nl + 1
    }
    this.rest = s.slice(pos)
  }

  end(out: Item[]): void {
    if (this.rest.trim().length > 0) this.emit(this.rest, out)
    this.rest = ''
  }

  private emit(lineText: string, out: Item[]): void {
    const t = lineText.trim()
    out.push(t.length === 0 ? { line: this.line, empty: true } : parseDoc(t, this.line))
    this.line++
  }
}

/**
 * A JSON file holding one top-level array, split into its elements without parsing the whole file:
 * a small state machine tracks strings, escapes and bracket depth, and each element's text is
 * parsed on its own. As in arangoimport (`--type json`), a file that does not start with `[` is
 * read as JSON lines instead.
 */
export class JsonArrayReader implements Reader {
  private mode: 'start' | 'array' | 'lines' | 'done' = 'start'
  private lines = new JsonLinesReader()
  private buf = ''
  /** Line of buf[0]. */
  private line = 1
  /** Scan state inside the current element. */
  private depth = 0
  private inString = false
  private escape = false
  private scanPos = 0
  private elemStart = -1
  private elemLine = 0
  private expectValue = true
  private trailingError?: string

  push(text: string, out: Item[]): void {
    if (this.mode === 'lines') return this.lines.push(text, out)
    this.buf = this.buf.length ? this.buf + text : text
    if (this.mode === 'start') {
      const m = /\S/.exec(this.buf)
      if (!m) return
      if (this.buf[m.index] !== '[') {
        this.mode = 'lines'
        const all = this.buf
        this.buf = ''
        return this.lines.push(all, out)
      }
      this.line += countLF(this.buf, 0, m.index)
      this.buf = this.buf.slice(m.index + 1)
      this.mode = 'array'
    }
    this.scan(out)
  }

  end(out: Item[]): void {
    if (this.mode === 'lines') return this.lines.end(out)
    if (this.mode === 'start') return
    if (this.mode === 'array') {
      const rest = this.elemStart >= 0 ? this.buf.slice(this.elemStart).trim() : ''
      out.push({
        line: this.elemStart >= 0 ? this.elemLine : this.line,
        reason: rest ? `unterminated JSON array element` : 'JSON array not closed',
      })
    }
    if (this.trailingError) out.push({ line: this.line, reason: this.trailingError })
  }

  private scan(out: Item[]): void {
    const s = this.buf
    let i = this.scanPos
    const n = s.length
    while (i < n) {
      const c = s.charCodeAt(i)
      if (this.mode === 'done') {
        if (c === 10) this.line++
        else if (c !== 32 && c !== 9 && c !== 13 && !this.trailingError)
          this.trailingError = 'unexpected text after the top-level JSON array'
        i++
        continue
      }
      if (this.inString) {
        if (this.escape) this.escape = false
        else if (c === 92) this.escape = true
        else if (c === 34) this.inString = false
        else if (c === 10) this.line++
        i++
        continue
      }
      if (c === 10) {
        this.line++
        i++
        continue
      }
      if (c === 32 || c === 9 || c === 13) {
        i++
        continue
      }
      if (this.elemStart < 0) {
        if (c === 93 /* ] */) {
          this.mode = 'done'
          i++
          continue
        }
        if (c === 44 /* , */ && !this.expectValue) {
          this.expectValue = true
          i++
          continue
        }
        this.elemStart = i
        this.elemLine = this.line
        this.expectValue = false
      }
      if (c === 34) this.inString = true
      else if (c === 123 || c === 91) this.depth++
      else if (c === 125 || c === 93) {
        if (this.depth === 0) {
          // the array's closing bracket ends a scalar element
          out.push(parseDoc(s.slice(this.elemStart, i), this.elemLine))
          this.elemStart = -1
          this.mode = 'done'
          i++
          continue
        }
        this.depth--
        if (this.depth === 0) {
          out.push(parseDoc(s.slice(this.elemStart, i + 1), this.elemLine))
          this.elemStart = -1
        }
      } else if (c === 44 && this.depth === 0) {
        out.push(parseDoc(s.slice(this.elemStart, i), this.elemLine))
        this.elemStart = -1
        this.expectValue = true
      }
      i++
    }
    // keep only the unfinished element
    if (this.elemStart >= 0) {
      this.buf = s.slice(this.elemStart)
      this.scanPos = i - this.elemStart
      this.elemStart = 0
    } else {
      this.buf = ''
      this.scanPos = 0
    }
  }
}

function countLF(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++
  return n
}
