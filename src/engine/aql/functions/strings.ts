/**
 * String functions (docs.arangodb.com/3.12/aql/functions/string/). Positions and lengths count
 * Unicode code points, as ArangoDB counts UTF-8 characters; inputs that are not strings go
 * through TO_STRING unless a function says otherwise.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { compare, toNumber, toStringValue, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { arg, boolArg, def, invalidArg, isArray, isObject, toInt, warnIn, type FnTable } from './util.js'

const cps = (s: string): string[] => Array.from(s)

/** CONCAT's stringification: null skipped, strings verbatim, arrays/objects as JSON. */
function concatPart(v: AqlValue): string | null {
  if (v === null) return null
  return toStringValue(v)
}

export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = ''
  const chars = cps(pattern)
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === '\\' && i + 1 < chars.length) {
      re += escapeRegExp(chars[++i]!)
    } else if (c === '%') re += '[\\s\\S]*'
    else if (c === '_') re += '[\\s\\S]'
    else re += escapeRegExp(c)
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'iu' : 'u')
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** ICU regexes are close to JS ones; compile in Unicode mode, falling back for escapes only ICU allows. */
export function compileRegex(
  ctx: FunctionContext,
  name: string,
  source: AqlValue,
  caseInsensitive: boolean,
  global = false,
): RegExp | null {
  const src = toStringValue(source)
  const flags = (caseInsensitive ? 'i' : '') + (global ? 'g' : '')
  try {
    return new RegExp(src, flags + 'u')
  } catch {
    try {
      return new RegExp(src, flags)
    } catch {
      return warnIn(ctx, name, 1543, 'invalid regex value')
    }
  }
}

function trimWith(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(cps(chars))
  const a = cps(s)
  let start = 0
  let end = a.length
  if (left) while (start < end && set.has(a[start]!)) start++
  if (right) while (end > start && set.has(a[end - 1]!)) end--
  return a.slice(start, end).join('')
}

const DEFAULT_TRIM = '\r\n \t'

function utf8Length(cp: string): number {
  return Buffer.byteLength(cp, 'utf8')
}

function levenshtein(a: string[], b: string[], transpositions = false): number {
  const m = a.length
  const n = b.length
  if (m === 0) return n
  if (n === 0) return m
  let prev2: number[] = []
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  for (let i = 1; i <= m; i++) {
    const cur = [i]
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, prev2[j - 2]! + 1)
      }
      cur.push(v)
    }
    prev2 = prev
    prev = cur
  }
  return prev[n]!
}

function soundex(s: string): string {
  const codes: Record<string, string> = {}
  const groups = ['bfpv', 'cgjkqsxz', 'dt', 'l', 'mn', 'r']
  groups.forEach((g, i) => {
    for (const c of g) codes[c] = String(i + 1)
  })
  const letters = s.toLowerCase().replace(/[^a-z]/g, '')
  if (letters === '') return ''
  let out = letters[0]!.toUpperCase()
  let last = codes[letters[0]!] ?? ''
  for (let i = 1; i < letters.length && out.length < 4; i++) {
    const c = letters[i]!
    const code = codes[c]
    if (code !== undefined) {
      if (code !== last) out += code
      last = code
    } else if (c !== 'h' && c !== 'w') {
      // vowels separate equal codes; h and w do not
      last = ''
    }
  }
  return out.padEnd(4, '0')
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
    t[i] = c >>> 0
  }
  return t
})()

