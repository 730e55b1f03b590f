/** Widths narrower than this are not a usable terminal (a pty that reports 0 or 1 columns). */
const MIN_COLUMNS = 20
/** What a terminal that cannot say its width is taken to have. */
const FALLBACK_COLUMNS = 80

/**
 * The width to lay a table out in: `COLUMNS` when it is set to a number (the user's or the shell's
 * word wins, as for `ls` and Python's shutil.get_terminal_size), else the terminal's own width, else
 * 80 on a terminal that reports none (0 columns, e.g. a serial console or a fresh pty); undefined when
 * the output is not a terminal (a pipe gets whole cells).
 */
export function terminalWidth(
  out: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10)
  if (Number.isFinite(fromEnv) && fromEnv > 0) return Math.max(fromEnv, MIN_COLUMNS)
  if (!out.isTTY) return undefined
  const cols = out.columns ?? 0
  return cols >= MIN_COLUMNS ? cols : FALLBACK_COLUMNS
}

/** Rows of the terminal, or undefined when it does not say (then nothing is paged). */
export function terminalRows(out: { isTTY?: boolean; rows?: number }, env = process.env): number | undefined {
  const fromEnv = Number.parseInt(env.LINES ?? '', 10)
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv
  if (!out.isTTY) return undefined
  return out.rows && out.rows > 0 ? out.rows : undefined
}
