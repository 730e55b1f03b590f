import { readFile } from 'node:fs/promises'

import { EXIT, GraphpipeError } from '../errors.js'

export type QuerySource = { kind: 'text'; query: string; origin: string } | { kind: 'shell' }

const usage = (message: string): GraphpipeError => new GraphpipeError('QUERY_NO_QUERY', message, EXIT.USAGE)

/** A query as typed: trailing blank space and one trailing `;` (the shell's terminator) removed. */
export function cleanQuery(text: string): string {
  return text.replace(/;\s*$/, '').replace(/\s+$/, '')
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  stream.setEncoding?.('utf8')
  for await (const chunk of stream) text += chunk
  return text
}

/**
 * Where the query comes from: the argument (`-` means stdin), `--file`, or stdin when it is not a
 * terminal; with none of them and stdin a terminal, the interactive shell.
 */
export async function resolveQuerySource(opts: {
  arg?: string
  file?: string
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  /** The --bind values, to tell a user whose query a flag may have taken. */
  binds?: readonly string[]
}): Promise<QuerySource> {
  const { arg, file, stdin } = opts
  if (arg !== undefined && file !== undefined) {
    throw usage('give the query either as an argument or with --file, not both')
  }
  let text: string
  let origin: string
  if (file !== undefined) {
    try {
      text = await readFile(file, 'utf8')
    } catch (err) {
      throw usage(`--file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`)
    }
    origin = file
  } else if (arg !== undefined && arg !== '-') {
    text = arg
    origin = 'argument'
  } else if (stdin.isTTY && arg === undefined) {
    return { kind: 'shell' }
  } else {
    text = await readAll(stdin)
    origin = 'stdin'
  }
  const query = cleanQuery(text)
  if (query.trim() === '') {
    if (origin === 'stdin' && arg === undefined) {
      const looksLikeQuery = (opts.binds ?? []).find((b) => /\s/.test(b) && !/^@?\w+=/.test(b))
      throw usage(
        looksLikeQuery
          ? `no query: ${JSON.stringify(looksLikeQuery)} was taken as a --bind value; put the query before the flags or use --bind NAME=VALUE`
          : 'no query: give it as an argument, with --file or --saved, or on stdin (stdin was empty)',
      )
    }
    throw usage(`no query: the ${origin} is empty`)
  }
  return { kind: 'text', query, origin }
}
