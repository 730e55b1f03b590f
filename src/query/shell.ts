import { appendFile, mkdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'

import type { Database } from 'arangojs'

import { describeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import { parseBindArg, type BindVars } from './bind.js'
import { executeQuery, type ExecuteOptions } from './execute.js'
import { FORMATS, isFormat, type Format } from './format/index.js'
import { bindNamesIn, splitStatements } from './statements.js'

const HISTORY_SIZE = DEFAULTS.query.historySize

export interface ShellOptions {
  db: Database
  input: NodeJS.ReadableStream
  /** Results and the shell's own messages. */
  output: NodeJS.WritableStream & { columns?: number; isTTY?: boolean }
  /** Errors, warnings and stats. */
  err: NodeJS.WritableStream
  /** Line editing, prompts and Ctrl-C handling (true when input and output are a terminal). */
  terminal: boolean
  /** Where history is kept (one query per line); undefined keeps none. */
  historyFile?: string
  format: Format
  bindVars?: BindVars
  /** Said once at the start, e.g. the target. */
  banner?: string
  run: Pick<ExecuteOptions, 'batchSize' | 'maxRows' | 'timeoutMs' | 'stats' | 'profile' | 'where'>
}

export interface ShellResult {
  queries: number
  failed: number
}

const HELP = `Type an AQL query and end it with ; (it may span lines). Commands:
  .help                 this text
  .format [NAME]        show or set the output format (${FORMATS.join(', ')})
  .bind                 list bind parameters
  .bind NAME=VALUE      set one (VALUE as JSON when it parses, else a string; @coll=name for @@coll)
  .bind -NAME           remove one; .bind - removes all
  .exit                 leave (or Ctrl-D); Ctrl-C clears the input or stops a running query
`

async function loadHistory(file: string | undefined): Promise<string[]> {
  if (!file) return []
  try {
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '')
    return lines.slice(-HISTORY_SIZE).reverse()
  } catch {
    return []
  }
}

async function saveHistory(file: string | undefined, entry: string): Promise<void> {
  if (!file) return
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
    // Queries may hold literals worth keeping private: the file is the user's alone.
    await appendFile(file, entry.replace(/\s*\n\s*/g, ' ') + '\n', { mode: 0o600 })
  } catch {
    // History is a convenience; a read-only home must not break the shell.
  }
}

/**
 * The interactive AQL shell: reads `;`-terminated queries (over several lines if need be) and
 * dot commands from `input`, runs each over the one connection it was given, and keeps history.
 * Works on any stream pair, so it is tested without a terminal.
 */
export async function runShell(o: ShellOptions): Promise<ShellResult> {
  let format = o.format
  const bindVars: BindVars = { ...(o.bindVars ?? {}) }
  const history = await loadHistory(o.historyFile)
  const rl = readline.createInterface({
    input: o.input,
    output: o.terminal ? o.output : undefined,
    terminal: o.terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  })
  const say = (text: string): void => {
    o.output.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  let buffer = ''
  let running: AbortController | undefined
  const prompt = (): void => {
    if (!o.terminal) return
    rl.setPrompt(buffer.trim() === '' ? 'aql> ' : '...> ')
    rl.prompt()
  }
  rl.on('SIGINT', () => {
    if (running) {
      running.abort()
      return
    }
    // Like a shell: drop what was typed (the query so far and the line being edited).
    buffer = ''
    rl.write(null, { ctrl: true, name: 'e' })
    rl.write(null, { ctrl: true, name: 'u' })
    o.output.write('^C\n')
    prompt()
  })

  const result: ShellResult = { queries: 0, failed: 0 }
  const command = (line: string): boolean => {
    const [name, ...restParts] = line.trim().split(/\s+/)
    const rest = restParts.join(' ')
    switch (name) {
      case '.exit':
      case '.quit':
        return false
      case '.help':
        say(HELP)
        break
      case '.format':
        if (rest === '') say(`format: ${format}`)
        else if (isFormat(rest)) {
          format = rest
          say(`format: ${format}`)
        } else o.err.write(`Error: unknown format ${JSON.stringify(rest)} (one of ${FORMATS.join(', ')})\n`)
        break
      case '.bind':
        if (rest === '') {
          const names = Object.keys(bindVars)
          say(
            names.length
              ? names.map((n) => `${n} = ${JSON.stringify(bindVars[n])}`).join('\n')
              : '(no bind parameters)',
          )
        } else if (rest === '-') {
          for (const k of Object.keys(bindVars)) delete bindVars[k]
        } else if (rest.startsWith('-')) {
          delete bindVars[rest.slice(1)]
        } else {
          try {
            const [n, v] = parseBindArg(rest)
            bindVars[n] = v
          } catch (err) {
            o.err.write(`Error: ${describeError(err).message.replace(/^--bind/, '.bind')}\n`)
          }
        }
        break
      default:
        o.err.write(`Error: unknown command ${name} (.help lists them)\n`)
    }
    return true
  }

  const runOne = async (query: string): Promise<void> => {
    await saveHistory(o.historyFile, `${query};`)
    result.queries++
    running = new AbortController()
    try {
      // Parameters set with .bind stay for the session; each query gets the ones it uses, since
      // ArangoDB refuses values for undeclared parameters (error 1552).
      const used = bindNamesIn(query)
      await executeQuery(o.db, {
        ...o.run,
        query,
        bindVars: Object.fromEntries(Object.entries(bindVars).filter(([k]) => used.has(k))),
        format,
        out: o.output,
        err: o.err,
        width: o.output.isTTY ? o.output.columns : undefined,
        signal: running.signal,
      })
    } catch (err) {
      result.failed++
      o.err.write(`Error: ${describeError(err).message}\n`)
    } finally {
      running = undefined
    }
  }

  if (o.banner) say(o.banner)
  prompt()
  let open = true
  for await (const line of rl) {
    if (buffer.trim() === '' && line.trim().startsWith('.')) {
      buffer = ''
      open = command(line)
      if (!open) break
      prompt()
      continue
    }
    buffer += (buffer === '' ? '' : '\n') + line
    const { statements, rest } = splitStatements(buffer)
    buffer = rest
    for (const stmt of statements) await runOne(stmt)
    prompt()
  }
  if (open && buffer.trim() !== '') await runOne(buffer.trim())
  rl.close()
  return result
}
