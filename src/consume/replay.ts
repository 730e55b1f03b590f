/**
 * `graphpipe deadletters replay`: the raw messages of dead letters either published again (byte
 * for byte, with their attributes) or written again through a fixed mapping, the same writer
 * `consume` uses. A dead letter is removed only once its message is published (the publish
 * resolved with a message id) or its write committed, and only if it has not changed meanwhile.
 * The dead letters of one message (one per rejected record) replay as that one message.
 */
import { mapMessage, type DeadLetterDoc, type Inbound } from './batch.js'
import { rawBytes, type DeadLetterStore, type StoredDeadLetter } from './deadletters.js'
import type { Mapper } from '../mapping/mapping.js'
import { parseEventTime } from '../mapping/mapping.js'
import { describe } from './writer.js'

export interface ReplayFailure {
  key: string
  messageId: string
  reason: string
}

export interface ReplayReport {
  mode: 'topic' | 'mapping'
  /** Dead letters selected; replayed + failed = selected. */
  selected: number
  replayed: number
  failed: number
  /** Distinct messages published or written. */
  messages: number
  /** Replayed, but a consumer (or this replay) wrote the same dead letter again meanwhile: kept. */
  kept: number
  failures: ReplayFailure[]
}

interface Group {
  messageId: string
  docs: StoredDeadLetter[]
}

/** One group per message, in the order of the selection. */
function byMessage(docs: StoredDeadLetter[]): Group[] {
  const groups = new Map<string, Group>()
  for (const d of docs) {
    let g = groups.get(d.messageId)
    if (!g) groups.set(d.messageId, (g = { messageId: d.messageId, docs: [] }))
    g.docs.push(d)
  }
  return [...groups.values()]
}

class Tally {
  readonly report: ReplayReport
  constructor(mode: 'topic' | 'mapping', selected: number) {
    this.report = { mode, selected, replayed: 0, failed: 0, messages: 0, kept: 0, failures: [] }
  }
  fail(g: Group, reason: string): void {
    this.report.failed += g.docs.length
    for (const d of g.docs) this.report.failures.push({ key: d._key, messageId: d.messageId, reason })
  }
  /** Replayed groups: their dead letters are removed unless they changed meanwhile. */
  async done(store: DeadLetterStore, groups: Group[]): Promise<void> {
    const docs = groups.flatMap((g) => g.docs)
    this.report.messages += groups.length
    this.report.replayed += docs.length
    const removed = await store.remove(docs)
    this.report.kept += docs.length - removed.size
  }
}

/** The reason a dead letter cannot be replayed at all, if any. */
function unreplayable(g: Group): string | undefined {
  if (g.docs.some((d) => d.dataDropped))
    return 'the raw message was too big to keep in the dead letter: nothing to replay'
  return undefined
}

export type Publish = (topic: string, data: Buffer, attributes: Record<string, string>) => Promise<string>

/**
 * Publishes each message to `topic`, or to the topic it came from. `checkTopic` resolves the
 * full topic name, or rejects (e.g. the topic does not exist): those dead letters fail.
 */
export async function replayToTopic(
  store: DeadLetterStore,
  docs: StoredDeadLetter[],
  publish: Publish,
  options: { topic?: string; checkTopic: (name: string) => Promise<string>; chunk?: number },
): Promise<ReplayReport> {
  const tally = new Tally('topic', docs.length)
  const topics = new Map<string, Promise<string>>()
  const resolveTopic = (name: string): Promise<string> => {
    let p = topics.get(name)
    if (!p) topics.set(name, (p = options.checkTopic(name)))
    return p
  }
  const groups = byMessage(docs)
  const chunk = options.chunk ?? 1000
  for (let i = 0; i < groups.length; i += chunk) {
    const ok: Group[] = []
    await Promise.all(
      groups.slice(i, i + chunk).map(async (g) => {
        const bad = unreplayable(g)
        if (bad) return tally.fail(g, bad)
        const first = g.docs[0]
        const name = options.topic ?? first.topic
        if (!name)
          return tally.fail(
            g,
            'the topic it came from is not known (dead-lettered before graphpipe kept it): pass --topic',
          )
        try {
          await publish(await resolveTopic(name), rawBytes(first), first.attributes ?? {})
          ok.push(g)
        } catch (err) {
          tally.fail(g, `publishing to ${name}: ${describe(err)}`)
        }
      }),
    )
    await tally.done(store, ok)
  }
  return tally.report
}

/** The Inbound a dead letter's message was, as the consumer saw it. */
export function inboundOf(d: DeadLetterDoc, seq: number, eventTimeAttribute?: string): Inbound {
  const pt = Date.parse(d.publishTime)
  const attributes = d.attributes ?? {}
  const m: Inbound = {
    id: d.messageId,
    data: rawBytes(d),
    publishTime: Number.isFinite(pt) ? pt : Date.now(),
    attributes,
    seq,
  }
  const et = eventTimeAttribute ? parseEventTime(attributes[eventTimeAttribute]) : undefined
  if (et !== undefined) m.eventTime = et
  return m
}

/**
 * Writes the messages through `mapper` with `write` (the consumer's writer: one committed write
 * per call); of a message whose records were dead-lettered one by one, only those records. A
 * message the mapping still rejects is not written, and its dead letters stay. A
 * write that fails keeps every dead letter of its batch; one the server refuses in part writes
 * new dead letters (`freshDeadLetters` finds the messages that got one) and those count failed.
 */
export async function replayThroughMapping(
  store: DeadLetterStore,
  docs: StoredDeadLetter[],
  mapper: Mapper,
  options: {
    write: (messages: Inbound[]) => Promise<unknown>
    freshDeadLetters: (messageIds: string[], since: string) => Promise<Map<string, string>>
    eventTimeAttribute?: string
    batch: number
  },
): Promise<ReplayReport> {
  const tally = new Tally('mapping', docs.length)
  const groups = byMessage(docs)
  for (let i = 0; i < groups.length; i += options.batch) {
    const ready: { g: Group; m: Inbound }[] = []
    for (const g of groups.slice(i, i + options.batch)) {
      const bad = unreplayable(g)
      if (bad) {
        tally.fail(g, bad)
        continue
      }
      const m = inboundOf(g.docs[0], i + ready.length, options.eventTimeAttribute)
      // record-level dead letters: only those records (the others were written the first time)
      if (g.docs.every((d) => d.recordIndex !== undefined))
        m.onlyRecords = new Set(g.docs.map((d) => d.recordIndex!))
      const still: DeadLetterDoc[] = []
      await mapMessage(m, mapper, still)
      if (still.length > 0) tally.fail(g, `the mapping still rejects it: ${still[0].reason}`)
      else ready.push({ g, m })
    }
    if (ready.length === 0) continue
    const since = new Date().toISOString()
    try {
      await options.write(ready.map((r) => r.m))
    } catch (err) {
      for (const r of ready) tally.fail(r.g, `writing: ${describe(err)}`)
      continue
    }
    const again = await options.freshDeadLetters(
      ready.map((r) => r.g.messageId),
      since,
    )
    const ok: Group[] = []
    for (const r of ready) {
      const reason = again.get(r.g.messageId)
      if (reason === undefined) ok.push(r.g)
      else tally.fail(r.g, reason)
    }
    await tally.done(store, ok)
  }
  return tally.report
}
