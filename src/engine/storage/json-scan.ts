/**
 * One pass over a JSON text in UTF-8, without building it: is it a JSON object as `JSON.parse`
 * takes it once decoded (RFC 8259: the grammar, string escapes, no control characters in strings,
 * surrounding whitespace), and what are its top-level `_key`, `_from` and `_to`? The bulk import
 * stores a line as received when nothing needs the parsed document; this check replaces
 * `JSON.parse` (or SQLite's `json_valid`) on that path and costs a fraction of either: it reads
 * the request's bytes, where JSON's structure is all ASCII (a byte >= 0x80 can only be part of a
 * string, where JSON.parse takes any character, and undecodable bytes decode to U+FFFD).
 *
 * Every answer other than `SCAN_PLAIN` sends the text to the general path, which parses it and
 * reports what is wrong exactly as before; so the scanner may be conservative (it is for deep
 * nesting), never lenient. test/engine/storage/json-scan.test.ts holds it against `JSON.parse`
 * on generated and mutated texts.
 */

/** Not JSON, or JSON but not an object (the general path reports which). */
export const SCAN_INVALID = 0
/** An object with a top-level `_key`, or one the scanner leaves to the general path. */
export const SCAN_GENERAL = 1
/** An object without a top-level `_key`; `from`/`to` describe its top-level `_from`/`_to`. */
export const SCAN_PLAIN = 2

/** Deeper nesting is left to the general path (JSON.parse has no such limit). */
const MAX_DEPTH = 512

const QUOTE = 34
const BACKSLASH = 92
const END = -1

/**
 * `scan(bytes, start, end)` answers one of the SCAN_* codes for the text in bytes[start, end).
 * After SCAN_PLAIN, `fromStart`..`fromEnd` (and `toStart`..`toEnd`) are the bytes between the
 * quotes of the top-level `_from` (`_to`) when it is a string without escapes (-1 when absent),
 * and `fromOther`/`toOther` say that it is present in another form (an escaped string, a
 * number, an object...). A repeated member counts as JSON.parse takes it: the last one.
 */
export class DocumentScanner {
  fromStart = -1
  fromEnd = -1
  toStart = -1
  toEnd = -1
  fromOther = false
  toOther = false
  private b: Uint8Array = new Uint8Array(0)
  private end = 0
  private hasKey = false
  private depth = 0

  scan(bytes: Uint8Array, start: number, end: number): number {
    this.b = bytes
    this.end = end
    this.fromStart = this.fromEnd = this.toStart = this.toEnd = -1
    this.fromOther = this.toOther = false
    this.hasKey = false
    this.depth = 0
    let p = this.ws(start)
    if (this.at(p) !== 123) return SCAN_INVALID
    try {
      p = this.object(p, true)
    } catch {
      // too deep for the stack: JSON.parse decides
      return SCAN_GENERAL
    }
    if (p < 0) return p === -2 ? SCAN_GENERAL : SCAN_INVALID
    if (this.ws(p) !== end) return SCAN_INVALID
    return this.hasKey ? SCAN_GENERAL : SCAN_PLAIN
  }

  /** The byte at `p`, END past the text. */
  private at(p: number): number {
    return p < this.end ? this.b[p] : END
  }

  /** Position after JSON whitespace (space, tab, LF, CR) from `p`. */
  private ws(p: number): number {
    const b = this.b
    const end = this.end
    while (p < end) {
      const c = b[p]
      if (c === 32 || c === 10 || c === 13 || c === 9) p++
      else break
    }
    return p
  }

  /** `p` at `{`; the position after the matching `}`, -1 if not JSON, -2 if too deep. */
  private object(p: number, top: boolean): number {
    if (++this.depth > MAX_DEPTH) return -2
    p = this.ws(p + 1)
    if (this.at(p) === 125) {
      this.depth--
      return p + 1
    }
    for (;;) {
      if (this.at(p) !== QUOTE) return -1
      const e = this.stringEnd(p + 1)
      if (e === 0) return -1
      const close = e > 0 ? e : -e
      // which top-level member this is: 1 _key, 2 _from, 3 _to, 0 another (or not top-level);
      // an escaped name is decoded first ("\u005fkey" is `_key`)
      let which = 0
      if (top) which = e > 0 ? this.memberOf(p + 1, close) : this.escapedMember(p, close + 1)
      p = this.ws(close + 1)
      if (this.at(p) !== 58) return -1
      p = this.ws(p + 1)
      if (which === 1) this.hasKey = true
      if (which >= 2) {
        let vs = -1
        let ve = -1
        let q: number
        if (this.at(p) === QUOTE) {
          const e2 = this.stringEnd(p + 1)
          if (e2 === 0) return -1
          if (e2 > 0) {
            vs = p + 1
            ve = e2
            q = e2 + 1
          } else q = 1 - e2
        } else {
          q = this.value(p)
          if (q < 0) return q
        }
        if (which === 2) {
          this.fromStart = vs
          this.fromEnd = ve
          this.fromOther = vs < 0
        } else {
          this.toStart = vs
          this.toEnd = ve
          this.toOther = vs < 0
        }
        p = q
      } else {
        p = this.value(p)
        if (p < 0) return p
      }
      p = this.ws(p)
      const c = this.at(p)
      if (c === 44) {
        p = this.ws(p + 1)
        continue
      }
      if (c === 125) {
        this.depth--
        return p + 1
      }
      return -1
    }
  }

