import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'

import { xdgConfigDir } from '../config/defaults.js'
import { EXIT, GraphpipeError } from '../errors.js'

/**
 * Saved queries: one file per query, `<XDG config>/graphpipe/queries/NAME.aql`, holding the AQL as
 * typed, so the directory can be kept in git and edited with any editor.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

export const savedQueriesDir = (): string => path.join(xdgConfigDir(), 'queries')

function fileOf(name: string): string {
  if (!NAME.test(name) || name.endsWith('.aql') || name.includes('..')) {
    throw new GraphpipeError(
      'QUERY_BAD_NAME',
      `${JSON.stringify(name)} is not a saved query name (letters, digits, _ . -; up to 100)`,
      EXIT.USAGE,
    )
  }
  return path.join(savedQueriesDir(), `${name}.aql`)
}

export async function saveQuery(name: string, query: string): Promise<string> {
  const file = fileOf(name)
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  // write-then-rename: a crash never leaves half a query behind
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, query.endsWith('\n') ? query : `${query}\n`, { mode: 0o600 })
  await rename(tmp, file)
  return file
}

export async function loadQuery(name: string): Promise<string> {
  const file = fileOf(name)
  try {
    return (await readFile(file, 'utf8')).replace(/\s+$/, '')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = await listQueries()
      throw new GraphpipeError(
        'QUERY_NOT_SAVED',
        `no saved query ${JSON.stringify(name)} in ${savedQueriesDir()}${known.length ? ` (saved: ${known.join(', ')})` : ' (none saved yet: .save NAME in the shell)'}`,
        EXIT.USAGE,
      )
    }
    throw new GraphpipeError(
      'QUERY_NOT_SAVED',
      `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? err})`,
      EXIT.USAGE,
    )
  }
}

/** Names of the saved queries, sorted. */
export async function listQueries(): Promise<string[]> {
  try {
    const files = await readdir(savedQueriesDir())
    return files
      .filter((f) => f.endsWith('.aql'))
      .map((f) => f.slice(0, -4))
      .sort()
  } catch {
    return []
  }
}
