import type { Database } from 'arangojs'

import { describeError, EXIT, GraphpipeError } from '../errors.js'
import { executeQuery, type ExecuteOptions, type ExecuteResult } from './execute.js'
import { bindNamesIn, splitStatements } from './statements.js'

export interface ScriptResult {
  statements: number
  succeeded: number
  failed: number
  /** Per statement, in order: rows, or the error's message. */
  results: ({ statement: number; rows: number } | { statement: number; error: string })[]
}

/** The statements of a script: `;`-separated (not inside strings, quoted names or comments). */
export function scriptStatements(text: string): string[] {
  const { statements, rest } = splitStatements(text)
  if (stripComments(rest).trim() !== '') statements.push(rest.trim())
  return statements.filter((s) => stripComments(s).trim() !== '')
}

function stripComments(s: string): string {
  return s.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ' ')
}

/**
 * Runs a script's statements in order over one connection, each result printed in the chosen
 * format. Each statement gets the bind parameters it uses. With `failFast` the first failure stops
 * the script (and is thrown, as for one query); else every statement runs and a summary error
 * naming the failed ones ends it.
 */
export async function runScript(
  db: Database,
  statements: string[],
  o: Omit<ExecuteOptions, 'query'> & { failFast: boolean },
): Promise<ScriptResult & { last?: ExecuteResult }> {
  const result: ScriptResult & { last?: ExecuteResult } = {
    statements: statements.length,
    succeeded: 0,
    failed: 0,
    results: [],
  }
  for (const [i, query] of statements.entries()) {
    const used = bindNamesIn(query)
    try {
      result.last = await executeQuery(db, {
        ...o,
        query,
        bindVars: Object.fromEntries(Object.entries(o.bindVars).filter(([k]) => used.has(k))),
      })
      result.succeeded++
      result.results.push({ statement: i + 1, rows: result.last.rows })
      if (result.last.stopped) break
    } catch (err) {
      const { message, exitCode } = describeError(err)
      result.failed++
      result.results.push({ statement: i + 1, error: message })
      const where = `statement ${i + 1} of ${statements.length}`
      if (o.failFast || exitCode === EXIT.CONNECTION) {
        throw new GraphpipeError(
          (err as GraphpipeError).code ?? 'QUERY_FAILED',
          `${where}: ${message}`,
          exitCode,
        )
      }
      o.err.write(`Error: ${where}: ${message}\n`)
    }
  }
  if (result.failed > 0) {
    const which = result.results.filter((r) => 'error' in r).map((r) => r.statement)
    throw new GraphpipeError(
      'QUERY_SCRIPT_FAILED',
      `${result.failed} of ${result.statements} statements failed (${which.join(', ')}); ${result.succeeded} succeeded`,
      EXIT.FAILED,
    )
  }
  return result
}
