/**
 * The consumer in-process against the real Pub/Sub emulator and the live target: the seed's
 * message, idempotent redelivery, poison input, mapping files, transforms, shutdown, endpoints.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { PubSub, SubscriberOptions } from '@google-cloud/pubsub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startConsumer, type ConsumeSettings, type WindowReport } from '../../src/consume/index.js'
import { deadLetterKey, type DeadLetterDoc } from '../../src/consume/batch.js'
import { ensureSubscription } from '../../src/pubsub/admin.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import {
  applyTwitter,
  emptyGraph,
  expectExactGraph,
  FIXTURES,
  publishAll,
  pubsubClient,
  type Doc,
} from './support.js'

const emu = usePubSubEmulator()

describe('consume (in-process)', () => {
  const target = useTestTarget({ scope: 'test' })
  let client: PubSub

  beforeAll(() => {
    client = pubsubClient(emu.host, emu.projectId)
  })
  afterAll(async () => {
    await client?.close()
  })

  /** A fresh topic and subscription, a consumer with `settings`, run until drained. */
  async function consume(
    messages: (Doc | string)[],
    settings: ConsumeSettings = {},
    names?: { topic: string; sub: string },
  ) {
    const topicName = names?.topic ?? emu.unique('t')
    const subName = names?.sub ?? emu.unique('s')
    const topic = client.topic(`projects/${emu.projectId}/topics/${topicName}`)
    const [exists] = await topic.exists()
    if (!exists) await client.createTopic(topic.name)
    await ensureSubscription(client, subName, topicName)
    const ids = await publishAll(topic, messages, { source: 'test' })
    const windows: WindowReport[] = []
    const running = await startConsumer(
      target.db,
      async (subscriber: SubscriberOptions) => ensureSubscription(client, subName, topicName, { subscriber }),
      { window: '200ms', grace: '0s', drain: true, idle: '1500ms', ...settings },
      { onWindow: (w) => windows.push(w) },
    )
    const summary = await running.done
    return { summary, windows, topicName, subName, ids }
  }

  const seed = (): Doc => JSON.parse(fs.readFileSync(path.join(FIXTURES, 'seed-message.json'), 'utf8'))

  it("turns the seed's example message into exactly the users, follow edges and twitter graph", async () => {
    const { summary } = await consume([seed()])
    expect(summary).toMatchObject({ acked: 1, deadLetters: 0, reason: 'drained' })
    const expected = emptyGraph()
    applyTwitter(expected, seed() as { data: Doc[] })
    await expectExactGraph(target.db, expected)
    // the followed-only user is created as {_key, username}
    const jane = await target.db.collection('users').document('jane_roe')
    expect(Object.keys(jane).sort()).toEqual(['_id', '_key', '_rev', 'username'])
    const graph = await target.db.graph('twitter').get()
    expect(graph.edgeDefinitions).toEqual([{ collection: 'follow', from: ['users'], to: ['users'] }])
  })

  it('changes nothing when the same message is consumed again (redelivery)', async () => {
    const first = await consume([seed()])
    const snapshot = async () => {
      const keys = ['johnny1', 'john_doe', 'mary_s', 'jane_roe']
      const users = (await target.db.collection('users').documents(keys)) as Doc[]
      return users.map(({ _rev, ...d }) => (void _rev, d))
    }
    const before = await snapshot()
    await consume([seed(), seed()], {}, { topic: first.topicName, sub: first.subName })
    expect(await snapshot()).toEqual(before)
    expect((await target.db.collection('follow').count()).count).toBe(4)
    expect((await target.db.collection('users').count()).count).toBe(4)
  })

  it('never overwrites an existing user when creating a followed one, and accumulates attributes', async () => {
    await consume([
      { message: 'success', data: [{ username: 'ann', city: 'Oslo' }] },
      { message: 'success', data: [{ username: 'bob', follow: 'ann' }] },
      { message: 'success', data: [{ username: 'ann', age: 30 }] },
    ])
    const ann = await target.db.collection('users').document('ann')
    expect(ann).toMatchObject({ username: 'ann', city: 'Oslo', age: 30 })
  })

  it('dead-letters every bad message and record with its reason and writes every valid record', async () => {
    const lines = fs
      .readFileSync(path.join(FIXTURES, 'poison-messages.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
    // a unique index makes ArangoDB itself reject one record (a per-item error of the array insert)
    const users = await target.db.createCollection('users')
    await users.ensureIndex({ type: 'persistent', fields: ['email'], unique: true, sparse: true })
    const dupes = [
      { message: 'success', data: [{ username: 'dup_a', email: 'same@example.com', follow: 'ok_5' }] },
      { message: 'success', data: [{ username: 'dup_b', email: 'same@example.com', follow: 'ok_5' }] },
    ]
    const { summary, ids } = await consume([...lines, ...dupes])
    expect(summary.acked).toBe(lines.length + 2)

    // [line, record] of every bad message or record in the fixture; one of the two duplicates
    const bad: [number, number | undefined][] = [
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [4, 0],
      [5, 0],
      [6, 0],
      [7, undefined],
      [8, 0],
      [9, 0],
    ]
    const dl = target.db.collection('graphpipe_deadletters')
    expect((await dl.count()).count).toBe(bad.length + 1)
    const keys = [
      ...bad.map(([i, r]) => deadLetterKey(ids[i], r)),
      deadLetterKey(ids[lines.length], 0),
      deadLetterKey(ids[lines.length + 1], 0),
    ]
    const all = ((await dl.documents(keys)) as (DeadLetterDoc & { error?: boolean })[]).filter(
      (d) => !d.error && d._key,
    )
    expect(all).toHaveLength(bad.length + 1)
    const reasons = all.map((d) => d.reason)
    expect(reasons.filter((r) => r.startsWith('not JSON'))).toHaveLength(1)
    expect(reasons.filter((r) => /does not fit the mapping/.test(r))).toHaveLength(3)
    expect(reasons.filter((r) => /no "username"/.test(r))).toHaveLength(1)
    expect(reasons.filter((r) => /not a valid document key/.test(r))).toHaveLength(3)
    expect(reasons.filter((r) => /expected an object/.test(r))).toHaveLength(1)
    expect(reasons.filter((r) => /ArangoDB rejected .*unique constraint/i.test(r))).toHaveLength(1)
    for (const d of all) {
      expect(d.messageId).toMatch(/\S/)
      expect(Date.parse(d.publishTime)).toBeGreaterThan(0)
      expect(d.attributes).toEqual({ source: 'test' })
      expect(typeof d.data).toBe('string')
    }
    expect(all.find((d) => d.reason.startsWith('not JSON'))!.data).toBe('this is not json')

    const valid = (await users.documents(['ok_1', 'ok_2', 'ok_4', 'ok_5'])) as Doc[]
    expect(valid.map((d) => d._key)).toEqual(['ok_1', 'ok_2', 'ok_4', 'ok_5'])
    expect(valid[1]).toMatchObject({ age: 31 })
    // the valid records are complete; the rejected ones left nothing behind
    const count = (await users.count()).count
    expect(count).toBe(5) // ok_1, ok_2, ok_4, ok_5 and one of dup_a/dup_b
    expect((await target.db.collection('follow').count()).count).toBe(3) // ok_1->ok_2, ok_4->ok_1, dup_x->ok_5
  })

  it('writes another shape through a mapping file', async () => {
    const msg = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'orders-message.json'), 'utf8'))
    await consume([msg], { mapping: path.join(FIXTURES, 'mapping-orders.json') })
    const db = target.db
    expect(await db.collection('orders').document('o-1')).toMatchObject({ id: 'o-1', total: 30.5 })
    expect(await db.collection('orders').document('o-1')).not.toHaveProperty('internal_note')
    expect(await db.collection('customers').document('c-7')).toMatchObject({ _key: 'c-7', id: 'c-7' })
    expect((await db.collection('placed_by').count()).count).toBe(2)
    expect((await db.collection('contains').count()).count).toBe(3)
    expect(await db.collection('products').exists()).toBe(true)
    expect((await db.collection('products').count()).count).toBe(0) // createMissing: false
    expect((await db.graph('shop').get()).edgeDefinitions.map((d) => d.collection).sort()).toEqual([
      'contains',
      'placed_by',
    ])
  })

  it('writes what a --transform module returns; a re-rating lands on the same edge', async () => {
    await consume(
      [
        { user: 'p1', movie: 'm1', stars: 3 },
        { user: 'p1', movie: 'm1', stars: 5 },
        { user: 'p2', movie: 'm1', stars: 4 },
        { movie: 'm2' },
      ],
      { transform: path.join(FIXTURES, 'transform-ratings.mjs') },
    )
    const db = target.db
    expect((await db.collection('rated').count()).count).toBe(2)
    expect((await db.collection('movies').count()).count).toBe(1)
    expect((await db.collection('graphpipe_deadletters').count()).count).toBe(1)
    expect((await db.graph('ratings').get()).name).toBe('ratings')
  })

  it('writes an open window and acks it on stop, leaving nothing for the next consumer', async () => {
    const topicName = emu.unique('t')
    const subName = emu.unique('s')
    await client.createTopic(`projects/${emu.projectId}/topics/${topicName}`)
    await ensureSubscription(client, subName, topicName)
    await publishAll(client.topic(topicName), [seed()])
    const windows: WindowReport[] = []
    const running = await startConsumer(
      target.db,
      async (subscriber) => ensureSubscription(client, subName, topicName, { subscriber }),
      { window: '1h', grace: '1h', metricsPort: 0, healthPort: 0 },
      { onWindow: (w) => windows.push(w) },
    )
    while (running.consumer.stats.received < 1) await new Promise((r) => setTimeout(r, 50))
    expect(windows).toHaveLength(0) // the hour-long window is still open
    running.stop()
    const summary = await running.done
    expect(summary).toMatchObject({ reason: 'signal', acked: 1, windows: 1 })
    expect((await target.db.collection('users').count()).count).toBe(4)
    // acked: a second consumer on the same subscription finds nothing
    const again = await consume([], {}, { topic: topicName, sub: subName })
    expect(again.summary.messages).toBe(0)
  })

  it('serves Prometheus metrics and health while consuming', async () => {
    const topicName = emu.unique('t')
    const subName = emu.unique('s')
    await ensureSubscription(client, subName, topicName)
    await publishAll(client.topic(topicName), [seed()])
    let ports: { metricsPort?: number; healthPort?: number } = {}
    const running = await startConsumer(
      target.db,
      async (subscriber) => ensureSubscription(client, subName, topicName, { subscriber }),
      { window: '100ms', grace: '0s', metricsPort: 0, healthPort: 0 },
      { onStart: ({ endpoints }) => (ports = endpoints) },
    )
    while (running.consumer.stats.windows < 1) await new Promise((r) => setTimeout(r, 50))
    const metrics = await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text()
    expect(metrics).toMatch(/graphpipe_consume_messages_total\{outcome="acked"\} 1/)
    expect(metrics).toMatch(/graphpipe_consume_windows_total 1/)
    expect(metrics).toMatch(/graphpipe_consume_write_seconds_count 1/)
    expect(metrics).toMatch(/graphpipe_consume_oldest_unacked_message_age_seconds 0/)
    expect((await fetch(`http://127.0.0.1:${ports.healthPort}/healthz`)).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${ports.healthPort}/readyz`)).status).toBe(200)
    running.stop()
    await running.done
  })

  it('stops after --max-messages and leaves the rest for others', async () => {
    const msgs = Array.from({ length: 5 }, (_, i) => ({ message: 'success', data: [{ username: `mm${i}` }] }))
    const first = await consume(msgs, { maxMessages: 2, drain: false })
    expect(first.summary).toMatchObject({ reason: 'max-messages', acked: 2 })
    const rest = await consume([], {}, { topic: first.topicName, sub: first.subName })
    expect(rest.summary.acked).toBe(3)
    expect((await target.db.collection('users').count()).count).toBe(5)
  })
})
