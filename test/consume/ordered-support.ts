/**
 * What the ordered writer's tests share: a message as the consumer hands it over, and the graph
 * read back and compared with the event-time truth (truth.ts).
 */
import { expect } from 'vitest'

import type { Inbound } from '../../src/consume/batch.js'
import type { useTestTarget } from '../helpers/target.js'
import { truth, type Msg, type Rec } from './truth.js'

/** The graph, the bookkeeping and the dead letters emptied (those that exist). */
export async function emptyGraph(target: { db: ReturnType<typeof useTestTarget>['db'] }): Promise<void> {
  for (const c of ['users', 'follow', 'graphpipe_versions', 'graphpipe_deadletters'])
    if (await target.db.collection(c).exists()) await target.db.collection(c).truncate()
}

export const inbound = (m: Msg, seq: number): Inbound => ({
  id: m.id,
  data: Buffer.from(JSON.stringify({ data: m.records })),
  publishTime: 1_000_000 + seq,
  eventTime: m.eventTime,
  attributes: {},
  seq,
})

/** The users (attributes by key) and follow edges (`from\tto` keys) stored in the target. */
export async function graph(target: {
  db: ReturnType<typeof useTestTarget>['db']
}): Promise<{ users: Map<string, Rec>; edges: Set<string> }> {
  const users = new Map<string, Rec>()
  const docs = await (await target.db.query('FOR u IN users RETURN UNSET(u, "_id", "_rev")')).all()
  for (const d of docs as Rec[]) {
    const { _key, ...rest } = d
    users.set(_key as string, rest)
  }
  const es = await (
    await target.db.query(
      'FOR e IN follow RETURN CONCAT(PARSE_IDENTIFIER(e._from).key, "\\t", PARSE_IDENTIFIER(e._to).key)',
    )
  ).all()
  return { users, edges: new Set(es as string[]) }
}

/** The graph equals the event-time truth of `messages` (every user's attributes, every edge). */
export async function expectTruth(
  target: { db: ReturnType<typeof useTestTarget>['db'] },
  messages: Msg[],
): Promise<{ users: Map<string, Rec>; edges: Set<string> }> {
  const want = truth(messages)
  const got = await graph(target)
  expect(Object.fromEntries(got.users)).toEqual(Object.fromEntries(want.users))
  expect([...got.edges].sort()).toEqual([...want.edges].sort())
  return got
}
