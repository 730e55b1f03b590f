/**
 * String functions (docs.arangodb.com/3.12/aql/functions/string/). Positions and lengths count
 * Unicode code points, as ArangoDB counts UTF-8 characters; inputs that are not strings go
 * through TO_STRING unless a function says otherwise.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { compare, toNumber, toStringValue, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { isObject } from '../../../objects.js'
import { arg, boolArg, clone, def, invalidArg, isArray, toInt, warnIn, type FnTable } from './util.js'

const cps = (s: string): string[] => Array.from(s)

/** CONCAT's stringification: null skipped, strings verbatim, arrays/objects as JSON. */
function concatPart(v: AqlValue): string | null {
  if (v === null) return null
  return toStringValue(v)
}

export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  // arangod's AqlFunctionsInternalCache::buildLikePattern: `\\` is a literal backslash, `\%` and
  // `\_` literal wildcards, a backslash before a regex-special character is dropped, one before
  // any other character stays a literal backslash, and a trailing lone backslash is dropped.
  let re = ''
  let escaped = false
  for (const c of cps(pattern)) {
    if (c === '\\') {
      if (escaped) re += '\\\\'
      escaped = !escaped
      continue
    }
    if (c === '%') re += escaped ? '%' : '[\\s\\S]*'
    else if (c === '_') re += escaped ? '_' : '[\\s\\S]'
    else if ('?+[(){}^$|.*'.includes(c)) re += '\\' + c
    else re += (escaped ? '\\\\' : '') + escapeRegExp(c)
    escaped = false
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'iu' : 'u')
}

