import type { Hook } from '@oclif/core'

import { EXIT } from '../../errors.js'

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[b.length]
}

/** The visible command nearest to `id`, or undefined when none is plausibly meant. */
export function nearestCommand(id: string, ids: string[]): string | undefined {
  let best: { id: string; d: number } | undefined
  const words = id.split(' ')
  for (const c of ids) {
    // oclif joins the arguments into the id ("qury RETURN 1"): compare as many words as c has
    const d = editDistance(words.slice(0, c.split(' ').length).join(' '), c)
    // d = 0: c is a real command whose prefix matched ("deployments" of "deployments lst")
    if (d > 0 && (!best || d < best.d)) best = { id: c, d }
  }
  return best && best.d <= Math.max(2, Math.floor(best.id.length / 2)) ? best.id : undefined
}

/**
 * A mistyped command: one line naming the nearest command, exit 2 (a usage error), on a TTY or
 * not. (@oclif/plugin-not-found suggests only behind an interactive prompt: off a TTY it prints
 * a warning and a second line without the suggestion, exit 127.)
 */
const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '))
  const near = nearestCommand(opts.id.replaceAll(':', ' '), ids)
  const typed = opts.id
    .split(':')
    .slice(0, near ? near.split(' ').length : 1)
    .join(' ')
  const json = opts.argv?.includes('--json')
  const message = `"${typed}" is not a ${opts.config.bin} command${near ? `; did you mean "${near}"?` : ''} (${opts.config.bin} --help lists them)`
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: 'USAGE', message, exitCode: EXIT.USAGE } }, null, 2)}\n`,
    )
  else process.stderr.write(`Error: ${message}\n`)
  process.exit(EXIT.USAGE)
}

export default hook
