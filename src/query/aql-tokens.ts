/**
 * A small AQL tokenizer for the shell: highlighting, history and completion need to know what is
 * a string, a comment, a number, a bind parameter or a keyword, never the full grammar.
 */

import { CONTEXTUAL_KEYWORDS, RESERVED_KEYWORDS } from '../engine/aql/keywords.js'

/** What the shell highlights and completes as a keyword, upper case. */
export const AQL_KEYWORDS: readonly string[] = [...RESERVED_KEYWORDS, ...CONTEXTUAL_KEYWORDS]

const KEYWORDS = new Set<string>(AQL_KEYWORDS)

export type TokenType = 'keyword' | 'string' | 'number' | 'bind' | 'comment' | 'name' | 'other' | 'space'

export interface Token {
  type: TokenType
  text: string
}

/** Splits AQL into tokens; unterminated strings and comments run to the end (as while typing). */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  let i = 0
  const push = (type: TokenType, end: number): void => {
    out.push({ type, text: text.slice(i, end) })
    i = end
  }
  while (i < text.length) {
    const c = text[i]
    const rest = text.slice(i)
    let m: RegExpExecArray | null
    if (c === "'" || c === '"' || c === '`' || c === '´') {
      let j = i + 1
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' && c !== '´' ? 2 : 1
      push(c === '`' || c === '´' ? 'name' : 'string', Math.min(j + 1, text.length))
    } else if (rest.startsWith('//')) {
      const nl = text.indexOf('\n', i)
      push('comment', nl === -1 ? text.length : nl)
    } else if (rest.startsWith('/*')) {
      const end = text.indexOf('*/', i + 2)
      push('comment', end === -1 ? text.length : end + 2)
    } else if ((m = /^\s+/.exec(rest))) {
      push('space', i + m[0].length)
    } else if ((m = /^@@?[A-Za-z0-9_]+/.exec(rest))) {
      push('bind', i + m[0].length)
    } else if ((m = /^(?:0[xX][0-9a-fA-F]+|0[bB][01]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(rest))) {
      push('number', i + m[0].length)
    } else if ((m = /^[A-Za-z_$][A-Za-z0-9_]*/.exec(rest))) {
      push(KEYWORDS.has(m[0].toUpperCase()) ? 'keyword' : 'name', i + m[0].length)
    } else {
      push('other', i + 1)
    }
  }
  return out
}

/**
 * A statement as one history line that runs the same when recalled: newlines between tokens become
 * spaces, a `// comment` becomes a block comment (or it would swallow the rest of the line), and a
 * newline inside a string becomes the escape `\n`.
 */
export function toHistoryLine(statement: string): string {
  return tokenize(statement)
    .map((t) => {
      if (t.type === 'space') return t.text.includes('\n') ? ' ' : t.text
      if (t.type === 'comment' && t.text.startsWith('//'))
        return `/* ${t.text.slice(2).trim().replace(/\*\//g, '* /')} */`
      if (t.type === 'comment') return t.text.replace(/\s*\n\s*/g, ' ')
      if (t.type === 'string') return t.text.replace(/\r?\n/g, '\\n')
      return t.text
    })
    .join('')
    .trim()
}

const COLOURS: Partial<Record<TokenType, string>> = {
  keyword: '\x1b[1;34m',
  string: '\x1b[32m',
  number: '\x1b[33m',
  bind: '\x1b[35m',
  comment: '\x1b[2;37m',
}

/** The text with ANSI colours for keywords, strings, numbers, bind parameters and comments. */
export function highlight(text: string): string {
  return tokenize(text)
    .map((t) => (COLOURS[t.type] ? `${COLOURS[t.type]}${t.text}\x1b[0m` : t.text))
    .join('')
}

/** Whether to colour: a terminal that has colours, and no NO_COLOR (https://no-color.org). */
export function useColour(out: { isTTY?: boolean; hasColors?: () => boolean }, env = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (!out.isTTY) return false
  return out.hasColors ? out.hasColors() : true
}
