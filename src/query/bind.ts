import { readFile } from 'node:fs/promises'

import { isObject } from '../objects.js'
import { EXIT, GraphpipeError } from '../errors.js'

export type BindVars = Record<string, unknown>

/** AQL bind parameter names (ArangoDB's lexer): `name`, or `@name` for an `@@name` collection parameter. */
const BIND_NAME = /^@?(_+[a-zA-Z0-9]+[a-zA-Z0-9_]*|[a-zA-Z0-9][a-zA-Z0-9_]*)$/

const usage = (message: string): GraphpipeError => new GraphpipeError('QUERY_BAD_BIND', message, EXIT.USAGE)

/** JSON when the text parses as JSON, else the text itself: `n=3` is a number, `s=abc` a string. */
export function parseBindValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * One `--bind NAME=VALUE`. `@coll=name` binds the collection parameter `@@coll`, and its value is
 * always the collection name as written.
 */
export function parseBindArg(arg: string): [string, unknown] {
  const eq = arg.indexOf('=')
  if (eq <= 0) throw usage(`--bind ${JSON.stringify(arg)}: expected NAME=VALUE (e.g. --bind year=2008)`)
  const name = arg.slice(0, eq)
  const raw = arg.slice(eq + 1)
  if (!BIND_NAME.test(name)) {
    throw usage(
      `--bind ${name}=…: ${JSON.stringify(name)} is not a bind parameter name (letters, digits, _; @name for @@name)`,
    )
  }
  return [name, name.startsWith('@') ? raw : parseBindValue(raw)]
}

/** Bind variables from a JSON object; `source` names the file in errors. */
export function parseBindObject(text: string, source: string): BindVars {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw usage(`--bind-file ${source}: not valid JSON (${(err as Error).message})`)
  }
  if (!isObject(value)) {
    throw usage(`--bind-file ${source}: expected a JSON object of bind parameters, got ${jsonType(value)}`)
  }
  for (const name of Object.keys(value)) {
    if (!BIND_NAME.test(name))
      throw usage(`--bind-file ${source}: ${JSON.stringify(name)} is not a bind parameter name`)
  }
  return value as BindVars
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

/** `--bind-file` first, then each `--bind` in order (a later one wins). */
export async function resolveBindVars(binds: readonly string[] = [], bindFile?: string): Promise<BindVars> {
  const vars: BindVars = {}
  if (bindFile !== undefined) {
    let text: string
    try {
      text = await readFile(bindFile, 'utf8')
    } catch (err) {
      throw usage(`--bind-file ${bindFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`)
    }
    Object.assign(vars, parseBindObject(text, bindFile))
  }
  for (const arg of binds) {
    const [name, value] = parseBindArg(arg)
    vars[name] = value
  }
  return vars
}
