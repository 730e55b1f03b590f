/**
 * End to end: the built CLI (`node bin/run.js publish ...`, after `npm run build`) against the
 * Pub/Sub emulator.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

import type { PubSub } from '@google-cloud/pubsub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureSubscription } from '../../src/pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../../src/pubsub/client.js'
import { collectMessages, usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const repo = path.resolve(import.meta.dirname, '../..')
const emu = usePubSubEmulator()
let client: PubSub

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Environment without any Pub/Sub or Google configuration of the machine running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const k of [
    'PUBSUB_EMULATOR_HOST',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'PUBSUB_PROJECT_ID',
  ])
    delete env[k]
  return env
}

function cli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; during?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/run.js'), 'publish', ...args], {
      cwd: repo,
      env: opts.env ?? { ...cleanEnv(), ...emu.env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
    if (opts.during) opts.during(child)
    else child.stdin.end(opts.input ?? '')
  })
}

async function topicWithSubscription(): Promise<{ topic: string; sub: string }> {
  const topic = emu.unique('t')
  const sub = emu.unique('s')
  await ensureSubscription(client, sub, topic)
  return { topic, sub }
}

const receive = (sub: string, n: number, settleMs?: number) =>
  collectMessages(client.subscription(sub), n, { settleMs })

beforeAll(() => {
  if (!existsSync(path.join(repo, 'dist/commands/publish.js')))
    throw new Error('dist/ is missing: run `npm run build` first')
  client = createPubSubClient(resolvePubSubTarget({ emulator: emu.host, project: emu.projectId }, {}))
})

afterAll(async () => {
  await client?.close()
})

describe('graphpipe publish (built CLI)', () => {
  it('publishes the users fixtures, says where to on stderr, and exits 0', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await cli(['fixtures/users', '--topic', topic])
    expect(r.stderr).toContain(`target: Pub/Sub emulator at ${emu.host}, project ${emu.projectId}`)
    expect(r.stderr).toMatch(
      new RegExp(`published 5 messages \\(.*\\) to projects/${emu.projectId}/topics/${topic}`),
    )
    expect(r.code).toBe(0)
    const got = await receive(sub, 5)
    expect(
      got.flatMap((m) => JSON.parse(m.data).data.map((u: { username: string }) => u.username)),
    ).toHaveLength(12)
  })

  it('takes --attribute before the inputs without swallowing them', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await cli(['--attribute', 'source=cli', 'fixtures/users/batch-01.json', '--topic', topic])
    expect(r.code).toBe(0)
    const [m] = await receive(sub, 1)
    expect(m.attributes).toEqual({ source: 'cli' })
  })

  it('prints a typed --json result with message ids per file', async () => {
    const { topic } = await topicWithSubscription()
    const r = await cli(['fixtures/users', '--topic', topic, '--json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ published: 5, invalid: 0, validationFailed: false, interrupted: false })
    expect(out.files.map((f: { ids: string[] }) => f.ids.length)).toEqual([1, 1, 3])
  })

  it('exits 1 and publishes nothing when an input is invalid, naming file and line', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await cli(['fixtures/users', 'fixtures/publish/invalid-lines.jsonl', '--topic', topic])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('fixtures/publish/invalid-lines.jsonl:2: invalid JSON')
    expect(r.stderr).toContain('fixtures/publish/invalid-lines.jsonl:4: invalid JSON')
    expect(r.stderr).toMatch(/nothing published: 2 invalid messages/)
    await cli(['-', '--topic', topic], { input: '{"sentinel":1}\n' })
    const got = await receive(sub, 1, 1000)
    expect(got.map((m) => m.data)).toEqual(['{"sentinel":1}'])
  })

  it('exits 1 with --skip-invalid after publishing the valid messages', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await cli(['fixtures/publish/invalid-lines.jsonl', '--topic', topic, '--skip-invalid'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/published 2 messages .*; 2 invalid skipped/)
    expect(await receive(sub, 2)).toHaveLength(2)
  })

  it('reads JSON lines from stdin', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await cli(['-', '--topic', topic, '--quiet'], { input: '{"a": 1}\n\n{"a": 2}\n' })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect((await receive(sub, 2)).map((m) => m.data).sort()).toEqual(['{"a":1}', '{"a":2}'])
  })

  it('exits 2 for usage errors: no --topic, an unsupported file, conflicting flags', async () => {
    const noTopic = await cli(['fixtures/users'])
    expect(noTopic.code).toBe(2)
    expect(noTopic.stderr).toContain('Error: Missing required flag topic')
    const badType = await cli(['fixtures/airports.csv', '--topic', 'users'])
    expect(badType.code).toBe(2)
    expect(badType.stderr).toContain('fixtures/airports.csv: unsupported file type')
    expect(badType.stderr).not.toContain('target:') // refused before connecting
    const both = await cli([
      'fixtures/users',
      '--topic',
      'users',
      '--ordering-key',
      'a',
      '--ordering-key-from',
      'b',
    ])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('cannot be used together')
  })

  it('exits 2 with directions when no emulator, project or credentials are configured', async () => {
    const r = await cli(['fixtures/users', '--topic', 'users'], { env: cleanEnv() })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /^Error: no Pub\/Sub configured: .*--emulator HOST:PORT.*PUBSUB_EMULATOR_HOST.*--project/m,
    )
    expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('exits 3 when nothing listens at the emulator address', async () => {
    const r = await cli(['fixtures/users', '--topic', 'users', '--emulator', 'localhost:1'], {
      env: cleanEnv(),
    })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('cannot reach the Pub/Sub emulator at localhost:1')
  })

  it('on SIGINT stops reading, flushes what is in flight, reports, and exits 130', async () => {
    const { topic, sub } = await topicWithSubscription()
    let seen: Promise<unknown> | undefined
    const r = await cli(['-', '--topic', topic, '--skip-invalid'], {
      during: (child) => {
        // stdin stays open: the CLI waits for more input until it is interrupted
        child.stdin?.write('{"n":1}\n{"n":2}\n{"n":3}\n')
        seen = receive(sub, 3, 0).then((got) => {
          expect(got).toHaveLength(3)
          child.kill('SIGINT')
        })
      },
    })
    await seen
    expect(r.code).toBe(130)
    expect(r.stderr).toMatch(/published 3 messages .*interrupted/)
  })
})
