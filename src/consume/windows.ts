/**
 * Fixed windows on publish time, as Beam's FixedWindows: a message published at t belongs to
 * [floor(t / size) * size, + size). A window becomes ready once processing time passes its end
 * plus the grace period, or early when it holds max-batch messages or max-batch bytes. A message
 * for a window already written opens that window again, which is then due at once: it joins the
 * next write instead of being dropped.
 */
export interface WindowOptions {
  windowMs: number
  graceMs: number
  maxBatch: number
  maxBatchBytes: number
}

export interface Windowed {
  publishTime: number
  /** Windows use the event time when there is one. */
  eventTime?: number
  bytes: number
}

export interface Bucket<T> {
  start: number
  end: number
  items: T[]
  bytes: number
  /** Flushed because it was full, before its time. */
  early: boolean
}

export function windowStart(publishTime: number, windowMs: number): number {
  return Math.floor(publishTime / windowMs) * windowMs
}

export class Windower<T extends Windowed> {
  private readonly open = new Map<number, Bucket<T>>()
  private readonly ready: Bucket<T>[] = []
  private count = 0

  constructor(private readonly options: WindowOptions) {}

  /** Messages held in open or ready windows. */
  get size(): number {
    return this.count
  }

  add(item: T): void {
    const start = windowStart(item.eventTime ?? item.publishTime, this.options.windowMs)
    let b = this.open.get(start)
    if (!b) {
      b = { start, end: start + this.options.windowMs, items: [], bytes: 0, early: false }
      this.open.set(start, b)
    }
    b.items.push(item)
    b.bytes += item.bytes
    this.count += 1
    if (b.items.length >= this.options.maxBatch || b.bytes >= this.options.maxBatchBytes) {
      b.early = true
      this.open.delete(start)
      this.ready.push(b)
    }
  }

  /** True when a window is full and waiting: worth a write before the next tick. */
  get hasFull(): boolean {
    return this.ready.length > 0
  }

  /** The windows to write now, oldest first; `all` takes the open ones too (shutdown). */
  take(now: number, all = false): Bucket<T>[] {
    for (const [start, b] of this.open) {
      if (all || b.end + this.options.graceMs <= now) {
        this.open.delete(start)
        this.ready.push(b)
      }
    }
    const out = this.ready.splice(0).sort((a, b) => a.start - b.start)
    for (const b of out) this.count -= b.items.length
    return out
  }

  /** Every held item (for the oldest-unacked figure). */
  *items(): Iterable<T> {
    for (const b of this.ready) yield* b.items
    for (const b of this.open.values()) yield* b.items
  }
}