// only syntax characters: Unicode-mode regexes reject needless escapes such as \-
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** ICU regexes are close to JS ones; compile in Unicode mode, falling back for escapes only ICU allows. */
export function compileRegex(
  ctx: FunctionContext,
  name: string,
  source: AqlValue,
  caseInsensitive: boolean,
  global = false,
): RegExp | null {
  let src = toStringValue(source)
  let flags = (caseInsensitive ? 'i' : '') + (global ? 'g' : '')
  // ICU accepts leading inline flags such as (?i) or (?si); JavaScript wants them as flags
  const inline = /^\(\?([ims]+)\)/.exec(src)
  if (inline) {
    src = src.slice(inline[0].length)
    for (const f of inline[1]!) if (!flags.includes(f)) flags += f
  }
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

/**
 * SUBSTITUTE as arangod does it: at each step the leftmost match of any search string wins
 * (the earlier search string on a tie), up to `limit` replacements (-1: all).
 */
function substitute(ctx: FunctionContext, args: AqlValue[]): AqlValue {
  const search = args[1]!
  const patterns: string[] = []
  const replacements: string[] = []
  let plainReplacement = false
  let limit = -1
  const str = (v: AqlValue, allowNull: boolean): string | null =>
    typeof v === 'string' ? v : v === null && allowNull ? '' : null
  if (isObject(search)) {
    if (args.length > 3) return invalidArg(ctx, 'SUBSTITUTE')
    if (args.length === 3) limit = toInt(toNumber(args[2]))
    for (const [k, v] of Object.entries(search)) {
      const r = str(v, true)
      if (r === null) return invalidArg(ctx, 'SUBSTITUTE')
      patterns.push(k)
      replacements.push(r)
    }
  } else {
    if (args.length === 4) limit = toInt(toNumber(args[3]))
    for (const p of isArray(search) ? search : [search]) {
      if (typeof p !== 'string') return invalidArg(ctx, 'SUBSTITUTE')
      patterns.push(p)
    }
    if (args.length > 2) {
      const replace = args[2]!
      if (isArray(replace)) {
        for (const r of replace) {
          const x = str(r, true)
          if (x === null) return invalidArg(ctx, 'SUBSTITUTE')
          replacements.push(x)
        }
      } else if (typeof replace === 'string') {
        plainReplacement = true
        replacements.push(replace)
      } else return invalidArg(ctx, 'SUBSTITUTE')
    }
  }
  const text = toStringValue(args[0])
  if (limit === 0 || patterns.length === 0 || text === '') return text
  // empty search strings never match here (arangod's ICU search cannot search for them)
  const byPattern = new Map<string, string>()
  patterns.forEach((p, i) => {
    if (p === '' || byPattern.has(p)) return
    byPattern.set(p, i < replacements.length ? replacements[i]! : plainReplacement ? replacements[0]! : '')
  })
  if (byPattern.size === 0) return text
  const re = new RegExp([...byPattern.keys()].map(escapeRegExp).join('|'), 'gu')
  let count = 0
  return text.replace(re, (m) => ((limit < 0 ? limit === -1 : count++ < limit) ? byPattern.get(m)! : m))
}

/** Non-overlapping match positions, as ICU's StringSearch reports them. */
function matchPositions(text: string, search: string): number[] {
  const out: number[] = []
  for (let at = text.indexOf(search); at >= 0; at = text.indexOf(search, at + search.length)) out.push(at)
  return out
}

/**
 * FIND_FIRST's and FIND_LAST's arguments: the text, the search string and the inclusive range
 * [start, end] its matches must lie in; null when the range is impossible, which both answer with
 * -1. `endGiven`: FIND_LAST answers an empty search one past an end given as the 4th argument.
 */
function findRange(
  args: AqlValue[],
): { text: string; search: string; start: number; end: number; endGiven: boolean } | null {
  const text = toStringValue(args[0])
  const search = toStringValue(args[1])
  const start = args.length > 2 ? toInt(toNumber(args[2])) : 0
  if (start < 0) return null
  if (args.length > 3 && args[3] !== null) {
    const end = toInt(toNumber(args[3]))
    if (end < start || end < 0) return null
    return { text, search, start, end, endGiven: true }
  }
  return { text, search, start, end: text.length, endGiven: false }
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
    if (args.length < 3) return s.slice(offset).join('')
    // arangod reads a third argument with toInt64(): null counts as 0 (an empty result)
    const length = toInt(toNumber(args[2]))
    if (length <= 0) return ''
    return s.slice(offset, offset + length).join('')
  }),
  SUBSTRING_BYTES: def(2, 5, (ctx, args) => {
    if (typeof args[0] !== 'string') return warnIn(ctx, 'SUBSTRING_BYTES', 10, 'bad parameter')
    const buf = Buffer.from(args[0], 'utf8')
    const len = buf.length
    if (len === 0) return ''
    let offset = toInt(toNumber(args[1]))
    offset = offset < 0 ? Math.max(0, len + offset) : Math.min(offset, len)
    const length = args.length > 2 ? Math.max(0, toInt(toNumber(args[2]))) : len
    const left = args.length > 3 ? toInt(toNumber(args[3])) : 0
    // with four arguments the right extension equals the left one
    const right = args.length > 4 ? toInt(toNumber(args[4])) : left
    const cont = (i: number): boolean => (buf[i]! & 0xc0) === 0x80
    let lhs = offset
    let rhs = lhs + Math.min(length, len - offset)
    // a cut inside a multi-byte character is an error (docs: SUBSTRING_BYTES example 4)
    if ((lhs !== len && cont(lhs)) || (rhs !== len && cont(rhs))) {
      return warnIn(ctx, 'SUBSTRING_BYTES', 10, 'bad parameter')
    }
    // extend by whole characters: count lead bytes, then skip continuation bytes
    for (let n = left; n > 0 && lhs !== 0;) {
      lhs--
      if (!cont(lhs)) n--
    }
    while (lhs !== 0 && lhs !== len && cont(lhs)) lhs--
    for (let n = right; n > 0 && rhs !== len;) {
      if (!cont(rhs)) n--
      rhs++
    }
    while (rhs !== len && cont(rhs)) rhs++
    return buf.subarray(lhs, rhs).toString('utf8')
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
    const text = toStringValue(args[0])
    // arangod's edge case: an empty input against a non-empty pattern gives [""]
    if (text === '' && re.source !== '(?:)') return ['']
    const m = re.exec(text)
    if (!m) return null
    return Array.from(m, (g) => g ?? '')
  }),
  REGEX_SPLIT: def(2, 4, (ctx, args) => {
    let limit = -1
    if (args.length === 4) {
      if (typeof args[3] !== 'number') return invalidArg(ctx, 'REGEX_SPLIT')
      limit = toInt(args[3])
      if (limit < 0) return null
      if (limit === 0) return []
    }
    const re = compileRegex(ctx, 'REGEX_SPLIT', args[1]!, boolArg(args, 2, false))
    if (!re) return null
    const text = toStringValue(args[0])
    if (text === '' && re.source !== '(?:)') return ['']
    const parts = text.split(re).map((p) => p ?? '')
    return limit >= 0 ? parts.slice(0, limit) : parts
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
    let type = typeof t === 'number' ? toInt(t) : 0
    if (type < 0 || type > 2) type = 0
    return trimWith(s, DEFAULT_TRIM, type <= 1, type === 0 || type === 2)
  }),
  LTRIM: def(1, 2, (_ctx, args) => {
    // an explicit argument is always stringified, so null trims nothing
    const chars = args.length > 1 ? toStringValue(args[1]) : DEFAULT_TRIM
    return trimWith(toStringValue(args[0]), chars, true, false)
  }),
  RTRIM: def(1, 2, (_ctx, args) => {
    const chars = args.length > 1 ? toStringValue(args[1]) : DEFAULT_TRIM
    return trimWith(toStringValue(args[0]), chars, false, true)
  }),
  // positions are UTF-16 code units, as ICU's UnicodeString counts them (and JS strings do)
  FIND_FIRST: def(2, 4, (_ctx, args) => {
    const r = findRange(args)
    if (!r) return -1
    const { text, search, start, end } = r
    if (search.length === 0) return start
    const at = matchPositions(text, search).find((p) => p >= start)
    return at !== undefined && at + search.length - 1 <= end ? at : -1
  }),
  FIND_LAST: def(2, 4, (_ctx, args) => {
    const r = findRange(args)
    if (!r) return -1
    const { text, search, start, end } = r
    if (search.length === 0) return r.endGiven ? end + 1 : end
    let found = -1
    for (const at of matchPositions(text, search))
      if (at >= start && at + search.length - 1 <= end) found = at
    return found
  }),
  SPLIT: def(1, 3, (ctx, args) => {
    let limit = -1
    if (args.length === 3) {
      if (typeof args[2] !== 'number') return invalidArg(ctx, 'SPLIT')
      limit = toInt(args[2])
      // documented edge cases
      if (limit < 0) return null
      if (limit === 0) return []
    }
    const sep = arg(args, 1)
    if (isObject(sep)) return invalidArg(ctx, 'SPLIT')
    if (args.length === 1) return [clone(args[0]!)]
    const text = toStringValue(args[0])
    // arangod's buildSplitMatcher: in an array, one empty or non-string separator "rules them all"
    // and splits into characters, as an empty string separator does
    const seps = isArray(sep)
      ? sep.some((x) => typeof x !== 'string' || x === '')
        ? []
        : (sep as string[])
      : [toStringValue(sep)].filter((x) => x !== '')
    let parts: string[]
    if (seps.length === 0) parts = Array.from(text)
    else if (text === '') parts = ['']
    else parts = text.split(new RegExp(seps.map(escapeRegExp).join('|'), 'u'))
    return limit >= 0 ? parts.slice(0, limit) : parts
  }),
  SUBSTITUTE: def(2, 4, (ctx, args) => substitute(ctx, args)),
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
  IN_RANGE: def(5, 5, (ctx, [v, lo, hi, incLo, incHi]) => {
    if (typeof incLo !== 'boolean' || typeof incHi !== 'boolean') return invalidArg(ctx, 'IN_RANGE')
    const cl = compare(lo, v)
    if (incLo ? cl > 0 : cl >= 0) return false
    const ch = compare(v, hi)
    return incHi ? ch <= 0 : ch < 0
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
    const n = toInt(toNumber(args[1]))
    if (n === 0) return ''
    if (n < 0) return invalidArg(ctx, 'REPEAT')
    const s = toStringValue(args[0])
    const sep = args.length > 2 ? toStringValue(args[2]) : ''
    if (s.length * n + sep.length * (n - 1) > 16 * 1024 * 1024) {
      return warnIn(ctx, 'REPEAT', 32, 'Output string of AQL REPEAT function was limited to 16MB.')
    }
    return new Array<string>(n).fill(s).join(sep)
  }),
  TO_CHAR: def(1, 1, (ctx, [v]) => {
    const n = typeof v === 'number' ? toInt(v) : -1
    if (n < 0 || n > 0x10ffff) return invalidArg(ctx, 'TO_CHAR')
    return String.fromCodePoint(n)
  }),
}
