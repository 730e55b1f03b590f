/**
 * A streaming CSV/TSV record splitter that knows, per field, whether it was quoted.
 *
 * Why not csv-parse here: arangoimport's conversion depends on quoting (quoted values stay strings),
 * and a malformed row must cost exactly one row. csv-parse 5.6 exposes quoting only per cast call
 * (context.quoting), and its `skip_records_with_error` does not resynchronise: after an invalid
 * closing quote or an unclosed quote it loses every following record up to the end of the file
 * (see test/import/delimited.test.ts, "csv-parse loses the rows after a bad quote"). This splitter
 * follows arangoimport's own parser instead (lib/Basics/csv.cpp as used by
 * arangosh/Import/ImportHelper.cpp): one separator character, one quote character doubled to escape
 * it, CRLF or LF line ends, line breaks allowed inside quoted values, no quoting at all for TSV.
 * On a malformed record it rejects that record and restarts on the line after the record began.
 */

export interface DelimitedOptions {
  separator: string
  /** Empty string: no quoting (TSV). */
  quote: string
  /** A quoted value longer than this is taken as an unclosed quote (default 16 MiB). */
  maxRecordChars?: number
}

export interface RecordSink {
  record(fields: string[], quoted: boolean[], line: number): void
  malformed(line: number, reason: string): void
  /**
   * Tried first for each record: takes a plain one-line record at `pos` itself (answering the
   * position after its LF, where the splitter goes on) or declines with -1 (the record is then
   * split as always). RowConverter.lineJson is one.
   */
  fast?(s: string, pos: number, line: number): number
}

const LF = 10
const CR = 13
const SPACE = 32
const TAB = 9

type Outcome = { kind: 'ok'; end: number; lines: number } | { kind: 'more' } | { kind: 'bad'; reason: string }

export class DelimitedSplitter {
  private buf = ''
  /** 1-based line number where `buf` starts. */
  private line = 1
  private readonly sep: number
  private readonly sepChar: string
  private readonly quote: number
  private readonly quoteChar: string
  private readonly maxRecordChars: number
  private fields: string[] = []
  private quoted: boolean[] = []
  /** Set when a malformed line's end has not arrived yet: drop text up to the next line break. */
  private skipping = false

  constructor(
    opts: DelimitedOptions,
    private readonly sink: RecordSink,
  ) {
    this.sepChar = opts.separator.charAt(0) || ','
    this.sep = this.sepChar.charCodeAt(0)
    this.quoteChar = opts.quote.charAt(0)
    this.quote = this.quoteChar ? this.quoteChar.charCodeAt(0) : -1
    this.maxRecordChars = opts.maxRecordChars ?? 16 * 1024 * 1024
  }

  /** Feed decoded text; complete records go to the sink synchronously. */
  push(text: string): void {
    this.buf = this.buf.length ? this.buf + text : text
    this.drain(false)
  }

  /** End of input: the last record may lack its line break. */
  end(): void {
    this.drain(true)
    this.buf = ''
  }

  private drain(final: boolean): void {
    const s = this.buf
    let pos = 0
    if (this.skipping) {
      pos = this.skipLine(s, 0)
      if (this.skipping) {
        this.buf = ''
        return
      }
    }
    const fast = this.sink.fast
    while (pos < s.length) {
      if (fast) {
        const e = fast.call(this.sink, s, pos, this.line)
        if (e > pos) {
          this.line++
          pos = e
          continue
        }
      }
      const out = this.parseRecord(s, pos, final)
      if (out.kind === 'more') {
        if (s.length - pos > this.maxRecordChars) {
          this.sink.malformed(
            this.line,
            `record longer than ${this.maxRecordChars} characters (unclosed quote?)`,
          )
          pos = this.skipLine(s, pos)
          continue
        }
        break
      }
      if (out.kind === 'bad') {
        // one malformed record costs one row: restart on the line after the one it began on
        this.sink.malformed(this.line, out.reason)
        pos = this.skipLine(s, pos)
        continue
      }
      const fields = this.fields
      const isBlank = fields.length === 1 && fields[0] === '' && !this.quoted[0]
      // arangoimport ignores empty lines (ImportHelper::addLastField)
      if (!isBlank) this.sink.record(fields, this.quoted, this.line)
      this.line += out.lines
      pos = out.end
    }
    this.buf = pos >= s.length ? '' : s.slice(pos)
  }

