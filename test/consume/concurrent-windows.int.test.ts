/**
 * Competing consumers as ArangoDB runs them: windows committing side by side from one snapshot,
 * and write-write conflicts (1200), which the embedded engine (one writer at a time) never
 * produces. Reads are served from a snapshot, and conflicts answered by a proxy, as ArangoDB
 * would serve and answer them; everything else runs against the live engine.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { OrderedWriter } from '../../src/consume/txwriter.js'
import { twitterMapper } from '../../src/mapping/mapping.js'
import {
  CONFLICT_ITEM,
  PRIMARY_RACE_ITEM,
  conflictAnswer,
  databaseVia,
  startProxy,
} from '../helpers/arango-proxy.js'
import { useTestTarget } from '../helpers/target.js'
import { emptyGraph, expectTruth, inbound } from './ordered-support.js'
import type { Msg, Rec } from './truth.js'

/**
 * ArangoDB's RocksDB engine runs stream transactions side by side: each reads from its own
 * snapshot, and of two that write the same document the later fails with a write-write conflict
 * (1200; docs.arangodb.com 3.12, develop/transactions/locking-and-isolation: "write access is
 * shared, which means it can be interleaved with write accesses by other concurrent
 * transactions"). Writes to different documents never conflict, so two consumers' windows can
 * both commit whatever the other did meanwhile. The embedded engine serializes writers, so it
 * never shows this; here a writer's reads are served from a snapshot taken before the other
 * window committed (as RocksDB would serve them) and its writes go to the live engine.
 */
