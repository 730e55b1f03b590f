/**
 * The equivalence contract of `import --mapping`: importing messages.jsonl with the twitter
 * mapping leaves the same graph as publishing those messages one after the other and consuming
 * them with the twitter mapping (one code path for the plan: consume's mapping and ordered writer).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { SubscriberOptions } from '@google-cloud/pubsub'
import { afterAll, describe, expect, it } from 'vitest'

import { startConsumer } from '../../src/consume/index.js'
import { importMapped } from '../../src/import/mapped.js'
import { ensureSubscription } from '../../src/pubsub/admin.js'
import { prng } from '../helpers/prng.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import { pubsubClient } from '../consume/support.js'

const emu = usePubSubEmulator()

function messages(n: number): string[] {
  const rand = prng(3)
  const u = () => `u${Math.floor(rand() * 30)}`
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const r = rand()
    const rec =
      r < 0.6
        ? { username: u(), email: `e${i}`, score: i, follow: [u(), u()] }
        : r < 0.85
          ? { username: u(), unfollow: u() }
          : { username: u(), deleted: true }
    out.push(JSON.stringify({ message: 'success', data: [rec, { username: u(), seen: i }] }))
  }
  return out
}

describe('import --mapping twitter equals publish + consume --mapping twitter', () => {
  const target = useTestTarget()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-mapped-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  async function snapshot(): Promise<unknown> {
    const users = await (
      await target.db.query('FOR u IN users SORT u._key RETURN UNSET(u, "_id", "_rev")')
    ).all()
    const edges = await (
      await target.db.query('FOR e IN follow SORT e._key RETURN [e._key, e._from, e._to]')
    ).all()
    return { users, edges }
  }

  it('leaves the same users and follow edges, and counts every row', async () => {
    const lines = messages(300)
    const file = path.join(dir, 'messages.jsonl')
    fs.writeFileSync(file, lines.join('\n') + '\n\n')
    const imported = await importMapped(target.db, [file], { type: 'auto' } as never, { mapping: 'twitter' })
    expect(imported.total.rows).toBe(301)
    expect(
      imported.total.written + imported.total.deadLettered + imported.total.rejected + imported.total.empty,
    ).toBe(301)
    expect(imported.total.empty).toBe(1)
    const viaImport = await snapshot()
    expect((viaImport as { users: unknown[] }).users.length).toBeGreaterThan(10)

    for (const c of ['users', 'follow', 'graphpipe_versions']) await target.db.collection(c).truncate()
    const client = pubsubClient(emu.host, emu.projectId)
    try {
      const topicName = emu.unique('t')
      const subName = emu.unique('s')
      await ensureSubscription(client, subName, topicName)
      const topic = client.topic(topicName)
      for (const l of lines) await topic.publishMessage({ data: Buffer.from(l) }) // one after the other
      const running = await startConsumer(
        target.db,
        async (subscriber: SubscriberOptions) =>
          ensureSubscription(client, subName, topicName, { subscriber }),
        { window: '200ms', grace: '0s', drain: true, idle: '1500ms' },
      )
      const summary = await running.done
      expect(summary.acked).toBe(lines.length)
    } finally {
      await client.close()
    }
    expect(await snapshot()).toEqual(viaImport)
  }, 120_000)
})
