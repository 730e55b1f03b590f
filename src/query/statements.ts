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
      if (stmt.trim() !== '') statements.push(stmt.trim())
      start = i + 1
    }
  }
  return { statements, rest: text.slice(start) }
}

/**
 * Names of the bind parameters a query uses, as bindVars keys: `@name` gives `name`, `@@coll`
 * gives `@coll`. Strings, quoted names and comments are skipped.
 */
export function bindNamesIn(query: string): Set<string> {
  const names = new Set<string>()
  const code = query.replace(
    /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|`[^`]*`|´[^´]*´|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
    ' ',
  )
  for (const m of code.matchAll(/@(@?)([A-Za-z0-9_]+)/g)) names.add(`${m[1]}${m[2]}`)
  return names
}
