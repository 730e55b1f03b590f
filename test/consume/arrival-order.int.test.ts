/**
 * `--order none` (arrival order, no bookkeeping) against the live engine: when messages arrive in
 * event-time order, its deletes and unfollows give the same graph as the event-time truth,
 * however the stream is cut into windows (property-based, fast-check). Out of order it makes no
 * such promise: that is what `--order event-time` is for (docs/consume.md).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { buildPlan, type Inbound } from '../../src/consume/batch.js'
import { twitterMapper } from '../../src/mapping/mapping.js'
import { GraphWriter } from '../../src/consume/writer.js'
import { useTestTarget } from '../helpers/target.js'
import { truth, type Msg, type Rec } from './truth.js'

const USERS = ['ann', 'bob', 'cy']

const recordArb: fc.Arbitrary<Rec> = fc.oneof(
  fc
    .record({
      username: fc.constantFrom(...USERS),
      attr: fc.constantFrom('email', 'score'),
      value: fc.integer({ min: 0, max: 9 }),
      follow: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
    })
    .map(({ username, attr, value, follow }) => {
      const r: Rec = { username, [attr]: value }
      if (follow) r.follow = follow
      return r
    }),
  fc
    .record({ username: fc.constantFrom(...USERS), unfollow: fc.constantFrom(...USERS) })
    .map((r) => r as Rec),
  fc.record({ username: fc.constantFrom(...USERS) }).map((r) => ({ ...r, deleted: true }) as Rec),
)

describe('--order none: deletes and unfollows in arrival order', () => {
  const target = useTestTarget()

  it('messages arriving in event-time order end in the event-time truth, for any split into windows', async () => {
    const mapper = twitterMapper()
    const writer = new GraphWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(mapper)
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(recordArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 10, maxLength: 10 }),
        async (recordLists, cuts) => {
          for (const c of ['users', 'follow']) await target.db.collection(c).truncate()
          const messages: Msg[] = recordLists.map((records, i) => ({
            id: String(100 + i),
            eventTime: i + 1,
            records,
          }))
          const inbound = messages.map((m, seq): Inbound => ({
            id: m.id,
            data: Buffer.from(JSON.stringify({ data: m.records })),
            publishTime: 1_000_000 + seq,
            attributes: {},
            seq,
          }))
          for (let i = 0, w = 0; i < inbound.length; w++) {
            const part = inbound.slice(i, i + cuts[w % cuts.length])
            await writer.write(await buildPlan(part, mapper))
            i += part.length
          }
          const want = truth(messages)
          const users = await target.db
            .query('FOR u IN users RETURN UNSET(u, "_id", "_rev", "_key")')
            .then((c) => c.all())
          const edges = await target.db
            .query(
              'FOR e IN follow RETURN CONCAT(PARSE_IDENTIFIER(e._from).key, "\\t", PARSE_IDENTIFIER(e._to).key)',
            )
            .then((c) => c.all())
          const byName = (a: Rec, b: Rec) => String(a.username).localeCompare(String(b.username))
          expect(users.sort(byName)).toEqual([...want.users.values()].sort(byName))
          expect(edges.sort()).toEqual([...want.edges].sort())
        },
      ),
      { numRuns: 12 },
    )
  }, 120_000)
})
