/**
 * `graphpipe deadletters list|show|replay|purge` (in process) on the dead letters a real consumer
 * wrote from the Pub/Sub emulator into the live target: counts by reason, one shown whole,
 * replay through a fixed mapping completing the graph, replay to a topic delivering the same
 * bytes and attributes, failed replays keeping their dead letters, purge's dry run and --yes.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { PubSub, SubscriberOptions, Topic } from '@google-cloud/pubsub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import DeadlettersList from '../../src/commands/deadletters/list.js'
import DeadlettersPurge from '../../src/commands/deadletters/purge.js'
import DeadlettersReplay from '../../src/commands/deadletters/replay.js'
import DeadlettersShow from '../../src/commands/deadletters/show.js'
import { startConsumer } from '../../src/consume/index.js'
import { ensureSubscription } from '../../src/pubsub/admin.js'
import { collectMessages, usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import { runCommand } from '../commands/run-command.js'
import { publishAll, pubsubClient, type Doc } from './support.js'

const emu = usePubSubEmulator()

describe('graphpipe deadletters', () => {
  const target = useTestTarget()
  let client: PubSub
  let topic: Topic
  let dir: string
  const env: Record<string, string | undefined> = {}

  beforeAll(async () => {
    client = pubsubClient(emu.host, emu.projectId)
    for (const [k, v] of Object.entries(emu.env())) {
      env[k] = process.env[k]
      process.env[k] = v
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-dl-'))
    // An upstream producer renamed `username` to `user`: the twitter mapping rejects its records.
    const good = { data: [{ username: 'ann', follow: 'bob' }] }
    const renamed = { data: [{ user: 'cat', follow: ['ann', 'bob'], city: 'Oslo' }] }
    const mixed = {
      data: [
        { username: 'dan', follow: 'ann' },
        { user: 'eve', follow: 'dan' },
      ],
    }
    ;[topic] = await client.createTopic(emu.unique('t'))
    const sub = emu.unique('s')
    await ensureSubscription(client, sub, topic.name)
    await publishAll(topic, [good, renamed, mixed])
    await publishAll(topic, ['not json {'], { source: 'legacy', 'x-trace': 'a b c' })
    const running = await startConsumer(
      target.db,
      async (subscriber: SubscriberOptions) => ensureSubscription(client, sub, topic.name, { subscriber }),
      {
        window: '200ms',
        grace: '0s',
        drain: true,
        idle: '1s',
        origin: { topic: topic.name, subscription: `projects/${emu.projectId}/subscriptions/${sub}` },
      },
    )
    // 2 of the 4 messages keep dead letters: one whole message (renamed), one record (mixed #1),
    // and the one that is not JSON
    expect(await running.done).toMatchObject({ acked: 4, deadLetters: 3 })
  })

  afterAll(async () => {
    await client?.close()
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const deployment = () => ['--url', target.url, '--database', target.dbName]
  const run = async <R>(cmd: { run(argv: string[], root: string): Promise<R> }, args: string[]) => {
    const r = await runCommand<R>(cmd, [...args, ...deployment(), '--json'])
    // a result is returned (oclif prints it); an error is printed by the command itself
    return { ...r, json: r.result ?? JSON.parse(r.stdout) }
  }

  it('lists the dead letters with counts per reason that add up, and shows one whole', async () => {
    const { json, exitCode } = await run(DeadlettersList, [])
    expect(exitCode).toBe(0)
    expect(json.total).toBe(3)
    expect(json.reasons.reduce((a: number, r: { count: number }) => a + r.count, 0)).toBe(3)
    // the two renamed records share one reason; the most frequent reason comes first
    expect(json.reasons[0]).toMatchObject({ count: 2 })
    expect(json.reasons[0].reason).toMatch(/username/)
    expect(json.reasons[1]).toMatchObject({ count: 1 })
    expect(json.reasons[1].reason).toMatch(/^not JSON/)

    const notJson = await run(DeadlettersList, ['--reason', 'not JSON', '--limit', '1'])
    expect(notJson.json.total).toBe(1)
    const [entry] = notJson.json.deadLetters
    expect(entry).toMatchObject({ topic: topic.name, replayable: true, bytes: 'not json {'.length })

    const shown = await run(DeadlettersShow, [entry.key])
    expect(shown.json).toMatchObject({
      key: entry.key,
      data: 'not json {',
      dataEncoding: 'utf8',
      attributes: { source: 'legacy', 'x-trace': 'a b c' },
      topic: topic.name,
    })
    const missing = await run(DeadlettersShow, ['no-such-key'])
    expect(missing.exitCode).toBe(1)
    expect(missing.json.error.code).toBe('DEADLETTERS_NOT_FOUND')
  })

  it('replays through a fixed mapping: the graph is complete, the replayed dead letters gone, the unfixable kept', async () => {
    const fixed = path.join(dir, 'renamed.json')
    fs.writeFileSync(
      fixed,
      JSON.stringify({
        records: 'data',
        vertex: { collection: 'users', key: 'user' },
        edges: [{ field: 'follow', collection: 'follow', to: 'users', targetKey: 'username' }],
        graph: 'twitter',
      }),
    )
    // a selection is required: no accidental replay of everything
    expect((await run(DeadlettersReplay, ['--mapping', fixed])).exitCode).toBe(2)

    const r = await run(DeadlettersReplay, ['--all', '--mapping', fixed])
    // the message that is not JSON cannot be fixed by a mapping: it fails and stays
    expect(r.json).toMatchObject({ mode: 'mapping', selected: 3, replayed: 2, failed: 1, messages: 2 })
    expect(r.json.replayed + r.json.failed).toBe(r.json.selected)
    expect(r.json.failures[0].reason).toMatch(/not JSON/)
    expect(r.exitCode).toBe(1)

    const users = await target.db.collection('users')
    expect(await users.document('cat')).toMatchObject({ user: 'cat', city: 'Oslo' })
    expect(await users.document('eve')).toMatchObject({ user: 'eve' })
    const follows = await target.db
      .query('FOR e IN follow SORT e._from, e._to RETURN CONCAT(e._from, " ", e._to)')
      .then((c) => c.all())
    expect(follows).toEqual([
      'users/ann users/bob',
      'users/cat users/ann',
      'users/cat users/bob',
      'users/dan users/ann',
      'users/eve users/dan',
    ])
    const left = await run(DeadlettersList, [])
    expect(left.json.total).toBe(1)
    expect(left.json.reasons[0].reason).toMatch(/^not JSON/)
  })

  it('replays to a topic byte for byte with the attributes, and keeps what fails to publish', async () => {
    const [other] = await client.createTopic(emu.unique('replayed'))
    const [sub] = await other.createSubscription(emu.unique('r'))

    // a missing topic: nothing is published, nothing removed
    const bad = await run(DeadlettersReplay, ['--all', '--topic', emu.unique('missing')])
    expect(bad.exitCode).toBe(1)
    expect(bad.json.error.code).toBe('DEADLETTERS_TOPIC_NOT_FOUND')
    expect((await run(DeadlettersList, [])).json.total).toBe(1)

    const ok = await run(DeadlettersReplay, ['--reason', 'not JSON', '--topic', other.name])
    expect(ok.exitCode).toBe(0)
    expect(ok.json).toMatchObject({ mode: 'topic', selected: 1, replayed: 1, failed: 0, messages: 1 })
    const got = await collectMessages(sub, 1, { settleMs: 200 })
    expect(got.map((m) => ({ data: m.data, attributes: m.attributes }))).toEqual([
      { data: 'not json {', attributes: { source: 'legacy', 'x-trace': 'a b c' } },
    ])
    expect((await run(DeadlettersList, [])).json.total).toBe(0)
  })

  it('replays non-UTF-8 bytes to the topic they came from, unchanged', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80])
    const [sub] = await topic.createSubscription(emu.unique('again'))
    await target.db.collection('graphpipe_deadletters').save({
      _key: 'binary',
      reason: 'not JSON: test',
      messageId: 'm-binary',
      publishTime: new Date().toISOString(),
      attributes: { kind: 'bin' },
      data: bytes.toString('base64'),
      dataEncoding: 'base64',
      deadLetteredAt: new Date().toISOString(),
      topic: topic.name,
    } satisfies Doc)
    const r = await run(DeadlettersReplay, ['--key', 'binary'])
    expect(r.json).toMatchObject({ selected: 1, replayed: 1, failed: 0 })
    const received = await new Promise<Buffer>((resolve) =>
      sub.once('message', (m) => {
        m.ack()
        resolve(m.data)
      }),
    )
    await sub.close()
    expect(received.equals(bytes)).toBe(true)
  })

  it('purges only with --yes, and counts what it would remove without it', async () => {
    const docs = [1, 2, 3].map((i) => ({
      _key: `old${i}`,
      reason: i === 3 ? 'other' : 'stale',
      messageId: `m${i}`,
      publishTime: '2020-01-01T00:00:00.000Z',
      attributes: {},
      data: '{}',
      dataEncoding: 'utf8',
      deadLetteredAt: i === 1 ? '2020-01-01T00:00:00.000Z' : new Date().toISOString(),
    }))
    await target.db.collection('graphpipe_deadletters').saveAll(docs)
    expect((await run(DeadlettersPurge, ['--yes'])).exitCode).toBe(2) // no selection
    const dry = await run(DeadlettersPurge, ['--reason', 'stale'])
    expect(dry.json).toMatchObject({ selected: 2, purged: 0, dryRun: true })
    const old = await run(DeadlettersPurge, ['--older-than', '30d', '--yes'])
    expect(old.json).toMatchObject({ selected: 1, purged: 1, dryRun: false })
    const all = await run(DeadlettersPurge, ['--all', '--yes'])
    expect(all.json).toMatchObject({ selected: 2, purged: 2 })
    expect((await run(DeadlettersList, [])).json.total).toBe(0)
  })
})
