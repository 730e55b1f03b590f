/** Thrown by {@link Sink.write} once the reader went away (e.g. `graphpipe query … | head`). */
export class OutputClosedError extends Error {
  constructor() {
    super('output closed')
    this.name = 'OutputClosedError'
  }
}

/**
 * A writer that honours backpressure: each write waits for `drain` when the stream's buffer is
 * full, so a fast cursor never piles rows up in memory behind a slow reader.
 */
export class Sink {
  private closed = false
  private readonly onError = (): void => {
    // EPIPE (the reader closed the pipe) or any other write error ends output for good.
    this.closed = true
  }

  private readonly onClose = (): void => {
    this.closed = true
  }

  constructor(readonly stream: NodeJS.WritableStream) {
    stream.on('error', this.onError)
    stream.on('close', this.onClose)
  }

  private get gone(): boolean {
    const w = this.stream as { destroyed?: boolean; writableEnded?: boolean }
    return this.closed || Boolean(w.destroyed) || Boolean(w.writableEnded)
  }

  get isClosed(): boolean {
    return this.closed
  }

  async write(text: string): Promise<void> {
    if (this.gone) throw new OutputClosedError()
    if (text.length === 0) return
    if (this.stream.write(text)) return
    if (this.gone) throw new OutputClosedError()
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.removeListener('drain', onDrain)
        this.stream.removeListener('close', onEnd)
        this.stream.removeListener('error', onEnd)
        resolve()
      }
      const onDrain = (): void => done()
      const onEnd = (): void => {
        this.closed = true
        done()
      }
      this.stream.on('drain', onDrain)
      this.stream.on('close', onEnd)
      this.stream.on('error', onEnd)
    })
    if (this.closed) throw new OutputClosedError()
  }

  /** Stop listening on the stream (it stays open: it may be process.stdout). */
  detach(): void {
    this.stream.removeListener('error', this.onError)
    this.stream.removeListener('close', this.onClose)
  }
}
