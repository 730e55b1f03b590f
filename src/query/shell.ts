import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'

import type { Database } from 'arangojs'

import { describeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import { highlight, toHistoryLine, useColour } from './aql-tokens.js'
import { parseBindArg, type BindVars } from './bind.js'
import { Completer } from './complete.js'
import { executeQuery, type ExecuteOptions, type ExecuteResult } from './execute.js'
import { FORMATS, isFormat, type Format } from './format/index.js'
import { page, PagerBuffer } from './pager.js'
import { destructiveReason } from './readonly.js'
import { listQueries, loadQuery, saveQuery } from './saved.js'
import { bindNamesIn, splitStatements } from './statements.js'
import { terminalRows, terminalWidth } from './terminal.js'

const HISTORY_SIZE = DEFAULTS.query.historySize

export interface ShellOptions {
  db: Database
  input: NodeJS.ReadableStream
  /** Results and the shell's own messages. */
  output: NodeJS.WritableStream & {
    columns?: number
    rows?: number
    isTTY?: boolean
    hasColors?: () => boolean
  }
  /** Errors, warnings and stats. */
  err: NodeJS.WritableStream
  /** Line editing, prompts and Ctrl-C handling (true when input and output are a terminal). */
  terminal: boolean
  /** Where history is kept (one statement per line); undefined keeps none. */
  historyFile?: string
  format: Format
  bindVars?: BindVars
  /** Said once at the start, e.g. the target. */
  banner?: string
  /** Ask before a statement that removes, or overwrites a whole collection (false: `--yes`). */
  confirm?: boolean
  /** Page results taller than the screen through $PAGER (terminal only; `.pager off`). */
  pager?: boolean
  env?: NodeJS.ProcessEnv
  run: Pick<
    ExecuteOptions,
    'batchSize' | 'maxRows' | 'timeoutMs' | 'stats' | 'profile' | 'where' | 'readOnly' | 'label' | 'onQueryId'
  >
}

export interface ShellResult {
  queries: number
  failed: number
}

const HELP = `Type an AQL query and end it with ; (it may span lines; Tab completes). Commands:
  .help                 this text
  .format [NAME]        show or set the output format (${FORMATS.join(', ')})
  .out [FILE|-]         write results to FILE (each result replaces it; e.g. with .format svg); - is the screen
  .x                    expanded rows on/off: one attribute per line
  .pager on|off         page results taller than the screen through $PAGER (default less -FRX)
  .readonly on|off      refuse statements whose plan writes (checked with explain before they run)
  .bind                 list bind parameters
  .bind NAME=VALUE      set one (VALUE as JSON when it parses, else a string; @coll=name for @@coll)
  .bind -NAME           remove one; .bind - removes all
  .save NAME            save the last statement as a named query
  .run NAME [N=V ...]   run a saved query, with bind parameters
  .queries              list the saved queries
  .refresh              reload collection, graph and attribute names for completion
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
    await appendFile(file, entry + '\n', { mode: 0o600 })
  } catch {
    // History is a convenience; a read-only home must not break the shell.
  }
}

/** readline's internals the shell hooks for highlighting (stable since Node 0.x, used widely). */
interface Hookable {
  _writeToOutput(text: string): void
  _refreshLine(): void
  line: string
  history: string[]
}

const on = (v: string): boolean | undefined => (v === 'on' ? true : v === 'off' ? false : undefined)

/**
 * The interactive AQL shell: reads `;`-terminated queries (over several lines if need be) and
 * dot commands from `input`, runs each over the one connection it was given, and keeps history.
 * Works on any stream pair (tests without a terminal), and under a terminal adds completion,
 * highlighting, a pager and confirmation of destructive statements.
 */
export async function runShell(o: ShellOptions): Promise<ShellResult> {
  const env = o.env ?? process.env
  let format = o.format
  let outFile: string | undefined
  let expanded = false
  let pager = o.pager ?? true
  let readOnly = Boolean(o.run.readOnly)
  let last: string | undefined
  const bindVars: BindVars = { ...(o.bindVars ?? {}) }
  const history = await loadHistory(o.historyFile)
  let buffer = ''
  const completer = new Completer(o.db, () => Object.keys(bindVars))
  if (o.terminal) void completer.refresh()
  const rl = readline.createInterface({
    input: o.input,
    output: o.terminal ? o.output : undefined,
    terminal: o.terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: o.terminal
      ? (line: string, cb: (err: null, r: [string[], string]) => void) => {
          completer.complete(line, buffer).then(
            ([hits, word]) => {
              // several function names: show their argument lists as the hint
              const shown = hits.length > 1 ? hits.map((h) => completer.hint(h) ?? h) : hits
              cb(null, [hits.length > 1 && shown.some((s, i) => s !== hits[i]) ? shown : hits, word])
            },
            () => cb(null, [[], line]),
          )
        }
      : undefined,
  })
  const hook = rl as unknown as Hookable
  if (o.terminal && useColour(o.output, env)) {
    // colour the line as readline redraws it: the prompt is written plain, the statement highlighted
    const write = hook._writeToOutput.bind(rl)
    hook._writeToOutput = (text: string) => {
      const p = rl.getPrompt()
      write(text.startsWith(p) ? p + highlight(text.slice(p.length)) : text)
    }
    // redraw after each key so a word changes colour as it completes (readline writes typed
    // characters one by one otherwise)
    o.input.on('keypress', (_s: string, key: { name?: string; ctrl?: boolean } | undefined) => {
      if (!key || key.name === 'return' || key.name === 'enter' || key.name === 'tab' || key.ctrl) return
      setImmediate(() => {
        if (!closed) hook._refreshLine()
      })
    })
  }
  let closed = false
  const say = (text: string): void => {
    o.output.write(text.endsWith('\n') ? text : `${text}\n`)
  }
  const fail = (message: string): void => {
    o.err.write(`Error: ${message}\n`)
  }

  // lines are queued so that a confirmation can read the next one while a statement waits
  const queue: string[] = []
  let waiting: ((line: string | undefined) => void) | undefined
  let ended = false
  rl.on('line', (line) => {
    if (waiting) {
      const w = waiting
      waiting = undefined
      w(line)
    } else queue.push(line)
  })
  rl.on('close', () => {
    ended = true
    closed = true
    waiting?.(undefined)
  })
  const nextLine = (): Promise<string | undefined> => {
    if (queue.length) return Promise.resolve(queue.shift())
    if (ended) return Promise.resolve(undefined)
    return new Promise((resolve) => (waiting = resolve))
  }

  let running: AbortController | undefined
  const prompt = (): void => {
    if (!o.terminal || closed) return
    rl.setPrompt(buffer.trim() === '' ? (readOnly ? 'aql(ro)> ' : 'aql> ') : '...> ')
    // keys typed ahead while the last line was handled are already in readline's line: keep the
    // cursor after them (prompt() alone moves it to 0, and the next key lands before them)
    rl.prompt(true)
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

  /** Asks before a statement that removes or overwrites a whole collection; true to run it. */
  const confirmed = async (query: string, binds: BindVars): Promise<boolean> => {
    if (o.confirm === false || !/\b(REMOVE|UPDATE|REPLACE)\b/i.test(query)) return true
    let reason: string | undefined
    try {
      reason = destructiveReason(await o.db.explain(query, binds))
    } catch {
      return true // it does not parse: let the run report the error
    }
    if (!reason) return true
    o.output.write(`This statement writes: ${reason}. Run it? [y/N] `)
    if (!o.terminal) o.output.write('\n')
    const answer = (await nextLine()) ?? ''
    if (/^\s*y(es)?\s*$/i.test(answer)) return true
    say('not run')
    return false
  }

  const runOne = async (query: string, extraBinds: BindVars = {}): Promise<void> => {
    const entry = toHistoryLine(query)
    await saveHistory(o.historyFile, `${entry};`)
    if (o.terminal) {
      // readline kept the last typed line; the statement as a whole is what comes back with Up
      if (hook.history[0] !== `${entry};`) hook.history.unshift(`${entry};`)
    }
    last = query
    result.queries++
    // Parameters set with .bind stay for the session; each query gets the ones it uses, since
    // ArangoDB refuses values for undeclared parameters (error 1552).
    const used = bindNamesIn(query)
    const all = { ...bindVars, ...extraBinds }
    const binds = Object.fromEntries(Object.entries(all).filter(([k]) => used.has(k)))
    if (!readOnly && !(await confirmed(query, binds))) return
    running = new AbortController()
    const toFile = outFile !== undefined
    const rows = terminalRows(o.output, env)
    const paged = !toFile && pager && o.terminal && rows !== undefined && !format.match(/svg|graphml/)
    const target: NodeJS.WritableStream = toFile
      ? createWriteStream(outFile!)
      : paged
        ? new PagerBuffer(o.output)
        : o.output
    let run: ExecuteResult | undefined
    try {
      run = await executeQuery(o.db, {
        ...o.run,
        readOnly,
        expanded,
        query,
        bindVars: binds,
        format,
        out: target,
        err: o.err,
        width: toFile ? undefined : terminalWidth(o.output, env),
        signal: running.signal,
      })
    } catch (err) {
      result.failed++
      fail(describeError(err).message)
      if (/\b1203\b/.test(describeError(err).message)) void completer.refresh()
    } finally {
      running = undefined
    }
    if (toFile) {
      await new Promise<void>((resolve) =>
        (target as NodeJS.WritableStream & { end(cb: () => void): void }).end(resolve),
      )
      if (run) say(`wrote ${run.rows} ${run.rows === 1 ? 'row' : 'rows'} as ${format} to ${outFile}`)
    } else if (target instanceof PagerBuffer) {
      const text = target.take()
      if (target.lines > rows! - 1) {
        rl.pause()
        const raw = o.input as NodeJS.ReadStream
        if (raw.isTTY) raw.setRawMode(false)
        await page(text, o.output, env)
        if (raw.isTTY) raw.setRawMode(true)
        rl.resume()
      } else o.output.write(text)
    }
    // writes may add attributes; a new collection or graph shows up after a write too
    if (run && ((run.stats?.writesExecuted ?? 0) > 0 || /\b(INSERT|UPSERT)\b/i.test(query)))
      void completer.refresh()
  }

  const command = async (line: string): Promise<boolean> => {
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
          say(
            `format: ${format}${(rest === 'svg' || rest === 'graphml') && !outFile ? ' (.out FILE to write it to a file)' : ''}`,
          )
        } else fail(`unknown format ${JSON.stringify(rest)} (one of ${FORMATS.join(', ')})`)
        break
      case '.out':
        outFile = rest === '' || rest === '-' ? undefined : rest
        say(outFile ? `results go to ${outFile}` : 'results go to the screen')
        break
      case '.x':
        expanded = rest === '' ? !expanded : (on(rest) ?? expanded)
        say(`expanded rows: ${expanded ? 'on' : 'off'}`)
        break
      case '.pager': {
        const v = on(rest)
        if (rest !== '' && v === undefined) fail('.pager on|off')
        else pager = v ?? pager
        say(`pager: ${pager ? 'on' : 'off'}`)
        break
      }
      case '.readonly': {
        const v = on(rest)
        if (rest !== '' && v === undefined) fail('.readonly on|off')
        else readOnly = v ?? readOnly
        say(`read-only: ${readOnly ? 'on' : 'off'}`)
        break
      }
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
            fail(describeError(err).message.replace(/^--bind/, '.bind'))
          }
        }
        break
      case '.save':
        if (rest === '') fail('.save NAME: give the saved query a name')
        else if (last === undefined) fail('.save: no statement has run yet in this session')
        else {
          try {
            say(`saved as ${rest} (${await saveQuery(rest, last)})`)
          } catch (err) {
            fail(describeError(err).message)
          }
        }
        break
      case '.run': {
        if (restParts.length === 0) {
          fail('.run NAME [NAME=VALUE ...]')
          break
        }
        try {
          const query = await loadQuery(restParts[0])
          const extra: BindVars = {}
          for (const b of restParts.slice(1)) {
            const [n, v] = parseBindArg(b)
            extra[n] = v
          }
          await runOne(query, extra)
        } catch (err) {
          fail(describeError(err).message.replace(/^--bind/, '.run'))
        }
        break
      }
      case '.queries': {
        const names = await listQueries()
        say(names.length ? names.join('\n') : '(no saved queries: .save NAME after running one)')
        break
      }
      case '.refresh':
        await completer.refresh()
        say('catalog reloaded')
        break
      default:
        fail(`unknown command ${name} (.help lists them)`)
    }
    return true
  }

  if (o.banner) say(o.banner)
  prompt()
  let open = true
  for (let line = await nextLine(); line !== undefined; line = await nextLine()) {
    if (buffer.trim() === '' && line.trim().startsWith('.')) {
      buffer = ''
      open = await command(line)
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
  closed = true
  rl.close()
  return result
}
