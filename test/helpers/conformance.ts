/**
 * The recorded ArangoDB 3.12 exchanges (`../shared/conformance` beside the repository, or
 * GRAPHPIPE_CONFORMANCE_DIR). Found relative to this repository, never to the working directory or
 * a machine's path; a missing file fails the test file with its name instead of an empty suite.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const CONFORMANCE_DIR =
  process.env.GRAPHPIPE_CONFORMANCE_DIR ?? path.resolve(REPO, '..', 'shared', 'conformance')

/** The path of a conformance file (e.g. `rest-api.jsonl`, `graphs/x.json`); throws when missing. */
export function conformanceFile(...parts: string[]): string {
  const p = path.join(CONFORMANCE_DIR, ...parts)
  if (!fs.existsSync(p)) {
    throw new Error(
      `conformance file ${p} is missing: the recorded ArangoDB exchanges belong in ../shared/conformance beside the repository (or set GRAPHPIPE_CONFORMANCE_DIR)`,
    )
  }
  return p
}

/** The entries of a `.jsonl` conformance file, one JSON value a line. */
export function readConformance<T>(file: string): T[] {
  return fs
    .readFileSync(conformanceFile(file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T)
}
