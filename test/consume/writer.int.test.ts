/**
 * `--order none` writes against ArangoDB answers the embedded engine never gives: an array item
 * that failed with a write-write conflict (1200: another consumer's write held the document) is
 * not the record's fault, so the request is sent again after a backoff; nothing is dead-lettered
 * and no delete is lost. A proxy in front of the live engine answers as ArangoDB would.
 */
import type { Database } from 'arangojs'
import { describe, expect, it } from 'vitest'

import { buildPlan, type Inbound } from '../../src/consume/batch.js'
import { GraphWriter } from '../../src/consume/writer.js'
import { twitterMapper, type DeclarativeMapper } from '../../src/mapping/mapping.js'
import {
  CONFLICT_ITEM,
  PRIMARY_RACE_ITEM,
  UNIQUE_INDEX_ITEM,
  conflictAnswer,
  databaseVia,
  startProxy,
  type ProxiedRequest,
} from '../helpers/arango-proxy.js'
import { useTestTarget } from '../helpers/target.js'

const inbound = (records: Record<string, unknown>[], seq: number): Inbound => ({
  id: String(seq + 1),
  data: Buffer.from(JSON.stringify({ data: records })),
  publishTime: 1_000_000 + seq,
  attributes: {},
  seq,
})

/** The --order none writer with the twitter mapping, retrying after 10 ms. */
async function noneWriter(db: Database): Promise<{ mapper: DeclarativeMapper; writer: GraphWriter }> {
  const mapper = twitterMapper()
  const writer = new GraphWriter(db, { deadLetterCollection: 'graphpipe_deadletters', retryInitialMs: 10 })
  await writer.prepare(mapper)
  return { mapper, writer }
}

describe('--order none: a write-write conflict on an array item', () => {
  const target = useTestTarget()

  it.each([
    ['a write-write conflict (1200)', CONFLICT_ITEM],
    ['a unique constraint violated on the primary index (1210, a cluster race)', PRIMARY_RACE_ITEM],
  ])(
    'sends the request again after %s (an insert, then a delete) instead of dead-lettering the record or losing the delete',
    async (_what, item) => {
      const users = (req: ProxiedRequest, method: string) =>
        req.method === method && /\/_api\/document\/users(\?|$)/.test(req.url)
      const seen: string[] = []
      let insertConflicts = 0
      let deleteConflicts = 0
      const proxy = await startProxy(
        target.url,
        (req) => {
          if (users(req, 'POST')) seen.push(req.url.includes('silent=true') ? 'insert (silent)' : 'insert')
          if (users(req, 'DELETE')) seen.push('delete')
          // the first insert, answered silent: only the failed item
          if (users(req, 'POST') && insertConflicts === 0) {
            insertConflicts++
            return conflictAnswer(item)
          }
          if (users(req, 'DELETE') && deleteConflicts === 0) {
            deleteConflicts++
            return conflictAnswer(item)
          }
          return undefined
        },
        // an insert asked again without silent would still meet the other transaction: its first item fails
        (req, body) =>
          users(req, 'POST') && !req.url.includes('silent=true') && Array.isArray(body)
            ? [item, ...body.slice(1)]
            : body,
      )
      const db = databaseVia(proxy, target)
      try {
        const { mapper, writer } = await noneWriter(db)
        const first = await writer.write(
          await buildPlan(
            [inbound([{ username: 'ann', email: 'a@x', follow: 'bob' }, { username: 'cy' }], 0)],
            mapper,
          ),
        )
        expect(first.deadLetters).toBe(0)
        const second = await writer.write(
          await buildPlan([inbound([{ username: 'cy', deleted: true }], 1)], mapper),
        )
        expect(second.deadLetters).toBe(0)
        expect([insertConflicts, deleteConflicts]).toEqual([1, 1])
        // each conflicted request went out again, as sent the first time
        expect(seen.filter((s) => s === 'insert (silent)').length).toBeGreaterThanOrEqual(2)
        expect(seen.filter((s) => s === 'delete')).toHaveLength(2)
        const keys = await (await target.db.query('FOR u IN users SORT u._key RETURN u')).all()
        expect(keys.map((u) => [u._key, u.email])).toEqual([
          ['ann', 'a@x'],
          ['bob', undefined],
        ])
        const edges = await (await target.db.query('FOR e IN follow RETURN [e._from, e._to]')).all()
        expect(edges).toEqual([['users/ann', 'users/bob']])
        expect(await (await target.db.query('FOR d IN graphpipe_deadletters RETURN d')).all()).toEqual([])
      } finally {
        db.close()
        await proxy.close()
      }
    },
  )

  it('dead-letters the record a user-made unique index refuses (1210 on another index), without retrying', async () => {
    const users = (req: ProxiedRequest) =>
      req.method === 'POST' && /\/_api\/document\/users(\?|$)/.test(req.url)
    let answered = 0
    let asked = 0
    const proxy = await startProxy(
      target.url,
      (req) => {
        if (users(req) && req.url.includes('silent=true') && answered === 0) {
          answered++
          return conflictAnswer(UNIQUE_INDEX_ITEM)
        }
        return undefined
      },
      // asked again for each item's result, the index refuses the same document again
      (req, body) => {
        if (!users(req) || req.url.includes('silent=true') || !Array.isArray(body)) return body
        asked++
        return [UNIQUE_INDEX_ITEM, ...body.slice(1)]
      },
    )
    const db = databaseVia(proxy, target)
    try {
      const { mapper, writer } = await noneWriter(db)
      const r = await writer.write(await buildPlan([inbound([{ username: 'zed', email: 'z@x' }], 0)], mapper))
      // no retry: the silent request once, then once more for each item's result
      expect([answered, asked]).toEqual([1, 1])
      expect(r.deadLetters).toBe(1)
      const dead = await (await target.db.query('FOR d IN graphpipe_deadletters RETURN d.reason')).all()
      expect(dead).toEqual([expect.stringContaining('idx_email')])
    } finally {
      db.close()
      await proxy.close()
    }
  })
})