/** CRC32 in ArangoDB is CRC-32C (Castagnoli): CRC32("foobar") is "D5F5C7F" in the docs. */
function crc32c(buf: Buffer): number {
  let c = 0xffffffff
  for (const b of buf) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** FNV-1a, 64 bit: FNV64("foobar") is "85944171F73967E8" in the docs. */
function fnv64(buf: Buffer): string {
  let h = 0xcbf29ce484222325n
  const prime = 0x100000001b3n
  for (const b of buf) {
    h ^= BigInt(b)
    h = (h * prime) & 0xffffffffffffffffn
  }
  return h.toString(16).toUpperCase()
}

function ngrams(s: string[], n: number): string[][] {
  if (s.length < n) return s.length ? [s] : []
  const out: string[][] = []
  for (let i = 0; i + n <= s.length; i++) out.push(s.slice(i, i + n))
  return out
}

/**
 * n-gram similarity as iresearch computes it: the longest common subsequence of the two n-gram
 * sequences (positional: partial credit for n-grams agreeing position by position), divided by
 * the larger n-gram count, as a 32-bit float (the docs show 0.8888888955116272 for 8/9).
 */
function ngramSimilarity(a: string, b: string, n: number, positional: boolean): number {
  const ga = ngrams(cps(a), n)
  const gb = ngrams(cps(b), n)
  if (ga.length === 0 && gb.length === 0) return 1
  if (ga.length === 0 || gb.length === 0) return 0
  let prev = new Array<number>(gb.length + 1).fill(0)
  for (let i = 1; i <= ga.length; i++) {
    const cur = [0]
    for (let j = 1; j <= gb.length; j++) {
      const x = ga[i - 1]!
      const y = gb[j - 1]!
      let sim = 0
      if (positional) {
        let same = 0
        const len = Math.max(x.length, y.length)
        for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] === y[k]) same++
        sim = same / len
      } else {
        sim = x.join('') === y.join('') ? 1 : 0
      }
      cur.push(Math.max(prev[j]!, cur[j - 1]!, prev[j - 1]! + sim))
    }
    prev = cur
  }
  return Math.fround(prev[gb.length]! / Math.max(ga.length, gb.length))
}

function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return null
  let n = 0
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!
    // leading zeros are rejected ("008.008.008.008" is not an IPv4 address)
    if (part.length > 1 && part[0] === '0') return null
    const v = Number(part)
    if (v > 255) return null
    n = n * 256 + v
  }
  return n
}

function substitute(
  value: AqlValue,
  search: AqlValue,
  replace: AqlValue,
  limitArg: AqlValue,
  hasLimit: boolean,
): AqlValue {
  const text = toStringValue(value)
  let pairs: [string, string][] = []
  if (isObject(search)) {
    pairs = Object.entries(search).map(([k, v]) => [k, v === null ? '' : toStringValue(v)])
    // with an object, the third argument is the limit
    limitArg = replace
    hasLimit = replace !== null && replace !== undefined
  } else {
    const searches = isArray(search) ? search.map((s) => toStringValue(s)) : [toStringValue(search)]
    if (isArray(replace)) {
      pairs = searches.map((s, i) => [s, i < replace.length ? toStringValue(replace[i]!) : ''])
    } else {
      const r = replace === null ? '' : toStringValue(replace)
      pairs = searches.map((s) => [s, r])
    }
  }
  pairs = pairs.filter(([s]) => s !== '')
  if (pairs.length === 0) return text
  let limit = Infinity
  if (hasLimit && limitArg !== null) {
    const l = toInt(toNumber(limitArg))
    if (l < 1) return text
    limit = l
  }
  const map = new Map<string, string>()
  for (const [s, r] of pairs) if (!map.has(s)) map.set(s, r)
  const re = new RegExp([...map.keys()].map(escapeRegExp).join('|'), 'gu')
  let count = 0
  return text.replace(re, (m) => (count++ < limit ? map.get(m)! : m))
}

