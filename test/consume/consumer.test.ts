/**
 * The consumer's scheduling, without Pub/Sub or a database: messages come from a stand-in for
 * the subscription (the consumer's input) and go to a writer that holds each write until the
 * test lets it finish. What is under test is the Consumer itself: when it parses and maps.
 */
import type { Database } from 'arangojs'
import { describe, expect, it, vi } from 'vitest'

import {
  Consumer,
  type ConsumerOptions,
  type MessageLike,
  type SubscriptionLike,
} from '../../src/consume/consumer.js'
import type { WritePlan } from '../../src/consume/batch.js'
import { GraphWriter, type WriteResult } from '../../src/consume/writer.js'
import { twitterMapper, type Mapper } from '../../src/mapping/mapping.js'

class Subscription implements SubscriptionLike {
  private listener?: (m: MessageLike) => void
  on(event: 'message' | 'error', listener: ((m: MessageLike) => void) | ((err: Error) => void)): this {
    if (event === 'message') this.listener = listener as (m: MessageLike) => void
    return this
  }
  removeAllListeners(): this {
    this.listener = undefined
    return this
  }
  async close(): Promise<void> {}
  emit(m: MessageLike): void {
    this.listener?.(m)
  }
}

/** Writes nothing; each write waits for `release()`; remembers the messages of each write. */
class HeldWriter extends GraphWriter {
  busy = false
  writes: string[][] = []
  /** Messages of the writes that returned (committed). */
  committed = new Set<string>()
  private waiting: (() => void)[] = []
  constructor() {
    super(undefined as unknown as Database, { deadLetterCollection: 'unused' })
  }
  override async write(plan: WritePlan): Promise<WriteResult> {
    this.busy = true
    this.writes.push(plan.messages.map((m) => m.id))
    await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.busy = false
    for (const m of plan.messages) this.committed.add(m.id)
    return { vertices: 0, edges: 0, deletes: 0, deadLetters: 0, writeMs: 0 }
  }
  release(): void {
    for (const r of this.waiting.splice(0)) r()
  }
}

let ids = 0
/** A seed-shaped message published long ago (its window is due at once). */
function message(onAck: (id: string) => void = () => undefined): MessageLike {
  const id = String(++ids)
  const data = Buffer.from(JSON.stringify({ data: [{ username: `u${id}`, follow: 'u0' }] }))
  return {
    id,
    data,
    publishTime: new Date(1_000_000 + ids),
    attributes: {},
    length: data.length,
    ack: () => onAck(id),
    nack: () => undefined,
  }
}

/** Windows of 1 s due at once, writes of at most 10 messages, arrival order. */
const OPTIONS: ConsumerOptions = {
  windowMs: 1000,
  graceMs: 0,
  maxBatch: 10,
  maxBatchBytes: 1 << 30,
  idleMs: 60_000,
  tickMs: 5,
  order: 'none',
}

/** Stops the consumer, letting every write it still makes finish, until `run()` resolves. */
async function stopReleasing(consumer: Consumer, writer: HeldWriter, done: Promise<unknown>): Promise<void> {
  consumer.stop()
  for (;;) {
    writer.release()
    const settled = await Promise.race([done.then(() => true), new Promise((r) => setTimeout(r, 5, false))])
    if (settled) return
  }
}

describe('Consumer', () => {
  it('maps the messages arriving during a write while it runs, each once, up to --max-batch ahead', async () => {
    const writer = new HeldWriter()
    const twitter = twitterMapper()
    // per message (by username), whether it was mapped while a write was running
    const mappedDuringWrite = new Map<string, boolean>()
    const mapper: Mapper = {
      name: twitter.name,
      vertexCollections: twitter.vertexCollections,
      edgeCollections: twitter.edgeCollections,
      graph: twitter.graph,
      map(value) {
        const u = (value as { data: { username: string }[] }).data[0].username
        expect(mappedDuringWrite.has(u), `${u} mapped twice`).toBe(false)
        mappedDuringWrite.set(u, writer.busy)
        return twitter.map(value)
      },
    }
    const sub = new Subscription()
    const consumer = new Consumer(sub, mapper, writer, OPTIONS)
    const done = consumer.run()
    // a full window (10) is written at once and held; 15 more arrive meanwhile
    for (let i = 0; i < 10; i++) sub.emit(message())
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1))
    for (let i = 0; i < 15; i++) sub.emit(message())
    await vi.waitFor(() => expect(mappedDuringWrite.size).toBe(20))
    // the first 10 that arrived during the write, not more than --max-batch ahead
    expect([...mappedDuringWrite].filter(([, during]) => during).map(([u]) => u)).toEqual(
      Array.from({ length: 10 }, (_, i) => `u${ids - 14 + i}`),
    )
    writer.release()
    await vi.waitFor(() => expect(writer.writes).toHaveLength(2))
    writer.release()
    await vi.waitFor(() => expect(writer.writes.flat()).toHaveLength(25))
    await stopReleasing(consumer, writer, done)
    expect(mappedDuringWrite.size).toBe(25)
    expect(new Set(writer.writes.flat()).size).toBe(25)
  })

  it('acks the messages of a write after it commits, each once, all by the time it stops', async () => {
    const writer = new HeldWriter()
    const acks: string[] = []
    const early: string[] = []
    const onAck = (id: string) => {
      if (!writer.committed.has(id)) early.push(id)
      acks.push(id)
    }
    const sub = new Subscription()
    const consumer = new Consumer(sub, twitterMapper(), writer, OPTIONS)
    const done = consumer.run()
    for (let i = 0; i < 10; i++) sub.emit(message(onAck))
    await vi.waitFor(() => expect(writer.writes).toHaveLength(1))
    for (let i = 0; i < 10; i++) sub.emit(message(onAck))
    // nothing is acked while its write is held
    await new Promise((r) => setTimeout(r, 20))
    expect(acks).toEqual([])
    writer.release()
    await vi.waitFor(() => expect(writer.writes).toHaveLength(2))
    await vi.waitFor(() => expect(acks).toHaveLength(10))
    await stopReleasing(consumer, writer, done)
    expect(early).toEqual([])
    expect(acks).toHaveLength(20)
    expect(new Set(acks).size).toBe(20)
  })
})
