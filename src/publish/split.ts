/**
 * Streaming splitters that cut input into message texts without holding more than one message:
 * JSON lines, and a JSON document (whole, or one message per element of a top-level array for
 * --split). Both work on raw bytes: every structural JSON character is ASCII and no byte of a
 * multi-byte UTF-8 sequence is, so cutting at those bytes never splits a character.
 */

/**
 * One piece of input: the bytes of one message (UTF-8 JSON text, possibly a view into a read
 * chunk: it is not copied), or why it cannot be one.
 */
export type Piece = { line: number; raw: Buffer } | { line: number; error: string; fatal?: boolean }

const NL = 0x0a
const CR = 0x0d
const SPACE = 0x20
const TAB = 0x09

function isWs(b: number): boolean {
  return b === SPACE || b === NL || b === CR || b === TAB
}

function isBlank(raw: Buffer): boolean {
  if (raw.length === 0 || !isWs(raw[0])) return raw.length === 0
  for (let i = 1; i < raw.length; i++) if (!isWs(raw[i])) return false
  return true
}

function tooLarge(limit: number): string {
  return `message over ${Math.round(limit / 1e6)} MB`
}

/** Lines of a JSONL/NDJSON stream; blank lines are skipped, line numbers are 1-based. */
export class LineSplitter {
  private parts: Buffer[] = []
  private partBytes = 0
  private overflow = false
  private line = 1
  private first = true

  /** `maxLineBytes`: longer lines are reported, not held (the limit is on raw bytes). */
  constructor(
    private readonly maxLineBytes: number,
    private readonly messageLimit = maxLineBytes,
  ) {}

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = []
    let pos = 0
    if (this.first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf)
      pos = 3
    this.first = false
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos)
      const end = nl === -1 ? chunk.length : nl
      this.append(chunk, pos, end)
      if (nl === -1) break
      this.emit(out)
      pos = nl + 1
    }
    return out
  }

  end(): Piece[] {
    const out: Piece[] = []
    if (this.partBytes > 0 || this.overflow) this.emit(out)
    return out
  }

  private append(chunk: Buffer, start: number, end: number): void {
    if (end <= start || this.overflow) return
    this.partBytes += end - start
    if (this.partBytes > this.maxLineBytes) {
      this.overflow = true
      this.parts = []
      return
    }
    this.parts.push(chunk.subarray(start, end))
  }

  private emit(out: Piece[]): void {
    const line = this.line++
    if (this.overflow) {
      out.push({ line, error: tooLarge(this.messageLimit) })
    } else if (this.partBytes > 0) {
      let raw = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partBytes)
      if (raw[raw.length - 1] === CR) raw = raw.subarray(0, raw.length - 1)
      if (!isBlank(raw)) out.push({ line, raw })
    }
    this.parts = []
    this.partBytes = 0
    this.overflow = false
  }
}

const enum S {
  Before, // array: expecting '['; single: expecting the value
  ArrayStart, // after '[': a value or ']'
  Value, // inside a value
  AfterValue, // array: ',' or ']'; single: only whitespace
  AfterComma, // array: a value
  End, // array: after the closing ']', only whitespace
  Failed, // a fatal error was reported; ignore the rest
}

/**
 * A JSON document (`single`) or the elements of a top-level array (`array`), streamed.
 * It tracks only strings and nesting depth, enough to find where each value ends; the value's
 * text is then checked by JSON.parse like any other message.
 */
export class JsonSplitter {
  private state = S.Before
  private line = 1
  private valueLine = 1
  private depth = 0
  private inString = false
  private escape = false
  private scalar = false
  private parts: Buffer[] = []
  private partBytes = 0
  private overflow = false
  private first = true