export const STRING_FUNCTIONS: FnTable = {
  CONCAT: def(1, Infinity, (_ctx, args) => {
    const parts = args.length === 1 && isArray(args[0]) ? args[0] : args
    let out = ''
    for (const p of parts) out += concatPart(p) ?? ''
    return out
  }),
  CONCAT_SEPARATOR: def(2, Infinity, (_ctx, args) => {
    const sep = toStringValue(args[0])
    const parts = args.length === 2 && isArray(args[1]) ? args[1] : args.slice(1)
    const out: string[] = []
    for (const p of parts) {
      const s = concatPart(p)
      if (s !== null) out.push(s)
    }
    return out.join(sep)
  }),
  CHAR_LENGTH: def(1, 1, (_ctx, [v]) => cps(toStringValue(v)).length),
  LOWER: def(1, 1, (_ctx, [v]) => toStringValue(v).toLowerCase()),
  UPPER: def(1, 1, (_ctx, [v]) => toStringValue(v).toUpperCase()),
  SUBSTRING: def(2, 3, (_ctx, args) => {
    const s = cps(toStringValue(args[0]))
    let offset = toInt(toNumber(args[1]))
    if (offset < 0) offset = Math.max(0, s.length + offset)
    if (args.length < 3 || args[2] === null) return s.slice(offset).join('')
    const length = toInt(toNumber(args[2]))
    if (length <= 0) return ''
    return s.slice(offset, offset + length).join('')
  }),
  SUBSTRING_BYTES: def(2, 5, (_ctx, args) => {
    const chars = cps(toStringValue(args[0]))
    const starts: number[] = []
    let pos = 0
    for (const c of chars) {
      starts.push(pos)
      pos += utf8Length(c)
    }
    const total = pos
    let offset = toInt(toNumber(args[1]))
    if (offset < 0) offset = Math.max(0, total + offset)
    offset = Math.min(offset, total)
    let end = args.length >= 3 && args[2] !== null ? offset + Math.max(0, toInt(toNumber(args[2]))) : total
    end = Math.min(end, total)
    const boundary = (b: number): number => (b === total ? chars.length : starts.indexOf(b))
    let first = boundary(offset)
    let last = boundary(end)
    // a cut inside a multi-byte character gives null (docs: SUBSTRING_BYTES example 4)
    if (first < 0 || last < 0) return null
    first = Math.max(0, first - Math.max(0, toInt(toNumber(arg(args, 3)))))
    last = Math.min(chars.length, last + Math.max(0, toInt(toNumber(arg(args, 4)))))
    return chars.slice(first, last).join('')
  }),
  CONTAINS: def(2, 3, (_ctx, args) => {
    const text = toStringValue(args[0])
    const search = toStringValue(args[1])
    const returnIndex = boolArg(args, 2, false)
    const at = search === '' ? -1 : text.indexOf(search)
    if (!returnIndex) return at >= 0
    return at < 0 ? -1 : cps(text.slice(0, at)).length
  }),
  LIKE: def(2, 3, (_ctx, args) =>
    likeToRegExp(toStringValue(args[1]), boolArg(args, 2, false)).test(toStringValue(args[0])),
  ),
  REGEX_TEST: def(2, 3, (ctx, args) => {
    const re = compileRegex(ctx, 'REGEX_TEST', args[1]!, boolArg(args, 2, false))
    return re ? re.test(toStringValue(args[0])) : null
  }),
  REGEX_MATCHES: def(2, 3, (ctx, args) => {
    const re = compileRegex(ctx, 'REGEX_MATCHES', args[1]!, boolArg(args, 2, false))
    if (!re) return null
    const m = re.exec(toStringValue(args[0]))
    if (!m) return null
    return Array.from(m, (g) => g ?? '')
  }),
  REGEX_SPLIT: def(2, 4, (ctx, args) => {
    const re = compileRegex(ctx, 'REGEX_SPLIT', args[1]!, boolArg(args, 2, false))
    if (!re) return null
    const text = toStringValue(args[0])
    let parts = text.split(re).map((p) => p ?? '')
    if (args.length >= 4 && args[3] !== null) {
      const limit = toInt(toNumber(args[3]))
      if (limit >= 0) parts = parts.slice(0, limit)
    }
    return parts
  }),
  REGEX_REPLACE: def(3, 4, (ctx, args) => {
    const re = compileRegex(ctx, 'REGEX_REPLACE', args[1]!, boolArg(args, 3, false), true)
    if (!re) return null
    return toStringValue(args[0]).replace(re, toStringValue(args[2]))
  }),
  LEFT: def(2, 2, (_ctx, [v, n]) => {
    const k = Math.max(0, toInt(toNumber(n!)))
    return cps(toStringValue(v)).slice(0, k).join('')
  }),
  RIGHT: def(2, 2, (_ctx, [v, n]) => {
    const k = Math.max(0, toInt(toNumber(n!)))
    const s = cps(toStringValue(v))
    return k === 0 ? '' : s.slice(Math.max(0, s.length - k)).join('')
  }),
  TRIM: def(1, 2, (_ctx, args) => {
    const s = toStringValue(args[0])
    const t = arg(args, 1)
    if (typeof t === 'string') return trimWith(s, t, true, true)
    const type = t === null ? 0 : toInt(toNumber(t))
    return trimWith(s, DEFAULT_TRIM, type === 0 || type === 1, type === 0 || type === 2)
  }),
  LTRIM: def(1, 2, (_ctx, args) => {
    const chars = args.length > 1 && args[1] !== null ? toStringValue(args[1]) : DEFAULT_TRIM
    return trimWith(toStringValue(args[0]), chars, true, false)
  }),
  RTRIM: def(1, 2, (_ctx, args) => {
    const chars = args.length > 1 && args[1] !== null ? toStringValue(args[1]) : DEFAULT_TRIM
    return trimWith(toStringValue(args[0]), chars, false, true)
  }),
  FIND_FIRST: def(2, 4, (_ctx, args) => {
    const text = cps(toStringValue(args[0]))
    const search = toStringValue(args[1])
    const start = args.length > 2 && args[2] !== null ? Math.max(0, toInt(toNumber(args[2]))) : 0
    const end = args.length > 3 && args[3] !== null ? toInt(toNumber(args[3])) : text.length - 1
    if (start > end && search !== '') return -1
    const hay = text.slice(start, end + 1).join('')
    if (search === '') return start <= text.length ? start : -1
    const at = hay.indexOf(search)
    return at < 0 ? -1 : start + cps(hay.slice(0, at)).length
  }),
  FIND_LAST: def(2, 4, (_ctx, args) => {
    const text = cps(toStringValue(args[0]))
    const search = toStringValue(args[1])
    const start = args.length > 2 && args[2] !== null ? Math.max(0, toInt(toNumber(args[2]))) : 0
    const end = args.length > 3 && args[3] !== null ? toInt(toNumber(args[3])) : text.length - 1
    if (start > end && search !== '') return -1
    const hay = text.slice(start, end + 1).join('')
    if (search === '') return Math.min(end + 1, text.length)
    const at = hay.lastIndexOf(search)
    return at < 0 ? -1 : start + cps(hay.slice(0, at)).length
  }),
  SPLIT: def(1, 3, (_ctx, args) => {
    const text = toStringValue(args[0])
    const sep = arg(args, 1)
    let parts: string[]
    if (args.length < 2 || sep === null) parts = [text]
    else if (isArray(sep)) {
      const seps = sep.map((s) => toStringValue(s)).filter((s) => s !== '')
      parts = seps.length === 0 ? cps(text) : text.split(new RegExp(seps.map(escapeRegExp).join('|'), 'u'))
    } else {
      const s = toStringValue(sep)
      parts = s === '' ? cps(text) : text.split(s)
    }
    if (args.length > 2 && args[2] !== null) {
      const limit = toInt(toNumber(args[2]))
      if (limit >= 0) parts = parts.slice(0, limit)
    }
    return parts
  }),
  SUBSTITUTE: def(2, 4, (_ctx, args) =>
    substitute(args[0]!, args[1]!, arg(args, 2), arg(args, 3), args.length > 3),
  ),
  STARTS_WITH: def(2, 3, (_ctx, args) => {
    const text = toStringValue(args[0])
    const p = args[1]!
    if (isArray(p)) {
      const min = args.length > 2 ? toInt(toNumber(args[2])) : 1
      let matched = 0
      for (const x of p) if (text.startsWith(toStringValue(x))) matched++
      return matched >= min
    }
    return text.startsWith(toStringValue(p))
  }),
  IPV4_TO_NUMBER: def(1, 1, (ctx, [v]) => {
    if (typeof v !== 'string') return invalidArg(ctx, 'IPV4_TO_NUMBER')
    const n = parseIpv4(v)
    return n === null ? invalidArg(ctx, 'IPV4_TO_NUMBER') : n
  }),
  IPV4_FROM_NUMBER: def(1, 1, (ctx, [v]) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      return invalidArg(ctx, 'IPV4_FROM_NUMBER')
    }
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.')
  }),
  IS_IPV4: def(1, 1, (_ctx, [v]) => typeof v === 'string' && parseIpv4(v) !== null),
  MD5: def(1, 1, (_ctx, [v]) => createHash('md5').update(toStringValue(v)).digest('hex')),
  SHA1: def(1, 1, (_ctx, [v]) => createHash('sha1').update(toStringValue(v)).digest('hex')),
  SHA256: def(1, 1, (_ctx, [v]) => createHash('sha256').update(toStringValue(v)).digest('hex')),
  SHA512: def(1, 1, (_ctx, [v]) => createHash('sha512').update(toStringValue(v)).digest('hex')),
  CRC32: def(1, 1, (_ctx, [v]) =>
    crc32c(Buffer.from(toStringValue(v), 'utf8'))
      .toString(16)
      .toUpperCase(),
  ),
  FNV64: def(1, 1, (_ctx, [v]) => fnv64(Buffer.from(toStringValue(v), 'utf8'))),
  TO_BASE64: def(1, 1, (_ctx, [v]) => Buffer.from(toStringValue(v), 'utf8').toString('base64')),
  TO_HEX: def(1, 1, (_ctx, [v]) => Buffer.from(toStringValue(v), 'utf8').toString('hex')),
  ENCODE_URI_COMPONENT: def(1, 1, (_ctx, [v]) => encodeURIComponent(toStringValue(v))),
  SOUNDEX: def(1, 1, (_ctx, [v]) => soundex(toStringValue(v))),
  LEVENSHTEIN_DISTANCE: def(2, 2, (_ctx, [a, b]) =>
    levenshtein(cps(toStringValue(a)), cps(toStringValue(b))),
  ),
  LEVENSHTEIN_MATCH: def(3, 6, (ctx, args) => {
    const max = toNumber(args[2])
    if (typeof args[2] !== 'number' || max < 0 || max > 4) return invalidArg(ctx, 'LEVENSHTEIN_MATCH')
    let value = toStringValue(args[0])
    const prefix = args.length > 5 ? toStringValue(args[5]) : ''
    if (!value.startsWith(prefix)) return false
    value = value.slice(prefix.length)
    const transpositions = boolArg(args, 3, true)
    return levenshtein(cps(value), cps(toStringValue(args[1])), transpositions) <= max
  }),
  NGRAM_SIMILARITY: def(3, 3, (ctx, [a, b, n]) => {
    if (typeof a !== 'string' || typeof b !== 'string' || typeof n !== 'number' || n < 1) {
      return invalidArg(ctx, 'NGRAM_SIMILARITY')
    }
    return ngramSimilarity(a, b, Math.trunc(n), false)
  }),
  NGRAM_POSITIONAL_SIMILARITY: def(3, 3, (ctx, [a, b, n]) => {
    if (typeof a !== 'string' || typeof b !== 'string' || typeof n !== 'number' || n < 1) {
      return invalidArg(ctx, 'NGRAM_POSITIONAL_SIMILARITY')
    }
    return ngramSimilarity(a, b, Math.trunc(n), true)
  }),
  IN_RANGE: def(5, 5, (_ctx, [v, lo, hi, incLo, incHi]) => {
    const cl = compare(v, lo)
    const ch = compare(v, hi)
    return (toBoolArg(incLo!) ? cl >= 0 : cl > 0) && (toBoolArg(incHi!) ? ch <= 0 : ch < 0)
  }),
  RANDOM_TOKEN: def(
    1,
    1,
    (ctx, [n]) => {
      const len = toInt(toNumber(n!))
      if (len < 0 || len > 65536) return invalidArg(ctx, 'RANDOM_TOKEN')
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
      const bytes = randomBytes(len)
      let out = ''
      for (const b of bytes) out += alphabet[b % alphabet.length]
      return out
    },
    false,
  ),
  UUID: def(0, 0, () => randomUUID(), false),
  REPEAT: def(2, 3, (ctx, args) => {
    const s = toStringValue(args[0])
    const n = toInt(toNumber(args[1]))
    if (n < 0) return invalidArg(ctx, 'REPEAT')
    const sep = args.length > 2 && args[2] !== null ? toStringValue(args[2]) : ''
    const total = (s.length + sep.length) * n
    // ArangoDB caps the output size (16 MB) and warns instead of allocating without bound
    if (total > 16 * 1024 * 1024) return warnIn(ctx, 'REPEAT', 1504, 'number out of range')
    return new Array<string>(n).fill(s).join(sep)
  }),
  TO_CHAR: def(1, 1, (ctx, [v]) => {
    const n = toNumber(v)
    if (!Number.isInteger(n) || n < 0 || n > 0x10ffff) return invalidArg(ctx, 'TO_CHAR')
    return String.fromCodePoint(n)
  }),
}

function toBoolArg(v: AqlValue): boolean {
  return v === true || (v !== null && v !== false && v !== 0 && v !== '')
}
