import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import type { PubSub } from '@google-cloud/pubsub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureSubscription } from '../../src/pubsub/admin.js'
import { createPubSubClient, resolvePubSubTarget } from '../../src/pubsub/client.js'
import { compactJson } from '../../src/publish/message.js'
import { publishFiles, type PublishOptions } from '../../src/publish/publish.js'
import { collectMessages, usePubSubEmulator } from '../helpers/pubsub-emulator.js'

const emu = usePubSubEmulator()
let client: PubSub
let tmp: string

beforeAll(() => {
  client = createPubSubClient(resolvePubSubTarget({ emulator: emu.host, project: emu.projectId }, {}))
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-publish-'))
})

afterAll(async () => {
  await client?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** A fresh topic with a subscription attached before anything is published. */
async function topicWithSubscription(ordering = false): Promise<{ topic: string; sub: string }> {
  const topic = emu.unique('t')
  const sub = emu.unique('s')
  await ensureSubscription(client, sub, topic, { enableMessageOrdering: ordering })
  return { topic, sub }
}

const receive = (sub: string, n: number, settleMs?: number) =>
  collectMessages(client.subscription(sub), n, { settleMs })

const publish = (opts: PublishOptions) => publishFiles(client, opts)

/** Body of every message we expect from the users fixtures, in file and line order. */
function usersBodies(): string[] {
  const one = (f: string) => compactJson(fs.readFileSync(path.join('fixtures/users', f), 'utf8').trim())
  const lines = fs.readFileSync('fixtures/users/batch-03.jsonl', 'utf8').trim().split('\n').map(compactJson)
  return [one('batch-01.json'), one('batch-02.json'), ...lines]
}

function writeTmp(name: string, text: string): string {
  const p = path.join(tmp, name)
  fs.writeFileSync(p, text)
  return p
}

describe('publishFiles against the Pub/Sub emulator', () => {
  it('delivers every message of a directory exactly once, bodies compact JSON, in name order', async () => {
    const { topic, sub } = await topicWithSubscription(true)
    const r = await publish({ inputs: ['fixtures/users'], topic, orderingKey: 'all' })
    expect(r).toMatchObject({ messages: 5, published: 5, invalid: 0, failed: 0, validationFailed: false })
    expect(r.files.map((f) => [path.basename(f.file), f.published])).toEqual([
      ['batch-01.json', 1],
      ['batch-02.json', 1],
      ['batch-03.jsonl', 3],
    ])
    const got = await receive(sub, 5)
    expect(got.map((m) => m.data)).toEqual(usersBodies())
    expect(JSON.parse(got[0].data)).toEqual(
      JSON.parse(fs.readFileSync('fixtures/users/batch-01.json', 'utf8')),
    )
    expect(got.every((m) => m.orderingKey === 'all')).toBe(true)
  })

  it('sets attributes from flags and from message fields, and the ordering key from a field', async () => {
    const { topic, sub } = await topicWithSubscription(true)
    const file = writeTmp(
      'attrs.jsonl',
      [
        { user: { id: 'u1' }, kind: 'signup', n: 1 },
        { user: { id: 'u2' }, kind: 'login', n: 2, tags: ['a'] },
        { user: {}, n: 3 },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    )
    const r = await publish({
      inputs: [file],
      topic,
      attributes: { source: 'backfill', env: 'test' },
      attributesFrom: [
        { key: 'kind', path: ['kind'] },
        { key: 'tags', path: ['tags'] },
      ],
      orderingKeyFrom: ['user', 'id'],
    })
    expect(r.published).toBe(3)
    const got = (await receive(sub, 3)).sort((a, b) => JSON.parse(a.data).n - JSON.parse(b.data).n)
    expect(got.map(({ attributes, orderingKey }) => ({ attributes, orderingKey }))).toEqual([
      { attributes: { source: 'backfill', env: 'test', kind: 'signup' }, orderingKey: 'u1' },
      { attributes: { source: 'backfill', env: 'test', kind: 'login', tags: '["a"]' }, orderingKey: 'u2' },
      { attributes: { source: 'backfill', env: 'test' }, orderingKey: '' },
    ])
  })

  it('keeps the order of messages with the same ordering key across many small batches', async () => {
    const { topic, sub } = await topicWithSubscription(true)
    const lines: string[] = []
    for (let i = 0; i < 600; i++) lines.push(JSON.stringify({ key: `k${i % 3}`, seq: Math.floor(i / 3) }))
    const file = writeTmp('ordered.jsonl', lines.join('\n'))
    const r = await publish({
      inputs: [file],
      topic,
      orderingKeyFrom: ['key'],
      batching: { maxMessages: 7 },
      maxOutstanding: 50,
      collectIds: true,
    })
    expect(r.published).toBe(600)
    // The emulator numbers messages as it accepts them: per key, input order must be accept order.
    const ids = (r.files[0].ids ?? []).map(Number)
    for (let k = 0; k < 3; k++) {
      const keyIds = ids.filter((_, i) => i % 3 === k)
      expect(keyIds, `k${k}`).toEqual([...keyIds].sort((a, b) => a - b))
    }
    const got = await receive(sub, 600)
    expect(got).toHaveLength(600)
    for (const k of ['k0', 'k1', 'k2']) {
      const seqs = got.filter((m) => m.orderingKey === k).map((m) => JSON.parse(m.data).seq)
      expect(seqs, k).toEqual(Array.from({ length: 200 }, (_, i) => i))
    }
  })

  it('delivers every unordered message under small batch limits, each with its id', async () => {
    const { topic, sub } = await topicWithSubscription()
    const lines = Array.from({ length: 250 }, (_, i) =>
      JSON.stringify({ i, pad: 'p'.repeat(i % 3 === 0 ? 600 : 10) }),
    )
    const file = writeTmp('batched.jsonl', lines.join('\n'))
    const r = await publish({
      inputs: [file],
      topic,
      batching: { maxMessages: 7, maxBytes: 500, maxMilliseconds: 1 },
      collectIds: true,
    })
    expect(r).toMatchObject({ published: 250, failed: 0 })
    const got = await receive(sub, 250)
    expect(got.map((m) => m.data).sort()).toEqual([...lines].sort())
    expect(new Set(got.map((m) => m.id))).toEqual(new Set(r.files[0].ids))
  })

  it('publishes nothing when any input is invalid, and reports each with file and line', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await publish({
      inputs: [
        'fixtures/users',
        'fixtures/publish/invalid-lines.jsonl',
        'fixtures/publish/two-documents.json',
      ],
      topic,
    })
    // 5 users messages, lines 1 and 3 of invalid-lines.jsonl, the first document of two-documents.json
    expect(r).toMatchObject({ validationFailed: true, published: 0, invalid: 3, messages: 8 })
    expect(r.errors.map((e) => `${path.basename(e.file)}:${e.line}`)).toEqual([
      'invalid-lines.jsonl:2',
      'invalid-lines.jsonl:4',
      'two-documents.json:2',
    ])
    expect(r.errors[0].reason).toMatch(/^invalid JSON/)
    // A sentinel published afterwards must be the only message on the subscription.
    await publish({ inputs: [writeTmp('sentinel.jsonl', '{"sentinel":true}\n')], topic })
    const got = await receive(sub, 1, 1000)
    expect(got.map((m) => m.data)).toEqual(['{"sentinel":true}'])
  })

  it('with skipInvalid publishes the valid messages and reports the invalid ones', async () => {
    const { topic, sub } = await topicWithSubscription()
    const r = await publish({ inputs: ['fixtures/publish/invalid-lines.jsonl'], topic, skipInvalid: true })
    expect(r).toMatchObject({ published: 2, invalid: 2, validationFailed: false })
    expect(r.errors.map((e) => e.line)).toEqual([2, 4])
    const got = await receive(sub, 2)
    expect(got.map((m) => JSON.parse(m.data).data[0].username).sort()).toEqual(['ok_1', 'ok_2'])
  })

  it('rejects messages over the attribute limits before sending anything', async () => {
    const { topic } = await topicWithSubscription()
    const file = writeTmp('limits.jsonl', `{"v":"${'x'.repeat(1100)}"}\n{"v":"short"}\n`)
    const r = await publish({ inputs: [file], topic, attributesFrom: [{ key: 'v', path: ['v'] }] })
    expect(r).toMatchObject({ validationFailed: true, invalid: 1, published: 0 })
    expect(r.errors[0]).toMatchObject({ line: 1, reason: expect.stringContaining('1100 bytes (limit 1024)') })
  })

  it('splits a top-level array into one message per element with --split', async () => {
    const { topic, sub } = await topicWithSubscription(true)
    const r = await publish({
      inputs: ['fixtures/publish/users-array.json'],
      topic,
      split: true,
      orderingKey: 'x',
    })
    expect(r.published).toBe(3)
    const got = await receive(sub, 3)
    expect(got.map((m) => m.data)).toEqual([
      '{"username":"s1","first_name":"S","follow":"s2"}',
      '{"username":"s2","first_name":"T","follow":["s1","s3"]}',
      '{"username":"s3","first_name":"U"}',
    ])
  })

  it('reports a truncated array under --split and publishes nothing', async () => {
    const { topic } = await topicWithSubscription()
    const r = await publish({ inputs: ['fixtures/publish/truncated-array.json'], topic, split: true })
    expect(r).toMatchObject({ validationFailed: true, invalid: 1, messages: 2 })
    expect(r.errors[0].reason).toMatch(/end of file/)
  })

  it('reads JSON lines from stdin, validating first without holding them', async () => {
    const { topic, sub } = await topicWithSubscription(true)
    const lines = Array.from({ length: 50 }, (_, i) => `{"i": ${i}}\n`)
    const r = await publish({ inputs: ['-'], topic, stdin: Readable.from(lines), orderingKey: 'k' })
    expect(r).toMatchObject({ published: 50, files: [{ file: 'stdin', published: 50 }] })
    const got = await receive(sub, 50)
    expect(got.map((m) => JSON.parse(m.data).i)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })

  it('refuses invalid stdin input as a whole', async () => {
    const { topic } = await topicWithSubscription()
    const r = await publish({ inputs: ['-'], topic, stdin: Readable.from(['{"a":1}\n', '{oops\n']) })
    expect(r).toMatchObject({ validationFailed: true, published: 0, errors: [{ file: 'stdin', line: 2 }] })
  })

  it('returns message ids in input order and writes them to an ids file', async () => {
    const { topic, sub } = await topicWithSubscription()
    const idsFile = path.join(tmp, 'ids.jsonl')
    const r = await publish({ inputs: ['fixtures/users'], topic, collectIds: true, idsFile })
    const ids = r.files.flatMap((f) => f.ids ?? [])
    expect(ids).toHaveLength(5)
    const fromFile = fs
      .readFileSync(idsFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; id: string })
    expect(fromFile.map((x) => x.id).sort()).toEqual([...ids].sort())
    expect(fromFile.find((x) => x.file.endsWith('batch-03.jsonl') && x.line === 3)?.id).toBe(
      r.files[2].ids?.[2],
    )
    const got = await receive(sub, 5)
    expect(got.map((m) => m.id).sort()).toEqual([...ids].sort())
  })

  it('counts a publish Pub/Sub refuses as failed, with file and line', async () => {
    const topic = emu.unique('gone')
    // stdin is validated in full before anything is sent, so the topic is deleted (and the deletion
    // awaited) between validation and publishing: NOT_FOUND is not retried
    async function* input(): AsyncGenerator<string> {
      yield '{"a":1}\n{"a":2}\n{"a":3}\n'
      await client.topic(topic).delete()
    }
    const r = await publish({ inputs: ['-'], topic, stdin: Readable.from(input()) })
    expect(r).toMatchObject({ published: 0, failed: 3, invalid: 0 })
    expect(r.errors).toEqual([1, 2, 3].map((line) => expect.objectContaining({ line, kind: 'failed' })))
    expect(r.errors[0].reason).toMatch(/NOT_FOUND/)
  })

  it('refuses a missing topic with createTopic: false', async () => {
    await expect(
      publish({ inputs: ['fixtures/users'], topic: emu.unique('nope'), createTopic: false }),
    ).rejects.toMatchObject({
      code: 'PUBSUB_TOPIC_NOT_FOUND',
    })
  })

  it('on abort stops reading, waits for what is in flight, and accounts for every message sent', async () => {
    const { topic, sub } = await topicWithSubscription()
    const file = writeTmp('many.jsonl', Array.from({ length: 20_000 }, (_, i) => `{"i":${i}}`).join('\n'))
    const ac = new AbortController()
    const r = await publish({
      inputs: [file, 'fixtures/users'],
      topic,
      signal: ac.signal,
      maxOutstanding: 100,
      progressIntervalMs: 0,
      onProgress: (p) => {
        if (p.phase === 'publishing' && p.published >= 500) ac.abort()
      },
    })
    expect(r.interrupted).toBe(true)
    expect(r.published).toBeGreaterThanOrEqual(500)
    // at most maxOutstanding (100) were in flight when it stopped, plus one batch of slack
    expect(r.published).toBeLessThan(1000)
    expect(r.published + r.failed).toBe(r.messages)
    expect(r.files.map((f) => f.complete)).toEqual([false, false, false, false])
    const got = await receive(sub, r.published)
    expect(got).toHaveLength(r.published)
  })
})