  constructor(
    private readonly mode: 'single' | 'array',
    private readonly maxValueBytes: number,
    private readonly messageLimit = maxValueBytes,
  ) {}

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = []
    let i = 0
    if (this.first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3
    this.first = false
    let valueStart = this.state === S.Value ? i : -1
    const n = chunk.length
    while (i < n) {
      const b = chunk[i]
      switch (this.state) {
        case S.Value: {
          // The hot loop: scan to the end of the value.
          let done = false
          for (; i < n; i++) {
            const c = chunk[i]
            if (this.scalar) {
              // A number or literal ends at the first delimiter, which the next state consumes.
              if (isWs(c) || c === 0x2c || c === 0x5d || c === 0x7d) {
                done = true
                break
              }
              continue
            }
            if (c === NL) this.line++
            if (this.inString) {
              if (this.escape) this.escape = false
              else if (c === 0x5c) this.escape = true
              else if (c === 0x22) {
                this.inString = false
                if (this.depth === 0) {
                  i++
                  done = true
                  break
                }
              }
            } else if (c === 0x22) this.inString = true
            else if (c === 0x7b || c === 0x5b) this.depth++
            else if (c === 0x7d || c === 0x5d) {
              this.depth--
              if (this.depth === 0) {
                i++
                done = true
                break
              }
            }
          }
          this.append(chunk, valueStart, i)
          valueStart = -1
          if (done) this.finishValue(out)
          continue
        }
        case S.Failed:
          return out
        default:
          break
      }
      if (b === NL) {
        this.line++
        i++
        continue
      }
      if (isWs(b)) {
        i++
        continue
      }
      switch (this.state) {
        case S.Before:
          if (this.mode === 'array') {
            if (b !== 0x5b) {
              this.fail(out, `--split needs a top-level JSON array, found "${String.fromCharCode(b)}"`)
              return out
            }
            this.state = S.ArrayStart
            i++
          } else {
            this.startValue(b)
            valueStart = i
          }
          break
        case S.ArrayStart:
          if (b === 0x5d) {
            this.state = S.End
            i++
          } else {
            this.startValue(b)
            valueStart = i
          }
          break
        case S.AfterComma:
          if (b === 0x5d || b === 0x2c) {
            this.fail(out, `expected a value after ","`)
            return out
          }
          this.startValue(b)
          valueStart = i
          break
        case S.AfterValue:
          if (this.mode === 'array' && b === 0x2c) {
            this.state = S.AfterComma
            i++
          } else if (this.mode === 'array' && b === 0x5d) {
            this.state = S.End
            i++
          } else {
            this.fail(
              out,
              this.mode === 'array'
                ? `expected "," or "]" after an array element, found "${String.fromCharCode(b)}"`
                : 'unexpected data after the JSON document (one document per line needs a .jsonl file)',
            )
            return out
          }
          break
        case S.End:
          this.fail(out, 'unexpected data after the end of the top-level array')
          return out
      }
    }
    return out
  }

  end(): Piece[] {
    const out: Piece[] = []
    if (this.state === S.Value) {
      if (this.scalar && !this.inString) this.finishValue(out)
      else this.fail(out, 'unexpected end of file inside a JSON value')
    } else if (this.state === S.Before) {
      this.fail(
        out,
        this.mode === 'array' ? '--split needs a top-level JSON array, the file is empty' : 'empty file',
      )
    } else if (
      this.state === S.ArrayStart ||
      this.state === S.AfterComma ||
      (this.mode === 'array' && this.state === S.AfterValue)
    ) {
      this.fail(out, 'unexpected end of file inside the top-level array')
    }
    return out
  }

  private startValue(b: number): void {
    this.state = S.Value
    this.valueLine = this.line
    this.depth = 0
    this.inString = false
    this.escape = false
    this.scalar = false
    // A string or container is scanned from its first byte; anything else is a scalar.
    this.scalar = b !== 0x22 && b !== 0x7b && b !== 0x5b
  }

  private append(chunk: Buffer, start: number, end: number): void {
    if (start < 0 || end <= start || this.overflow) return
    this.partBytes += end - start
    if (this.partBytes > this.maxValueBytes) {
      this.overflow = true
      this.parts = []
      return
    }
    this.parts.push(chunk.subarray(start, end))
  }

  private finishValue(out: Piece[]): void {
    if (this.partBytes === 0 && !this.overflow) {
      // A scalar that ended at its first byte: a stray "," "]" or "}" where a value belongs.
      this.fail(out, 'expected a JSON value')
      return
    }
    if (this.overflow) out.push({ line: this.valueLine, error: tooLarge(this.messageLimit) })
    else out.push({ line: this.valueLine, raw: Buffer.concat(this.parts, this.partBytes) })
    this.parts = []
    this.partBytes = 0
    this.overflow = false
    this.state = S.AfterValue
  }

  private fail(out: Piece[], error: string): void {
    out.push({ line: this.line, error, fatal: true })
    this.state = S.Failed
    this.parts = []
  }
}