  /** `p` at `[`. */
  private array(p: number): number {
    if (++this.depth > MAX_DEPTH) return -2
    p = this.ws(p + 1)
    if (this.at(p) === 93) {
      this.depth--
      return p + 1
    }
    for (;;) {
      p = this.value(p)
      if (p < 0) return p
      p = this.ws(p)
      const c = this.at(p)
      if (c === 44) {
        p = this.ws(p + 1)
        continue
      }
      if (c === 93) {
        this.depth--
        return p + 1
      }
      return -1
    }
  }

  /** One value at `p` (no leading whitespace); the position after it, or < 0. */
  private value(p: number): number {
    const c = this.at(p)
    if (c === QUOTE) {
      const e = this.stringEnd(p + 1)
      if (e === 0) return -1
      return (e > 0 ? e : -e) + 1
    }
    if (c === 123) return this.object(p, false)
    if (c === 91) return this.array(p)
    if (c === 116) return this.word(p, TRUE)
    if (c === 102) return this.word(p, FALSE)
    if (c === 110) return this.word(p, NULL)
    return this.number(p)
  }

  private word(p: number, w: number[]): number {
    if (p + w.length > this.end) return -1
    for (let i = 1; i < w.length; i++) if (this.b[p + i] !== w[i]) return -1
    return p + w.length
  }

  /**
   * `p` after an opening quote: the position of the closing quote when the string has no escapes,
   * its negation when it has (valid) escapes, 0 when it is not a valid JSON string. (A closing
   * quote is never at position 0, so 0 is free to mean invalid.)
   */
  private stringEnd(p: number): number {
    const b = this.b
    const end = this.end
    let escaped = false
    while (p < end) {
      const c = b[p]
      if (c === QUOTE) return escaped ? -p : p
      if (c < 32) return 0
      if (c === BACKSLASH) {
        escaped = true
        const e = this.at(p + 1)
        if (e === 117) {
          if (!(isHex(this.at(p + 2)) && isHex(this.at(p + 3)))) return 0
          if (!(isHex(this.at(p + 4)) && isHex(this.at(p + 5)))) return 0
          p += 6
          continue
        }
        // " \ / b f n r t
        if (
          e === QUOTE ||
          e === BACKSLASH ||
          e === 47 ||
          e === 98 ||
          e === 102 ||
          e === 110 ||
          e === 114 ||
          e === 116
        ) {
          p += 2
          continue
        }
        return 0
      }
      p++
    }
    return 0
  }

  /** Which member an unescaped top-level name (bytes start..end) is: 1 `_key`, 2 `_from`, 3 `_to`, 0 another. */
  private memberOf(start: number, end: number): number {
    const b = this.b
    if (b[start] !== 95) return 0
    const len = end - start
    if (len === 4) return b[start + 1] === 107 && b[start + 2] === 101 && b[start + 3] === 121 ? 1 : 0
    if (len === 5)
      return b[start + 1] === 102 && b[start + 2] === 114 && b[start + 3] === 111 && b[start + 4] === 109
        ? 2
        : 0
    if (len === 3) return b[start + 1] === 116 && b[start + 2] === 111 ? 3 : 0
    return 0
  }

  /** An escaped member name (quotes included in start..end), decoded. */
  private escapedMember(start: number, end: number): number {
    const name = JSON.parse(
      Buffer.from(this.b.buffer, this.b.byteOffset + start, end - start).toString(),
    ) as string
    return name === '_key' ? 1 : name === '_from' ? 2 : name === '_to' ? 3 : 0
  }

  /** A JSON number at `p`: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?; position after it or -1. */
  private number(p: number): number {
    let c = this.at(p)
    if (c === 45) c = this.at(++p)
    if (c === 48) c = this.at(++p)
    else if (c >= 49 && c <= 57) {
      do c = this.at(++p)
      while (c >= 48 && c <= 57)
    } else return -1
    if (c === 46) {
      c = this.at(++p)
      if (!(c >= 48 && c <= 57)) return -1
      do c = this.at(++p)
      while (c >= 48 && c <= 57)
    }
    if (c === 101 || c === 69) {
      c = this.at(++p)
      if (c === 43 || c === 45) c = this.at(++p)
      if (!(c >= 48 && c <= 57)) return -1
      do c = this.at(++p)
      while (c >= 48 && c <= 57)
    }
    return p
  }
}

const TRUE = [116, 114, 117, 101]
const FALSE = [102, 97, 108, 115, 101]
const NULL = [110, 117, 108, 108]

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}
