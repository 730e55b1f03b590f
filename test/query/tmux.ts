/**
 * A real terminal for shell tests: tmux (on its own socket, so it touches no other session) runs
 * the command in a pane of a fixed size; the test types keys and reads the screen.
 */
import { execFileSync } from 'node:child_process'

export class Tmux {
  private readonly socket = `gp-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  private readonly session = 'shell'

  static available(): boolean {
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' })
  }

  /** Starts `argv` in a `cols`x`rows` terminal with exactly `env` added. */
  start(argv: string[], env: Record<string, string>, cols = 120, rows = 30): void {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`)
    const command = `env ${assignments.join(' ')} ${argv.map(quote).join(' ')}; sleep 30`
    this.tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      this.session,
      '-x',
      String(cols),
      '-y',
      String(rows),
      command,
    )
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    // tmux reads an argument ending in `;` as its command separator: send that `;` by its code
    const semi = text.endsWith(';')
    const body = semi ? text.slice(0, -1) : text
    if (body !== '') this.tmux('send-keys', '-t', this.session, '-l', body)
    if (semi) this.tmux('send-keys', '-t', this.session, '-H', '3b')
  }

  /** Presses keys by tmux name: Enter, Tab, C-c, Up, … */
  press(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys)
  }

  /** The screen as text (with `escapes`, the colours as SGR sequences). */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', '-t', this.session, ...(escapes ? ['-e'] : []))
  }

  /** Waits until the screen matches, and returns it; throws with the screen after `ms`. */
  async waitFor(re: RegExp, ms = 10_000, escapes = false): Promise<string> {
    const until = Date.now() + ms
    for (;;) {
      const s = this.screen(escapes)
      if (re.test(s)) return s
      if (Date.now() > until) throw new Error(`screen never matched ${re}:\n${s}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  stop(): void {
    try {
      this.tmux('kill-server')
    } catch {
      // already gone
    }
  }
}
