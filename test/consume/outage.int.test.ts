/**
 * Database outage: `graphpipe server` (the built CLI, a child process) is frozen with SIGSTOP
 * mid-run (CONSUME_OUTAGE_SECONDS, default 4; the 30 s once by hand) and thawed. The
 * consumer retries, reports not-ready, keeps its leases, and the graph ends exact.
 */
import { Database } from 'arangojs'
import { describe, expect, it } from 'vitest'

import { freePort } from '../../src/pubsub/emulator.js'
import { usePubSubEmulator } from '../helpers/pubsub-emulator.js'
import {
  expectExactGraph,
  publishAll,
  requireBuild,
  seedMessages,
  sleep,
  started,
  summaryOf,
  useCli,
} from './support.js'

const OUTAGE_MS = Number(process.env.CONSUME_OUTAGE_SECONDS ?? 4) * 1000
requireBuild()
const emu = usePubSubEmulator()

describe('database outage', () => {
  const cli = useCli(emu)

  async function server(): Promise<{ url: string; run: ReturnType<typeof cli.spawn> }> {
    const dataDir = cli.tmpDir('gp-consume-outage-')
    const port = await freePort()
    // A consumer killed while its window's begin was in flight leaves a stream transaction that
    // nobody aborts; the embedded engine serializes writers, so it blocks the next consumer until
    // the idle timeout ends it (ArangoDB locks documents, not the collection). Short here.
    const run = cli.spawn([
      'server',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--transaction-idle-timeout',
      '5',
    ])
    while (!/listening on/.test(run.stdout() + run.stderr())) {
      if (run.child.exitCode !== null) throw new Error(`server exited:\n${run.stderr()}`)
      await sleep(50)
    }
    return { url: `http://127.0.0.1:${port}`, run }
  }

  it('retries through a database that stops answering, holds its leases, and ends with the exact graph', async () => {
    const { url, run: srv } = await server()
    const { messages, expected } = seedMessages(2000, 31)
    const { topic, sub } = await cli.topicAndSub()
    const healthPort = await freePort()
    const run = cli.consumer(
      sub,
      ['--drain', '--idle', '3s', '--request-timeout', '1s', '--health-port', String(healthPort)],
      { ARANGO_URL: url, ARANGO_DATABASE: '_system' },
    )
    await started(run)
    await publishAll(topic, messages.slice(0, 1000))
    while (!/"type":"window"/.test(run.stdout())) await sleep(50)

    srv.child.kill('SIGSTOP')
    try {
      await publishAll(topic, messages.slice(1000))
      const until = Date.now() + OUTAGE_MS
      while (Date.now() < until) await sleep(100)
      expect(run.stdout(), 'a failed write is reported').toMatch(/"type":"retry"/)
      const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`)
      expect(ready.status).toBe(503)
      expect(await ready.text()).toMatch(/^retrying/)
      expect(run.child.exitCode).toBeNull() // still alive, still holding its messages
    } finally {
      srv.child.kill('SIGCONT')
    }
    expect(await run.exit, run.stderr().slice(-2000)).toBe(0)
    expect(summaryOf(run)!.acked).toBeGreaterThanOrEqual(2000)
    const db = new Database({ url })
    try {
      await expectExactGraph(db, expected)
    } finally {
      db.close()
      srv.child.kill('SIGTERM')
      await srv.exit
    }
  }, 120_000)

  it('a second signal exits at once without acking what was not written', async () => {
    const { url, run: srv } = await server()
    const { topic, sub } = await cli.topicAndSub()
    const env = { ARANGO_URL: url, ARANGO_DATABASE: '_system' }
    const run = cli.consumer(sub, ['--request-timeout', '1s', '--min-ack-deadline', '10s'], env)
    await started(run)
    srv.child.kill('SIGSTOP')
    try {
      await publishAll(topic, seedMessages(1, 3).messages)
      while (!/"type":"retry"/.test(run.stdout())) await sleep(50)
      run.child.kill('SIGINT')
      await sleep(500)
      expect(run.child.exitCode).toBeNull() // still trying to write before it acks
      run.child.kill('SIGINT')
      expect(await run.exit).toBe(130)
      expect(summaryOf(run)).toBeUndefined()
    } finally {
      srv.child.kill('SIGCONT')
    }
    // not acked: the message comes back to the next consumer
    const next = cli.consumer(sub, [], env)
    const until = Date.now() + 30_000
    while (!/"type":"window"/.test(next.stdout()) && Date.now() < until) await sleep(100)
    next.child.kill('SIGTERM')
    expect(await next.exit, next.stderr()).toBe(0)
    expect(summaryOf(next)?.acked).toBe(1)
    srv.child.kill('SIGTERM')
    await srv.exit
  }, 120_000)
})
