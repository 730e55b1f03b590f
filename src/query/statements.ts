/**
 * Splits shell input into complete `;`-terminated statements and the unfinished rest, ignoring
 * `;` inside AQL strings ('…', "…"), quoted names (`…`, ´…´) and comments (// …, /* … *\/).
 */
export function splitStatements(text: string): { statements: string[]; rest: string } {
  const statements: string[] = []
  let start = 0
  let quote: string | undefined
  let lineComment = false
  let blockComment = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (lineComment) {
      if (c === '\n') lineComment = false
    } else if (blockComment) {
      if (c === '*' && text[i + 1] === '/') {
        blockComment = false
        i++
      }
    } else if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = undefined
    } else if (c === "'" || c === '"' || c === '`' || c === '´') {
      quote = c
    } else if (c === '/' && text[i + 1] === '/') {
      lineComment = true
      i++
    } else if (c === '/' && text[i + 1] === '*') {
      blockComment = true
      i++
    } else if (c === ';') {
      const stmt = text.slice(start, i)
      if (stmt.trim() !== '') statements.push(stmt.replace(/^\s*\n/, '').trimEnd())
      start = i + 1
    }
  }
  return { statements, rest: text.slice(start) }
}
