/**
 * AQL tokenizer. Token kinds and their printable names follow ArangoDB's grammar
 * (arangod/Aql/grammar.y `%token` descriptions), because parse errors quote them:
 * "syntax error, unexpected assignment near '= 1 …' at position 1:26".
 */
import { ArangoError } from '../errors.js'
import { KEYWORDS } from './keywords.js'

export type TokenKind = 'keyword' | 'ident' | 'string' | 'int' | 'number' | 'param' | 'dsparam' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  /** Keywords upper-cased; operators as written; strings unescaped; names unquoted. */
  value: string
  /** Offset of the first character in the query text. */
  pos: number
  line: number
  /** 1-based column as ArangoDB reports it. */
  col: number
  /** True for backtick/forward-tick quoted names (never keywords). */
  quoted?: boolean
}

/** Names bison prints for a token (grammar.y). */
const KEYWORD_DESCRIPTIONS: Record<string, string> = {
  FOR: 'FOR declaration',
  LET: 'LET declaration',
  FILTER: 'FILTER declaration',
  RETURN: 'RETURN declaration',
  COLLECT: 'COLLECT declaration',
  SORT: 'SORT declaration',
  LIMIT: 'LIMIT declaration',
  WINDOW: 'WINDOW declaration',
  ASC: 'ASC keyword',
  DESC: 'DESC keyword',
  IN: 'IN keyword',
  WITH: 'WITH keyword',
  INTO: 'INTO keyword',
  AGGREGATE: 'AGGREGATE keyword',
  GRAPH: 'GRAPH keyword',
  SHORTEST_PATH: 'SHORTEST_PATH keyword',
  K_SHORTEST_PATHS: 'K_SHORTEST_PATHS keyword',
  K_PATHS: 'K_PATHS keyword',
  ALL_SHORTEST_PATHS: 'ALL_SHORTEST_PATHS keyword',
  DISTINCT: 'DISTINCT modifier',
  REMOVE: 'REMOVE command',
  INSERT: 'INSERT command',
  UPDATE: 'UPDATE command',
  REPLACE: 'REPLACE command',
  UPSERT: 'UPSERT command',
  NULL: 'null',
  TRUE: 'true',
  FALSE: 'false',
  NOT: 'not operator',
  AND: 'and operator',
  OR: 'or operator',
  LIKE: 'like operator',
  OUTBOUND: 'outbound modifier',
  INBOUND: 'inbound modifier',
  ANY: 'any modifier',
  ALL: 'all modifier',
  NONE: 'none modifier',
  AT: 'at least modifier',
  PRUNE: 'PRUNE keyword',
  SEARCH: 'SEARCH declaration',
}

const OP_DESCRIPTIONS: Record<string, string> = {
  '=': 'assignment',
  '!': 'not operator',
  '&&': 'and operator',
  '||': 'or operator',
  '=~': '~= operator',
  '!~': '~! operator',
  '==': '== operator',
  '!=': '!= operator',
  '<': '< operator',
  '>': '> operator',
  '<=': '<= operator',
  '>=': '>= operator',
  '+': '+ operator',
  '-': '- operator',
  '*': '* operator',
  '/': '/ operator',
  '%': '% operator',
  '?': '?',
  ':': ':',
  '::': '::',
  '..': '..',
  ',': ',',
  '(': '(',
  ')': ')',
  '{': '{',
  '}': '}',
  '[': '[',
  ']': ']',
  '.': '.',
}

export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'keyword':
      return KEYWORD_DESCRIPTIONS[t.value] ?? t.value
    case 'ident':
      return 'identifier'
    case 'string':
      return 'quoted string'
    case 'int':
      return 'integer number'
    case 'number':
      return 'number'
    case 'param':
      return 'bind parameter'
    case 'dsparam':
      return 'bind data source parameter'
    case 'eof':
      return 'end of query'
    default:
      return OP_DESCRIPTIONS[t.value] ?? t.value
  }
}

/** ArangoDB quotes at most 32 characters of the query from the error position, then "...". */
export function parseError(
  query: string,
  message: string,
  pos: number,
  line: number,
  col: number,
): ArangoError {
  let near = query.slice(pos)
  if (near.length > 32) near = near.slice(0, 32) + '...'
  return new ArangoError(1501, 400, `${message} near '${near}' at position ${line}:${col}`)
}

const OPS3 = new Set<string>([])
const OPS2 = new Set(['&&', '||', '==', '!=', '<=', '>=', '=~', '!~', '..', '::'])
const OPS1 = new Set([
  '=',
  '!',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  ',',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '.',
])

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c)
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c)
const isDigit = (c: string) => c >= '0' && c <= '9'

