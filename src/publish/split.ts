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

/** The length of a UTF-8 byte order mark at the start of `chunk` (3), else 0. */
function bomLength(chunk: Buffer): number {
  return chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
}

/**
 * The bytes of the message being read, as views into the chunks they came in. Once they pass
 * `max` they are let go and only `overflow` is kept, so one huge message cannot fill the memory.
 */
class MessageBytes {
  parts: Buffer[] = []
  bytes = 0
  overflow = false

  constructor(private readonly max: number) {}

  append(chunk: Buffer, start: number, end: number): void {
    if (end <= start || this.overflow) return
    this.bytes += end - start
    if (this.bytes > this.max) {
      this.overflow = true
      this.parts = []
      return
    }
    this.parts.push(chunk.subarray(start, end))
  }

  clear(): void {
    this.parts = []
    this.bytes = 0
    this.overflow = false
  }
}

/** Lines of a JSONL/NDJSON stream; blank lines are skipped, line numbers are 1-based. */
export class LineSplitter {
  private readonly msg: MessageBytes
  private line = 1
  private first = true

  /** `maxLineBytes`: longer lines are reported, not held (the limit is on raw bytes). */
  constructor(
    maxLineBytes: number,
    private readonly messageLimit = maxLineBytes,
  ) {
    this.msg = new MessageBytes(maxLineBytes)
  }

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = []
    let pos = this.first ? bomLength(chunk) : 0
    this.first = false
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos)
      const end = nl === -1 ? chunk.length : nl
      this.msg.append(chunk, pos, end)
      if (nl === -1) break
      this.emit(out)
      pos = nl + 1
    }
    return out
  }

  end(): Piece[] {
    const out: Piece[] = []
    if (this.msg.bytes > 0 || this.msg.overflow) this.emit(out)
    return out
  }

  private emit(out: Piece[]): void {
    const line = this.line++
    const msg = this.msg
    if (msg.overflow) {
      out.push({ line, error: tooLarge(this.messageLimit) })
    } else if (msg.bytes > 0) {
      let raw = msg.parts.length === 1 ? msg.parts[0] : Buffer.concat(msg.parts, msg.bytes)
      if (raw[raw.length - 1] === CR) raw = raw.subarray(0, raw.length - 1)
      if (!isBlank(raw)) out.push({ line, raw })
    }
    msg.clear()
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
  private readonly msg: MessageBytes
  private first = true

  constructor(
    private readonly mode: 'single' | 'array',
    maxValueBytes: number,
    private readonly messageLimit = maxValueBytes,
  ) {
    this.msg = new MessageBytes(maxValueBytes)
  }

  push(chunk: Buffer): Piece[] {
    const out: Piece[] = []
    let i = this.first ? bomLength(chunk) : 0
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
          if (valueStart >= 0) this.msg.append(chunk, valueStart, i)
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

  private finishValue(out: Piece[]): void {
    const msg = this.msg
    if (msg.bytes === 0 && !msg.overflow) {
      // A scalar that ended at its first byte: a stray "," "]" or "}" where a value belongs.
      this.fail(out, 'expected a JSON value')
      return
    }
    if (msg.overflow) out.push({ line: this.valueLine, error: tooLarge(this.messageLimit) })
    else out.push({ line: this.valueLine, raw: Buffer.concat(msg.parts, msg.bytes) })
    msg.clear()
    this.state = S.AfterValue
  }

  private fail(out: Piece[], error: string): void {
    out.push({ line: this.line, error, fatal: true })
    this.state = S.Failed
    this.msg.clear()
  }
}