describe('two windows written at once from one snapshot (as on ArangoDB)', () => {
  const target = useTestTarget()
  type Snapshot = { versions: Map<string, Record<string, unknown>>; edges: Record<string, string>[] }
  interface Seams {
    getMany(trx: unknown, collection: string, keys: string[]): Promise<unknown[]>
    q(trx: unknown, query: string, bindVars: Record<string, unknown>): Promise<unknown[]>
    saveAllIn(trx: unknown, collection: string, docs: unknown[], search: unknown): Promise<void>
  }

  /** A writer that logs every document it writes and, while `snap()` gives one, reads from it. */
  function observed(writes: Set<string>, snap: () => Snapshot | undefined): OrderedWriter {
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    const seams = writer as unknown as Seams
    const { getMany, q, saveAllIn } = {
      getMany: seams.getMany.bind(writer),
      q: seams.q.bind(writer),
      saveAllIn: seams.saveAllIn.bind(writer),
    }
    seams.getMany = async (trx, collection, keys) => {
      const s = snap()
      if (!s || collection !== 'graphpipe_versions') return getMany(trx, collection, keys)
      return keys.flatMap((k) => (s.versions.has(k) ? [structuredClone(s.versions.get(k))] : []))
    }
    seams.q = async (trx, query, bindVars) => {
      const s = snap()
      const m = /FILTER e\.(_from|_to) IN @ids/.exec(query)
      if (s && m) {
        const ids = new Set(bindVars.ids as string[])
        return s.edges.filter((e) => ids.has(e[m[1]]))
      }
      if (query.includes('REMOVE'))
        for (const k of bindVars.keys as string[]) writes.add(`${bindVars['@c'] as string}/${k}`)
      return q(trx, query, bindVars)
    }
    seams.saveAllIn = async (trx, collection, docs, search) => {
      for (const d of docs as { _key: string }[]) writes.add(`${collection}/${d._key}`)
      return saveAllIn(trx, collection, docs, search)
    }
    return writer
  }

  // the default edge key is kept by _to in the bookkeeping, any other by the key itself
  for (const [edgeKey, numRuns] of [
    [undefined, 300],
    [['_from', '_to'], 150],
  ] as const)
    it(`either write a document in common (ArangoDB fails one, which then retries) or end in the event-time truth (edge keys: ${edgeKey ? `--edge-key ${edgeKey.join(',')}` : 'default'})`, async () => {
      const mapper = twitterMapper()
      const first = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
      await first.prepare(mapper)
      let snapshot: Snapshot | undefined
      const wroteA = new Set<string>()
      const wroteB = new Set<string>()
      const a = observed(wroteA, () => undefined)
      const b = observed(wroteB, () => snapshot)
      await a.prepare(mapper)
      await b.prepare(mapper)
      let checked = 0
      /** `before` written first, then `one` and `other` from one snapshot; false: they conflict. */
      async function race(before: Msg[], one: Msg[], other: Msg[]): Promise<boolean> {
        await emptyGraph(target)
        let seq = 0
        const window = (msgs: Msg[]) => msgs.map((m) => inbound(m, seq++))
        const options = { tombstoneTtlMs: 86_400_000, edgeKey: edgeKey ? [...edgeKey] : undefined }
        if (before.length > 0) await first.writeOrdered(window(before), options)
        const versions = (await (await target.db.query('FOR d IN graphpipe_versions RETURN d')).all()) as {
          _key: string
        }[]
        const edges = await (
          await target.db.query('FOR e IN follow RETURN {_key: e._key, _from: e._from, _to: e._to}')
        ).all()
        wroteA.clear()
        wroteB.clear()
        snapshot = { versions: new Map(versions.map((d) => [d._key, d])), edges }
        try {
          await a.writeOrdered(window(one), options)
          await b.writeOrdered(window(other), options)
        } finally {
          snapshot = undefined
        }
        // a document both wrote: ArangoDB fails the later commit, whose retry reads what the
        // first wrote (the serial case of the properties above)
        if ([...wroteB].some((k) => wroteA.has(k))) return false
        await expectTruth(target, [...before, ...one, ...other])
        return true
      }
      // a late follow of a user whose placeholder is newer, while another window deletes that
      // user: both write bob's bookkeeping, so ArangoDB would fail one (before the fix, only the
      // delete did, both committed, and ann's older follow outlived the delete)
      expect(
        await race(
          [{ id: '1', eventTime: 7, records: [{ username: 'cy', follow: 'bob' }] }],
          [{ id: '2', eventTime: 5, records: [{ username: 'ann', follow: 'bob' }] }],
          [{ id: '3', eventTime: 6, records: [{ username: 'bob', deleted: true }] }],
        ),
      ).toBe(false)
      expect(wroteA).toContain('graphpipe_versions/users:bob')
      // small windows (one or two single-record messages each), so that they often share nothing,
      // over three users, weighted to follows and deletes: what the windows' reads decide on
      const user = fc.constantFrom('ann', 'bob', 'cy')
      const raceRecord: fc.Arbitrary<Rec> = fc.oneof(
        { weight: 3, arbitrary: fc.record({ username: user, follow: user }) },
        { weight: 1, arbitrary: fc.record({ username: user, email: fc.integer({ min: 0, max: 9 }) }) },
        { weight: 1, arbitrary: fc.record({ username: user, unfollow: user }) },
        { weight: 2, arbitrary: user.map((u): Rec => ({ username: u, deleted: true })) },
      )
      const msgArb = (records: number) =>
        fc.record({
          eventTime: fc.integer({ min: 1, max: 4 }),
          records: fc.array(raceRecord, { minLength: 1, maxLength: records }),
        })
      await fc.assert(
        fc.asyncProperty(
          fc.array(msgArb(2), { maxLength: 3 }),
          fc.array(msgArb(1), { minLength: 1, maxLength: 2 }),
          fc.array(msgArb(1), { minLength: 1, maxLength: 2 }),
          async (before, one, other) => {
            let id = 1000
            const ids = (ms: Omit<Msg, 'id'>[]): Msg[] => ms.map((m) => ({ ...m, id: String(id++) }))
            if (await race(ids(before), ids(one), ids(other))) checked++
          },
        ),
        { numRuns },
      )
      // the interesting case happens: windows that share no document, both committed
      expect(checked).toBeGreaterThan(numRuns / 20)
    }, 240_000)
  it.each([
    ['a write-write conflict (1200)', CONFLICT_ITEM],
    ['a unique constraint violated on the primary index (1210, a cluster race)', PRIMARY_RACE_ITEM],
  ])(
    'retries a window whose bookkeeping write ArangoDB fails with %s, whole, reading again: no dead letter',
    async (_what, item) => {
      // between the writer and the engine, a proxy answers the first bookkeeping write as ArangoDB
      // answers an array insert one of whose documents another transaction holds (silent: only
      // the failed items, with x-arango-error-codes)
      let injected = 0
      const begins: string[] = []
      const proxy = await startProxy(target.url, (req) => {
        if (req.url.endsWith('/_api/transaction/begin')) begins.push(req.url)
        if (
          injected === 0 &&
          req.method === 'POST' &&
          /\/_api\/document\/graphpipe_versions\?/.test(req.url) &&
          req.headers['x-arango-trx-id']
        ) {
          injected++
          return conflictAnswer(item)
        }
        return undefined
      })
      const db = databaseVia(proxy, target)
      try {
        await emptyGraph(target)
        const writer = new OrderedWriter(db, {
          deadLetterCollection: 'graphpipe_deadletters',
          retryInitialMs: 10,
        })
        await writer.prepare(twitterMapper())
        const messages: Msg[] = [
          { id: '1', eventTime: 7, records: [{ username: 'cy', follow: 'bob' }] },
          { id: '2', eventTime: 5, records: [{ username: 'ann', email: 'a@x', follow: 'bob' }] },
        ]
        begins.length = 0
        const r = await writer.writeOrdered(
          messages.map((m, i) => inbound(m, i)),
          { tombstoneTtlMs: 86_400_000 },
        )
        expect(injected).toBe(1)
        expect(begins).toHaveLength(2) // the window again, from its begin
        expect(r.deadLetters).toBe(0)
        expect(await (await target.db.query('FOR d IN graphpipe_deadletters RETURN d')).all()).toEqual([])
        await expectTruth(target, messages)
      } finally {
        db.close()
        await proxy.close()
      }
    },
  )
})