  /** Position after the line break that ends the line starting at `pos`; without one, skip on in the next chunk. */
  private skipLine(s: string, pos: number): number {
    const nl = s.indexOf('\n', pos)
    if (nl < 0) {
      this.skipping = true
      return s.length
    }
    this.skipping = false
    this.line += 1
    return nl + 1
  }

  /** Parse one record starting at `p` into this.fields / this.quoted. */
  private parseRecord(s: string, p: number, final: boolean): Outcome {
    const fields: string[] = []
    const quoted: boolean[] = []
    this.fields = fields
    this.quoted = quoted
    const len = s.length
    const sep = this.sep
    let lines = 0
    for (;;) {
      // at the start of a field
      if (p < len && s.charCodeAt(p) === this.quote) {
        let value = ''
        let q = p + 1
        for (;;) {
          const idx = s.indexOf(this.quoteChar, q)
          if (idx < 0) {
            if (!final) return { kind: 'more' }
            return { kind: 'bad', reason: 'unclosed quote' }
          }
          if (idx + 1 >= len && !final) return { kind: 'more' }
          value += s.slice(q, idx)
          if (s.charCodeAt(idx + 1) === this.quote) {
            value += this.quoteChar
            q = idx + 2
            continue
          }
          p = idx + 1
          break
        }
        lines += countLF(value)
        fields.push(value)
        quoted.push(true)
        // after a closing quote: separator, line end, end of input; trailing blanks before a line end
        let c = p < len ? s.charCodeAt(p) : -1
        if (c === sep) {
          p++
          continue
        }
        while ((c === SPACE || c === TAB) && c !== sep) c = ++p < len ? s.charCodeAt(p) : -1
        if (c === -1) {
          if (!final) return { kind: 'more' }
          return { kind: 'ok', end: len, lines }
        }
        if (c === LF) return { kind: 'ok', end: p + 1, lines: lines + 1 }
        if (c === CR) {
          if (p + 1 >= len && !final) return { kind: 'more' }
          return { kind: 'ok', end: s.charCodeAt(p + 1) === LF ? p + 2 : p + 1, lines: lines + 1 }
        }
        return {
          kind: 'bad',
          reason: `unexpected character ${JSON.stringify(String.fromCharCode(c))} after a closing quote in field ${fields.length}`,
        }
      }
      // unquoted field: up to the separator or the line end
      let q = p
      let c = -1
      while (q < len) {
        c = s.charCodeAt(q)
        if (c === sep || c === LF || c === CR) break
        q++
      }
      if (q >= len) {
        if (!final) return { kind: 'more' }
        fields.push(trimEndBlanks(s.slice(p, q)))
        quoted.push(false)
        return { kind: 'ok', end: len, lines }
      }
      if (c === sep) {
        fields.push(s.slice(p, q))
        quoted.push(false)
        p = q + 1
        continue
      }
      // arangoimport ignores extra whitespace at the end of a line
      fields.push(trimEndBlanks(s.slice(p, q)))
      quoted.push(false)
      if (c === LF) return { kind: 'ok', end: q + 1, lines: lines + 1 }
      if (q + 1 >= len && !final) return { kind: 'more' }
      return { kind: 'ok', end: s.charCodeAt(q + 1) === LF ? q + 2 : q + 1, lines: lines + 1 }
    }
  }
}

function countLF(s: string): number {
  let n = 0
  let i = s.indexOf('\n')
  while (i >= 0) {
    n++
    i = s.indexOf('\n', i + 1)
  }
  return n
}

function trimEndBlanks(s: string): string {
  const last = s.charCodeAt(s.length - 1)
  return last === SPACE ? s.trimEnd() : s
}
