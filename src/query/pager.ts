import { spawn } from 'node:child_process'
import { Writable } from 'node:stream'

/** Results kept back for the pager at most; past this they stream to the terminal as they come. */
const MAX_HELD = 8 * 1024 * 1024

/**
 * Holds a result's text so the shell can choose, once it is complete, between printing it and
 * handing it to the pager (when it is taller than the screen). A result too large to hold is
 * written through instead, unpaged, so memory stays bounded.
 */
export class PagerBuffer extends Writable {
  private held: string[] = []
  private size = 0
  private through = false
  lines = 0

  constructor(private readonly target: NodeJS.WritableStream) {
    super({ decodeStrings: false })
  }

  override _write(chunk: unknown, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = String(chunk)
    if (this.through) {
      this.target.write(text)
      return done()
    }
    this.held.push(text)
    this.size += text.length
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lines++
    if (this.size > MAX_HELD) {
      this.through = true
      this.target.write(this.held.join(''))
      this.held = []
    }
    done()
  }

  /** What is held (empty once it streamed through). */
  take(): string {
    const text = this.held.join('')
    this.held = []
    return text
  }
}

/**
 * Shows `text` in `$PAGER` (default `less -FRX`: quits at once if it fits, keeps colours, leaves the
 * text on the screen) and waits until the user leaves it. Falls back to printing when the pager
 * cannot be started.
 */
export async function page(text: string, out: NodeJS.WritableStream, env = process.env): Promise<void> {
  const command = env.PAGER && env.PAGER.trim() !== '' ? env.PAGER : 'less -FRX'
  await new Promise<void>((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'] })
    let failed = false
    child.on('error', () => {
      failed = true
      out.write(text)
      resolve()
    })
    child.stdin.on('error', () => undefined) // the user quit the pager before reading everything
    child.on('exit', () => {
      if (!failed) resolve()
    })
    child.stdin.end(text)
  })
}
