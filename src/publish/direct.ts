/**
 * Batches unordered messages into Publish calls on the client library's generated PublisherClient:
 * the same batching limits as the library's Publisher (its resolved settings are passed in), the
 * same RPC with the same retry settings, but without the Publisher's per-message bookkeeping
 * (tracing spans, promises, flow control we already do), which at tens of thousands of messages
 * per second is a good part of the CPU a publish takes. Messages with ordering keys go through the
 * library's Publisher, whose ordered queues this does not try to reproduce.
 */
import type { v1 } from '@google-cloud/pubsub'

export interface DirectMessage {
  data: Buffer
  attributes?: Record<string, string>
}

export type PublishCallback = (err: Error | null, id?: string) => void

export interface BatchSettings {
  maxMessages: number
  maxBytes: number
  maxMilliseconds: number
}

export class DirectPublisher {
  private messages: DirectMessage[] = []
  private callbacks: PublishCallback[] = []
  private bytes = 0
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly gapic: v1.PublisherClient,
    private readonly topic: string,
    private readonly batching: BatchSettings,
  ) {}

  /** Queue one message; `size` is its data plus attribute bytes, as the library counts them. */
  publish(message: DirectMessage, size: number, callback: PublishCallback): void {
    if (this.messages.length > 0 && this.bytes + size > this.batching.maxBytes) this.send()
    this.messages.push(message)
    this.callbacks.push(callback)
    this.bytes += size
    if (this.messages.length >= this.batching.maxMessages || this.bytes >= this.batching.maxBytes) this.send()
    else this.timer ??= setTimeout(() => this.send(), this.batching.maxMilliseconds)
  }

  /** Send what is queued now. */
  flush(): void {
    if (this.messages.length) this.send()
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const messages = this.messages
    const callbacks = this.callbacks
    this.messages = []
    this.callbacks = []
    this.bytes = 0
    // isBundling false, as the library's Publisher sets: it batches itself, like this class.
    this.gapic.publish({ topic: this.topic, messages }, { isBundling: false }).then(
      ([response]) => {
        const ids = response.messageIds ?? []
        for (let i = 0; i < callbacks.length; i++) callbacks[i](null, ids[i] ?? undefined)
      },
      (err: Error) => {
        for (const cb of callbacks) cb(err)
      },
    )
  }
}