export function tokenize(query: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const n = query.length

  const err = (msg: string, at: number) => parseError(query, msg, at, line, at - lineStart + 1)
  // flex only updates the location for matched rules (tokens, whitespace runs, newlines, comments),
  // so the end of the query is reported at the last lexeme
  let last = { pos: 0, line: 1, col: 1 }
  const mark = (at: number) => {
    last = { pos: at, line, col: at - lineStart + 1 }
  }

  while (i < n) {
    const c = query[i]!
    if (c === '\n') {
      mark(i)
      i++
      line++
      lineStart = i
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0') {
      mark(i)
      while (i < n && /[ \t\r\f\v\u00a0]/.test(query[i]!)) i++
      continue
    }
    if (c === '/' && query[i + 1] === '/') {
      mark(i)
      while (i < n && query[i] !== '\n') i++
      continue
    }
    if (c === '/' && query[i + 1] === '*') {
      mark(i)
      const start = i
      i += 2
      while (i < n && !(query[i] === '*' && query[i + 1] === '/')) {
        if (query[i] === '\n') {
          line++
          lineStart = i + 1
        }
        i++
      }
      if (i >= n) throw err('syntax error, unexpected unterminated multi-line comment', start)
      i += 2
      continue
    }
    const start = i
    const col = i - lineStart + 1
    mark(i)
    const push = (kind: TokenKind, value: string, quoted?: boolean) =>
      tokens.push({ kind, value, pos: start, line, col, ...(quoted ? { quoted } : {}) })

    if (c === '"' || c === "'") {
      i++
      let s = ''
      for (;;) {
        if (i >= n) throw err('syntax error, unexpected unterminated string literal', start)
        const d = query[i]!
        if (d === c) {
          i++
          break
        }
        if (d === '\\') {
          const e = query[i + 1]
          i += 2
          switch (e) {
            case 'n':
              s += '\n'
              break
            case 't':
              s += '\t'
              break
            case 'r':
              s += '\r'
              break
            case 'b':
              s += '\b'
              break
            case 'f':
              s += '\f'
              break
            case 'u': {
              const hex = query.slice(i, i + 4)
              if (/^[0-9a-fA-F]{4}$/.test(hex)) {
                s += String.fromCharCode(parseInt(hex, 16))
                i += 4
              } else s += 'u'
              break
            }
            case undefined:
              break
            default:
              s += e
          }
          continue
        }
        if (d === '\n') {
          line++
          lineStart = i + 1
        }
        s += d
        i++
      }
      push('string', s)
      continue
    }
    if (c === '`' || c === '\u00b4') {
      i++
      let s = ''
      while (i < n && query[i] !== c) {
        if (query[i] === '\\' && i + 1 < n) {
          // arangod unescapes quoted names like strings (registerEscapedString): \n, \t, \uXXXX …
          const e = query[i + 1]!
          i += 2
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }
          if (e in simple) s += simple[e]
          else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(query.slice(i, i + 4))) {
            s += String.fromCharCode(parseInt(query.slice(i, i + 4), 16))
            i += 4
          } else s += e
          continue
        }
        s += query[i]
        i++
      }
      if (i >= n) throw err('syntax error, unexpected unterminated quoted name', start)
      i++
      push('ident', s, true)
      continue
    }
    if (isDigit(c) || (c === '.' && isDigit(query[i + 1] ?? '') && !(tokens.at(-1)?.kind === 'ident'))) {
      // a prefix without a digit (`0x`, `0b`) is the integer 0 followed by a name, as flex's
      // longest match reads it: the parser then fails with 1501 as ArangoDB does
      if (
        c === '0' &&
        (query[i + 1] === 'x' || query[i + 1] === 'X') &&
        /[0-9a-fA-F]/.test(query[i + 2] ?? '')
      ) {
        i += 2
        while (i < n && /[0-9a-fA-F]/.test(query[i]!)) i++
        push('int', String(parseInt(query.slice(start + 2, i), 16)))
        continue
      }
      if (c === '0' && (query[i + 1] === 'b' || query[i + 1] === 'B') && /[01]/.test(query[i + 2] ?? '')) {
        i += 2
        while (i < n && (query[i] === '0' || query[i] === '1')) i++
        push('int', String(parseInt(query.slice(start + 2, i), 2)))
        continue
      }
      let isFloat = false
      while (i < n && isDigit(query[i]!)) i++
      // "1..5" is a range, not a float
      if (query[i] === '.' && query[i + 1] !== '.' && isDigit(query[i + 1] ?? '')) {
        isFloat = true
        i++
        while (i < n && isDigit(query[i]!)) i++
      }
      if ((query[i] === 'e' || query[i] === 'E') && /[0-9+-]/.test(query[i + 1] ?? '')) {
        isFloat = true
        i += 2
        while (i < n && isDigit(query[i]!)) i++
      }
      push(isFloat ? 'number' : 'int', query.slice(start, i))
      continue
    }
    if (c === '@') {
      const ds = query[i + 1] === '@'
      i += ds ? 2 : 1
      const m = /^(_+[a-zA-Z0-9]+[a-zA-Z0-9_]*|[a-zA-Z0-9][a-zA-Z0-9_]*)/.exec(query.slice(i, i + 300))
      if (!m) throw err('syntax error, unexpected bind parameter', start)
      i += m[0].length
      push(ds ? 'dsparam' : 'param', m[0])
      continue
    }
    if (isIdentStart(c)) {
      // tokens.ll: `$?[a-zA-Z][_a-zA-Z0-9]*` - a `$` only before a letter (a lone one looped forever)
      if (c === '$') {
        if (!/[A-Za-z]/.test(query[i + 1] ?? ''))
          throw err(`syntax error, unexpected character '${c}'`, start)
        i++
      }
      while (i < n && isIdentPart(query[i]!)) i++
      const word = query.slice(start, i)
      const up = word.toUpperCase()
      if (KEYWORDS.has(up)) push('keyword', up)
      else push('ident', word)
      continue
    }
    const three = query.slice(i, i + 3)
    if (OPS3.has(three)) {
      i += 3
      push('op', three)
      continue
    }
    const two = query.slice(i, i + 2)
    if (OPS2.has(two)) {
      i += 2
      push('op', two)
      continue
    }
    if (OPS1.has(c)) {
      i++
      push('op', c)
      continue
    }
    throw err(`syntax error, unexpected character '${c}'`, start)
  }
  tokens.push({ kind: 'eof', value: '', pos: last.pos, line: last.line, col: last.col })
  return tokens
}
