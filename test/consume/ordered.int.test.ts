/**
 * Order-independent convergence against the live engine (property-based, fast-check): random
 * updates, follows, unfollows and deletions, delivered in any order, duplicated and split into
 * any windows, written by the ordered writer (one stream transaction per window) end in the graph
 * of applying every record in event-time order (ties: message id, then record index).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { Inbound } from '../../src/consume/batch.js'
import { DeclarativeMapper, twitterMapper, validateMappingSpec } from '../../src/mapping/mapping.js'
import { OrderedWriter } from '../../src/consume/txwriter.js'
import { useTestTarget } from '../helpers/target.js'
import { decodeEdge, version, type StoredEdge } from '../../src/consume/versions.js'
import { writeV1 } from './legacy-v1.js'
import { emptyGraph, expectTruth, graph, inbound } from './ordered-support.js'
import type { Msg, Rec } from './truth.js'

const USERS = ['ann', 'bob', 'cy', 'dee']

const recordArb: fc.Arbitrary<Rec> = fc.oneof(
  fc
    .record({
      username: fc.constantFrom(...USERS),
      attr: fc.constantFrom('email', 'score', 'name'),
      value: fc.integer({ min: 0, max: 99 }),
      follow: fc.option(fc.subarray(USERS, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    })
    .map(({ username, attr, value, follow }) => {
      const r: Rec = { username, [attr]: value }
      if (follow) r.follow = follow.length === 1 ? follow[0] : follow
      return r
    }),
  fc
    .record({ username: fc.constantFrom(...USERS), unfollow: fc.constantFrom(...USERS) })
    .map((r) => r as Rec),
  fc.record({ username: fc.constantFrom(...USERS) }).map((r) => ({ ...r, deleted: true }) as Rec),
)

const messagesArb: fc.Arbitrary<Msg[]> = fc
  .array(
    fc.record({
      eventTime: fc.integer({ min: 1, max: 12 }),
      records: fc.array(recordArb, { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 14 },
  )
  .map((ms) => ms.map((m, i) => ({ ...m, id: String(1000 + i) })))

/** A stored bookkeeping document's edge lists (format 3: one text per collection), decoded. */
const edgeLists = (doc: unknown): Record<string, StoredEdge[]> =>
  Object.fromEntries(
    Object.entries((doc as { e?: Record<string, string> }).e ?? {}).map(([c, t]) => [
      c,
      t.split('|').map(decodeEdge),
    ]),
  )

