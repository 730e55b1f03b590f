/**
 * The dead-letter collection `graphpipe consume` writes (see DeadLetterDoc in batch.ts): select
 * by key, reason text and age; count by reason; remove only what has not changed since it was
 * read (a `_rev` precondition), so a dead letter rewritten meanwhile is never lost.
 */
import type { Database } from 'arangojs'

import { EXIT, GraphpipeError } from '../errors.js'
import type { DeadLetterDoc } from './batch.js'

export interface StoredDeadLetter extends DeadLetterDoc {
  _rev: string
}

/** Which dead letters a command works on; the filters combine with AND. */
export interface Selection {
  keys?: string[]
  /** The reason contains this text (case-sensitive). */
  reason?: string
  /** Dead-lettered longer ago than this (ms). */
  olderThanMs?: number
  /** At most this many, oldest first. */
  limit?: number
}

export interface ReasonCount {
  reason: string
  count: number
}

/** One line's worth of a dead letter (its payload left out). */
export interface DeadLetterEntry {
  key: string
  reason: string
  messageId: string
  recordIndex?: number
  publishTime: string
  deadLetteredAt: string
  topic?: string
  subscription?: string
  bytes: number
  replayable: boolean
}

/** A selection that names nothing to act on: replay and purge want one (or --all). */
export function isEmptySelection(s: Selection): boolean {
  return !s.keys?.length && s.reason === undefined && s.olderThanMs === undefined
}

/** The raw message bytes, exactly as they were received. */
export function rawBytes(d: DeadLetterDoc): Buffer {
  return Buffer.from(d.data ?? '', d.dataEncoding === 'base64' ? 'base64' : 'utf8')
}

export function entryOf(d: DeadLetterDoc): DeadLetterEntry {
  const e: DeadLetterEntry = {
    key: d._key,
    reason: d.reason,
    messageId: d.messageId,
    publishTime: d.publishTime,
    deadLetteredAt: d.deadLetteredAt,
    bytes: d.dataDropped ? 0 : rawBytes(d).length,
    replayable: !d.dataDropped,
  }
  if (d.recordIndex !== undefined) e.recordIndex = d.recordIndex
  if (d.topic) e.topic = d.topic
  if (d.subscription) e.subscription = d.subscription
  return e
}

const FILTERS = `
  FILTER @keys == null OR d._key IN @keys
  FILTER @reason == null OR CONTAINS(d.reason, @reason)
  FILTER @before == null OR d.deadLetteredAt < @before`

export class DeadLetterStore {
  constructor(
    private readonly db: Database,
    readonly collection: string,
  ) {}

  private async exists(): Promise<boolean> {
    return this.db.collection(this.collection).exists()
  }

  private bind(s: Selection, now = Date.now()): Record<string, unknown> {
    return {
      '@c': this.collection,
      keys: s.keys?.length ? s.keys : null,
      reason: s.reason ?? null,
      before: s.olderThanMs === undefined ? null : new Date(now - s.olderThanMs).toISOString(),
    }
  }

  /** How many match, per reason (most frequent first); the limit does not apply. */
  async countByReason(s: Selection): Promise<{ total: number; reasons: ReasonCount[] }> {
    if (!(await this.exists())) return { total: 0, reasons: [] }
    const cursor = await this.db.query(
      `FOR d IN @@c ${FILTERS}
         COLLECT reason = d.reason WITH COUNT INTO count
         SORT count DESC, reason
         RETURN {reason, count}`,
      this.bind(s),
    )
    const reasons = (await cursor.all()) as ReasonCount[]
    return { total: reasons.reduce((a, r) => a + r.count, 0), reasons }
  }

  /** The matching dead letters, oldest first, payload included. */
  async select(s: Selection): Promise<StoredDeadLetter[]> {
    if (!(await this.exists())) return []
    const limit = s.limit === undefined ? '' : 'LIMIT @limit'
    const cursor = await this.db.query(
      `FOR d IN @@c ${FILTERS}
         SORT d.deadLetteredAt, d._key
         ${limit}
         RETURN d`,
      { ...this.bind(s), ...(s.limit === undefined ? {} : { limit: s.limit }) },
    )
    return (await cursor.all()) as StoredDeadLetter[]
  }

  async get(key: string): Promise<StoredDeadLetter> {
    const [d] = await this.select({ keys: [key] })
    if (!d)
      throw new GraphpipeError(
        'DEADLETTERS_NOT_FOUND',
        `no dead letter "${key}" in ${this.collection}`,
        EXIT.FAILED,
      )
    return d
  }

  /** Of these messages, those dead-lettered (again) at or after `since`, with the reason. */
  async rewrittenSince(messageIds: string[], since: string): Promise<Map<string, string>> {
    if (messageIds.length === 0 || !(await this.exists())) return new Map()
    const cursor = await this.db.query(
      `FOR d IN @@c FILTER d.messageId IN @ids AND d.deadLetteredAt >= @since RETURN [d.messageId, d.reason]`,
      { '@c': this.collection, ids: messageIds, since },
    )
    return new Map((await cursor.all()) as [string, string][])
  }

  /**
   * Removes these dead letters unless they changed since they were read (a consumer or a replay
   * wrote the same key again: that newer dead letter stays). Returns the keys removed.
   */
  async remove(docs: StoredDeadLetter[]): Promise<Set<string>> {
    const removed = new Set<string>()
    for (let i = 0; i < docs.length; i += 1000) {
      const part = docs.slice(i, i + 1000)
      // the _rev of each selector is a precondition (ignoreRevs false): a changed one answers 1200
      const res = (await this.db.collection(this.collection).removeAll(
        part.map((d) => ({ _key: d._key, _rev: d._rev })),
        { ignoreRevs: false },
      )) as { error?: boolean; _key?: string }[]
      res.forEach((r, j) => {
        if (!r?.error) removed.add(part[j]._key)
      })
    }
    return removed
  }
}
