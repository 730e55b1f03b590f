/**
 * The built `graphpipe consume` command end to end: JSON lines, --dead-letter-topic, SIGINT
 * flushing the open window, and usage errors as one line with exit code 2.
 */
import fs from 'node:fs'
import path from 'node:path'

import type { Message } from '@google-cloud/pubsub'
import { describe, expect, it } from 'vitest'

import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import { useTestTarget } from '../helpers/target.js'
import { FIXTURES, publishAll, requireBuild, runCli, sleep, started, summaryOf, useCli } from './support.js'

requireBuild()
const emu = usePubSubEmulator()

describe('graphpipe consume (CLI)', () => {
  const target = useTestTarget({ scope: 'test' })
  const cli = useCli(emu)
  const seed = fs.readFileSync(path.join(FIXTURES, 'seed-message.json'), 'utf8')

  it('prints start, window and summary JSON lines and publishes dead letters to --dead-letter-topic', async () => {
    const { topic, sub } = await cli.topicAndSub()
    const [dlTopic] = await cli.pubsub().createTopic(emu.unique('dlt'))
    const [dlSub] = await dlTopic.createSubscription(emu.unique('dls'))
    await publishAll(topic, [JSON.parse(seed), 'not json at all'])
    const run = cli.consumer(
      sub,
      ['--drain', '--idle', '2s', '--dead-letter-topic', dlTopic.name.split('/').pop()!],
      target.env(),
    )
    expect(await run.exit, run.stderr()).toBe(0)
    const lines = run
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines[0]).toMatchObject({ type: 'start', mapping: 'twitter', windowMs: 500 })
    const windows = lines.filter((l) => l.type === 'window')
    expect(windows.reduce((a, w) => a + w.messages, 0)).toBe(2)
    expect(windows.reduce((a, w) => a + w.deadLetters, 0)).toBe(1)
    for (const w of windows) {
      expect(Object.keys(w).sort()).toEqual(
        [
          'deadLetters',
          'deletes',
          'early',
          'edges',
          'eventTimeFallbacks',
          'lagMs',
          'late',
          'messages',
          'superseded',
          'type',
          'vertices',
          'windowEnd',
          'windowStart',
          'writeMs',
        ].sort(),
      )
    }
    expect(lines.at(-1)).toMatchObject({ type: 'summary', reason: 'drained', acked: 2, deadLetters: 1 })
    expect(run.stderr()).toBe('') // --json: nothing on stderr

    const received = await new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no dead letter on the topic')), 20_000)
      dlSub.once('message', (m: Message) => {
        clearTimeout(timer)
        m.ack()
        resolve(m)
      })
    })
    await dlSub.close()
    const doc = JSON.parse(received.data.toString())
    expect(doc).toMatchObject({ data: 'not json at all', dataEncoding: 'utf8' })
    // where it came from (the subscription's own topic, looked up), for `deadletters replay`
    expect(doc).toMatchObject({
      topic: topic.name,
      subscription: `projects/${emu.projectId}/subscriptions/${sub}`,
    })
    expect(doc.reason).toMatch(/^not JSON/)
    expect(received.attributes.reason).toBe(doc.reason)
  })

  it('on SIGINT writes the open window, acks it and exits 130', async () => {
    const { topic, sub } = await cli.topicAndSub()
    const run = cli.consumer(sub, ['--window', '1h', '--grace', '1h'], target.env())
    await started(run)
    await publishAll(topic, [JSON.parse(seed)])
    // the message is held in its open hour-long window: nothing written yet
    let users = 0
    for (let i = 0; i < 20 && users === 0; i++) {
      await sleep(100)
      users = await target.db
        .collection('users')
        .count()
        .then((c) => c.count)
    }
    expect(users).toBe(0)
    await sleep(1000) // let the message arrive
    run.child.kill('SIGINT')
    expect(await run.exit, run.stderr()).toBe(130)
    expect(summaryOf(run)).toMatchObject({ reason: 'signal', acked: 1 })
    expect((await target.db.collection('users').count()).count).toBe(4)
    // acked: nothing left for the next consumer
    const next = cli.consumer(sub, ['--drain', '--idle', '2s'], target.env())
    expect(await next.exit).toBe(0)
    expect(summaryOf(next)).toMatchObject({ acked: 0 })
  })

  it('rejects a bad duration and a missing mapping file with one line and exit code 2', async () => {
    const bad = runCli(['consume', '--subscription', 'sub-x', '--window', '5 minutes'], {
      ...emu.env(),
      ...target.env(),
    })
    expect(await bad.exit).toBe(2)
    expect(bad.stderr().trim()).toBe(
      'Error: --window: "5 minutes" is not a duration (examples: 250ms, 30s, 1m30s, 2h, or a number of seconds)',
    )
    const missing = runCli(['consume', '--subscription', 'sub-x', '--mapping', 'no/such.json'], {
      ...emu.env(),
      ...target.env(),
    })
    expect(await missing.exit).toBe(2)
    expect(missing.stderr().trim()).toMatch(/^Error: no\/such.json: cannot read the mapping file \(ENOENT\)$/)
  })
})