/** Every message at least once, some twice, in an order: both chosen by `noise`. */
function deliveryOrder(messages: Msg[], noise: number[]): Msg[] {
  return messages
    .flatMap((m, i) => (noise[i % noise.length] % 3 === 0 ? [m, m] : [m]))
    .map((m, i) => ({ m, k: noise[(i * 7) % noise.length] * 31 + i }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.m)
}

/**
 * Writes the deliveries in windows of 1 to `maxSize` messages (sizes chosen by `noise`), window
 * `n` by `writerOf(n)`, messages numbered in delivery order.
 */
async function deliver(
  order: Msg[],
  noise: number[],
  maxSize: number,
  writerOf: (n: number) => OrderedWriter,
  options: { tombstoneTtlMs: number; edgeKey?: string[] },
): Promise<void> {
  let seq = 0
  for (let i = 0, n = 0; i < order.length; n++) {
    const size = 1 + (noise[(i * 3) % noise.length] % maxSize)
    await writerOf(n).writeOrdered(
      order.slice(i, i + size).map((m) => inbound(m, seq++)),
      options,
    )
    i += size
  }
}

describe('ordered writes converge to the event-time truth', () => {
  const target = useTestTarget()

  // the default edge key is kept by _to in the bookkeeping, any other by the key itself
  for (const [edgeKey, numRuns] of [
    [undefined, 40],
    [['_from', '_to'], 15],
  ] as const)
    it(`for any delivery order, duplication and split into windows (edge keys: ${edgeKey ? `--edge-key ${edgeKey.join(',')}` : 'default'})`, async () => {
      const mapper = twitterMapper()
      const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
      await writer.prepare(mapper)
      await fc.assert(
        fc.asyncProperty(
          messagesArb,
          fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
          async (messages, noise) => {
            await emptyGraph(target)
            // deliveries: every message at least once, some twice, shuffled, cut into windows
            await deliver(deliveryOrder(messages, noise), noise, 4, () => writer, {
              tombstoneTtlMs: 86_400_000,
              edgeKey: edgeKey ? [...edgeKey] : undefined,
            })
            const got = await expectTruth(target, messages)
            // the bookkeeping stays beside the data: users' documents hold only their attributes
            for (const u of got.users.values())
              for (const k of Object.keys(u)) expect(['username', 'email', 'score', 'name']).toContain(k)
          },
        ),
        { numRuns },
      )
    }, 240_000)

  it('for any delivery order split among three writers taking windows in turn', async () => {
    const mapper = twitterMapper()
    const writers = [0, 1, 2].map(
      () => new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' }),
    )
    for (const w of writers) await w.prepare(mapper)
    await fc.assert(
      fc.asyncProperty(
        messagesArb,
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        async (messages, noise) => {
          await emptyGraph(target)
          await deliver(
            deliveryOrder(messages, noise),
            noise,
            3,
            (n) => writers[noise[n % noise.length] % 3],
            {
              tombstoneTtlMs: 86_400_000,
            },
          )
          await expectTruth(target, messages)
        },
      ),
      { numRuns: 40 },
    )
  }, 240_000)
})

/**
 * Bookkeeping an earlier version left: the first half of a shuffled stream written by `older`
 * (in windows of 1-3 messages, message by message `seq`), `taken` run when this version takes
 * over, then the rest (redeliveries of old messages included) by the current writer; the graph
 * must be the event-time truth of all of them.
 */
async function takenOver(
  target: ReturnType<typeof useTestTarget>,
  older: (writer: OrderedWriter, part: Inbound[]) => Promise<void>,
  taken: (writer: OrderedWriter) => Promise<void>,
): Promise<void> {
  const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
  await writer.prepare(twitterMapper())
  await fc.assert(
    fc.asyncProperty(
      messagesArb,
      fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
      async (messages, noise) => {
        await emptyGraph(target)
        const order = messages
          .map((m, i) => ({ m, k: noise[(i * 7) % noise.length] * 31 + i }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.m)
        const cut = Math.ceil(order.length / 2)
        let seq = 0
        for (let i = 0; i < cut; i += 1 + (noise[i] % 3))
          await older(
            writer,
            order.slice(i, Math.min(cut, i + 1 + (noise[i] % 3))).map((m) => inbound(m, seq++)),
          )
        await taken(writer)
        const rest = [...order.slice(cut), ...order.slice(0, cut).filter((_, i) => noise[i] % 2 === 0)]
        for (let i = 0; i < rest.length; i += 2)
          await writer.writeOrdered(
            rest.slice(i, i + 2).map((m) => inbound(m, seq++)),
            { tombstoneTtlMs: 86_400_000 },
          )
        await expectTruth(target, messages)
        // whatever a window wrote is format 3: no edge list is left as format 2's arrays
        const arrays = await (
          await target.db.query(
            'FOR d IN graphpipe_versions FILTER d.f == 3 FOR l IN VALUES(d.e || {}) FILTER !IS_STRING(l) RETURN d._key',
          )
        ).all()
        expect(arrays).toEqual([])
      },
    ),
    { numRuns: 15 },
  )
}

describe('bookkeeping of format 1 (before one document per vertex)', () => {
  const target = useTestTarget()

  it('is converted when a consumer starts and still decides: old and new windows converge to the truth', async () => {
    const vc = target.db.collection('graphpipe_versions')
    await takenOver(
      target,
      (writer, part) => writeV1(target.db, twitterMapper(), part),
      async (writer) => {
        const legacy = (await (await target.db.query('FOR d IN graphpipe_versions RETURN d')).all()).length
        expect(await writer.migrate()).toBe(legacy)
        // converted: no format 1 document is left, the marker says format 3
        const kinds = await (
          await target.db.query('FOR d IN graphpipe_versions FILTER d.kind != null RETURN d._key')
        ).all()
        expect(kinds).toEqual([])
        expect(await vc.document('=format')).toMatchObject({ v: 3 })
      },
    )
  }, 240_000)
})

describe('bookkeeping of format 2 (edge lists as arrays, before format 3)', () => {
  const target = useTestTarget()

  it('is read as it is, rewritten as format 3 when a window touches it, and old and new windows converge to the truth', async () => {
    const vc = target.db.collection('graphpipe_versions')
    await takenOver(
      target,
      async (writer, part) => {
        await writer.writeOrdered(part, { tombstoneTtlMs: 86_400_000 })
      },
      async () => {
        // what the previous version stored: the same documents with their edge lists as arrays
        const stored = (await (
          await target.db.query('FOR d IN graphpipe_versions FILTER d.f == 3 RETURN d')
        ).all()) as { _key: string; e?: Record<string, string> }[]
        const two = stored.map((d) => ({
          ...d,
          f: 2,
          ...(d.e && {
            e: Object.fromEntries(Object.entries(d.e).map(([c, t]) => [c, t.split('|').map(decodeEdge)])),
          }),
        }))
        if (two.length > 0) await vc.saveAll(two, { overwriteMode: 'replace' })
      },
    )
  }, 240_000)
})

describe('a window commits whole or not at all', () => {
  const target = useTestTarget({ scope: 'test' })

  it('a refused message leaves nothing of itself; the rest of the window is written; the dead letter says why', async () => {
    const mapper = twitterMapper()
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(mapper)
    await target.db
      .collection('users')
      .ensureIndex({ type: 'persistent', fields: ['email'], unique: true, sparse: true })
    const a: Msg = { id: '1', eventTime: 5, records: [{ username: 'x', email: 'e@x', follow: 'y' }] }
    const b: Msg = { id: '2', eventTime: 6, records: [{ username: 'z', email: 'e@x', follow: 'w' }] }
    const r = await writer.writeOrdered([inbound(a, 0), inbound(b, 1)], { tombstoneTtlMs: 86_400_000 })
    expect(r.deadLetters).toBe(1)
    const keys = await (await target.db.query('FOR u IN users SORT u._key RETURN u._key')).all()
    expect(keys).toEqual(['x', 'y'])
    const edges = await (await target.db.query('FOR e IN follow RETURN [e._from, e._to]')).all()
    expect(edges).toEqual([['users/x', 'users/y']])
    // nothing of message 2: no vertex, no edge, no bookkeeping
    const dead = await (await target.db.query('FOR d IN graphpipe_deadletters RETURN d')).all()
    expect(dead).toHaveLength(1)
    expect(dead[0].messageId).toBe('2')
    expect(dead[0].reason).toMatch(/unique constraint/i)
    const versions = await (
      await target.db.query('FOR v IN graphpipe_versions FILTER v.k IN ["z", "w"] RETURN v')
    ).all()
    expect(versions).toEqual([])
  })
})

describe('the bookkeeping over time', () => {
  const target = useTestTarget({ scope: 'test' })
  const write = (writer: OrderedWriter, msgs: Msg[], seq: number, ttl = 86_400_000) =>
    writer.writeOrdered(
      msgs.map((m, i) => inbound(m, seq + i)),
      { tombstoneTtlMs: ttl, purgeEveryMs: 0 },
    )
  /** `n` messages written one after the other by one writer, message i (id 100 + i, event time 1000 + i) holding `record(i)`. */
  const writeEach = async (n: number, record: (i: number) => Rec) => {
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(twitterMapper())
    for (let i = 0; i < n; i++)
      await write(writer, [{ id: String(100 + i), eventTime: 1000 + i, records: [record(i)] }], i)
  }
  /** The version of message i of `writeEach`. */
  const versionOf = (i: number) => version(1000 + i, String(100 + i), 0)
  const versionDoc = (key: string) =>
    target.db.collection('graphpipe_versions').document(key, { graceful: true }) as Promise<Rec | null>

  it('keeps a guard document for an edge target without bookkeeping (a mapping without createMissing), replaced by its state once it has one, purged after --tombstone-ttl otherwise', async () => {
    const spec = validateMappingSpec(
      {
        records: 'data',
        vertex: { collection: 'users', key: 'username', deleteWhen: { field: 'deleted', value: true } },
        edges: [{ field: 'follows', collection: 'follow', to: 'users', createMissing: false }],
      },
      'm.json',
    )
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(new DeclarativeMapper('m.json', spec))
    await write(
      writer,
      [{ id: '1', eventTime: 10, records: [{ username: 'ann', follows: ['bob', 'cy'] }] }],
      0,
    )
    // bob and cy: no user document (createMissing false), a guard document each
    expect(await target.db.collection('users').document('bob', { graceful: true })).toBeNull()
    const guard = (await versionDoc('users:bob')) as Rec
    expect(guard).toMatchObject({ f: 3, c: 'users', k: 'bob', v: [] })
    expect(typeof guard.tomb).toBe('number')
    // bob deleted later: his document holds the delete; the edge to him is gone, cy's stays
    await write(writer, [{ id: '2', eventTime: 20, records: [{ username: 'bob', deleted: true }] }], 1)
    expect(((await versionDoc('users:bob')) as Rec).d).toBe(0)
    const edges = await (await target.db.query('FOR e IN follow RETURN e._to')).all()
    expect(edges).toEqual(['users/cy'])
    // once the TTL has passed, the purge of the next window removes cy's guard
    await new Promise((r) => setTimeout(r, 20))
    await write(writer, [{ id: '3', eventTime: 30, records: [{ username: 'dee' }] }], 2, 10)
    expect(await versionDoc('users:cy')).toBeNull()
  })

  it('forgets tombstones after --tombstone-ttl (deleted users, removed edges) and keeps the rest; an older event may then bring them back', async () => {
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(twitterMapper())
    await write(
      writer,
      [
        {
          id: '1',
          eventTime: 10,
          records: [
            { username: 'ann', email: 'a@x', follow: ['bob', 'cy'] },
            { username: 'dee', score: 1 },
          ],
        },
      ],
      0,
    )
    await write(
      writer,
      [
        { id: '2', eventTime: 20, records: [{ username: 'ann', unfollow: 'bob' }] },
        { id: '3', eventTime: 30, records: [{ username: 'dee', deleted: true }] },
      ],
      1,
    )
    // within the TTL: the tombstones are there
    expect(await versionDoc('users:dee')).toMatchObject({ vt: expect.any(Number), tomb: expect.any(Number) })
    // ann's edges: by _to, with a tombstone time once removed
    const ann = edgeLists(await versionDoc('users:ann'))
    expect(ann.follow).toEqual(
      expect.arrayContaining([
        ['users/bob', expect.any(Number), 0, expect.any(Number)],
        ['users/cy', expect.any(Number), 1],
      ]),
    )
    expect(ann.follow).toHaveLength(2)
    await new Promise((r) => setTimeout(r, 20))
    // a later window with a TTL of 0 purges them
    await write(writer, [{ id: '4', eventTime: 40, records: [{ username: 'eve', x: 1 }] }], 3, 0)
    expect(await versionDoc('users:dee')).toBeNull()
    const after = (await versionDoc('users:ann')) as Rec
    expect(edgeLists(after).follow.map((e) => e[0])).toEqual(['users/cy'])
    expect(after.tomb).toBeUndefined()
    const g = await graph(target)
    expect([...g.users.keys()].sort()).toEqual(['ann', 'bob', 'cy', 'eve'])
    expect([...g.edges]).toEqual(['ann\tcy'])
    // forgotten: an event older than the unfollow brings the edge back (docs/consume.md says so)
    await write(writer, [{ id: '5', eventTime: 15, records: [{ username: 'ann', follow: 'bob' }] }], 4)
    expect([...(await graph(target)).edges].sort()).toEqual(['ann\tbob', 'ann\tcy'])
  })

  it('finds old tombstones through a sparse index on the bookkeeping, not a scan of every vertex (also after the collection is recreated)', async () => {
    const writer = new OrderedWriter(target.db, { deadLetterCollection: 'graphpipe_deadletters' })
    await writer.prepare(twitterMapper())
    const purgeQuery = {
      query: 'FOR d IN @@c FILTER d.tomb != null AND d.tomb < @cutoff LIMIT @n RETURN d',
      bindVars: { '@c': 'graphpipe_versions', cutoff: Date.now(), n: 5000 },
    }
    const indexUsed = async () => {
      const { plan } = (await target.db.explain(purgeQuery)) as {
        plan: { nodes: { type: string; indexes?: { name: string; sparse: boolean }[] }[] }
      }
      return plan.nodes.flatMap((n) => (n.type === 'IndexNode' ? (n.indexes ?? []) : []))
    }
    expect(await indexUsed()).toEqual([expect.objectContaining({ name: 'graphpipe_tomb', sparse: true })])
    // dropped while the consumer runs: the next window creates it again, with its index
    await target.db.collection('graphpipe_versions').drop()
    await write(writer, [{ id: '1', eventTime: 10, records: [{ username: 'ann', deleted: true }] }], 0)
    expect(await indexUsed()).toEqual([expect.objectContaining({ name: 'graphpipe_tomb' })])
    expect(await versionDoc('users:ann')).toMatchObject({ tomb: expect.any(Number) })
  })

  it('keeps its version table small as one user is written again and again, and every index right', async () => {
    const N = 70
    await writeEach(N, (i) => ({ username: 'ann', score: i, follow: `u${i % 10}` }))
    const doc = (await versionDoc('users:ann')) as {
      v: string[]
      a: Record<string, number>
      t: number
    }
    const follow = edgeLists(doc).follow
    // the latest write of each: score and touch from the last message, each edge from its last follow
    expect(doc.v[doc.a.score]).toBe(versionOf(N - 1))
    expect(doc.v[doc.t]).toBe(versionOf(N - 1))
    for (const [to, i, present] of follow) {
      const n = Number(to.slice('users/u'.length))
      const last = n + 10 * Math.floor((N - 1 - n) / 10)
      expect([doc.v[i], present]).toEqual([versionOf(last), 1])
    }
    expect(follow).toHaveLength(10)
    // 11 versions are referenced; the table is rebuilt before it grows past twice that (+8):
    // 70 writes would have left 70 without
    expect(doc.v.length).toBeLessThanOrEqual(2 * 11 + 8)
    const g = await graph(target)
    expect(g.users.get('ann')).toEqual({ username: 'ann', score: N - 1 })
    expect(g.edges.size).toBe(10)
  })

  it('keeps only the versions it refers to for a user without edges, however often written', async () => {
    const N = 40
    await writeEach(N, (i) => ({ username: 'bo', score: i, [`a${i % 3}`]: i }))
    const doc = (await versionDoc('users:bo')) as { v: string[]; a: Record<string, number>; t: number }
    // (before: the table of a vertex without edges kept every version ever written, 40 here)
    expect(new Set(doc.v)).toEqual(new Set([versionOf(N - 1), versionOf(N - 2), versionOf(N - 3)]))
    expect(doc.v[doc.a.score]).toBe(versionOf(N - 1))
    expect(doc.v[doc.t]).toBe(versionOf(N - 1))
    expect([doc.v[doc.a.a0], doc.v[doc.a.a1], doc.v[doc.a.a2]]).toEqual([
      versionOf(39),
      versionOf(37),
      versionOf(38),
    ])
    const g = await graph(target)
    expect(g.users.get('bo')).toEqual({ username: 'bo', score: N - 1, a0: 39, a1: 37, a2: 38 })
  })
})
