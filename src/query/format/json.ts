import type { Sink } from './sink.js'
import type { Renderer } from './types.js'

const json = (v: unknown): string => JSON.stringify(v) ?? 'null'

/** One JSON document per line (JSON Lines): what scripts and `jq` read. */
export class JsonlRenderer implements Renderer {
  constructor(private readonly sink: Sink) {}

  async push(rows: readonly unknown[]): Promise<void> {
    let out = ''
    for (const row of rows) out += json(row) + '\n'
    await this.sink.write(out)
  }

  async end(): Promise<void> {}
}

/** One JSON array, written element by element as rows arrive (never held in memory whole). */
export class JsonRenderer implements Renderer {
  private started = false

  constructor(private readonly sink: Sink) {}

  async push(rows: readonly unknown[]): Promise<void> {
    if (rows.length === 0) return
    let out = ''
    for (const row of rows) {
      out += (this.started ? ',\n  ' : '[\n  ') + json(row)
      this.started = true
    }
    await this.sink.write(out)
  }

  async end(): Promise<void> {
    await this.sink.write(this.started ? '\n]\n' : '[]\n')
  }
}
