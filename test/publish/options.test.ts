import { describe, expect, it } from 'vitest'

import { optionsFromFlags, type PublishFlagValues } from '../../src/publish/options.js'
import { rejectedLines, summary } from '../../src/publish/render.js'
import type { PublishResult } from '../../src/publish/publish.js'

const base: PublishFlagValues = { topic: 'users', 'create-topic': true, split: false, 'skip-invalid': false }

describe('optionsFromFlags', () => {
  it('maps every flag to its option', () => {
    const o = optionsFromFlags(['a.jsonl'], {
      ...base,
      'create-topic': false,
      split: true,
      'skip-invalid': true,
      attribute: ['source=backfill', 'eq=a=b'],
      'attribute-from': ['user=data.0.username'],
      'ordering-key-from': 'data.0.username',
      'batch-max-messages': 50,
      'batch-max-ms': 5,
      'max-outstanding': 10,
      'ids-file': 'ids.jsonl',
    })
    expect(o).toMatchObject({
      inputs: ['a.jsonl'],
      topic: 'users',
      createTopic: false,
      split: true,
      skipInvalid: true,
      attributes: { source: 'backfill', eq: 'a=b' },
      attributesFrom: [{ key: 'user', path: ['data', '0', 'username'] }],
      orderingKeyFrom: ['data', '0', 'username'],
      batching: { maxMessages: 50, maxBytes: undefined, maxMilliseconds: 5 },
      maxOutstanding: 10,
      idsFile: 'ids.jsonl',
    })
  })

  it('leaves batching to the client library when no batching flag is given', () => {
    expect(optionsFromFlags(['a.json'], base).batching).toBeUndefined()
  })

  it('refuses malformed KEY=VALUE, both ordering flags, and an empty ordering key (exit 2)', () => {
    const usage = expect.objectContaining({ exitCode: 2 })
    expect(() => optionsFromFlags([], { ...base, attribute: ['novalue'] })).toThrow(usage)
    expect(() => optionsFromFlags([], { ...base, attribute: ['=v'] })).toThrow(usage)
    expect(() => optionsFromFlags([], { ...base, 'attribute-from': ['k=a..b'] })).toThrow(usage)
    expect(() => optionsFromFlags([], { ...base, 'ordering-key': 'a', 'ordering-key-from': 'b' })).toThrow(
      usage,
    )
    expect(() => optionsFromFlags([], { ...base, 'ordering-key': '' })).toThrow(usage)
  })
})

describe('summary lines', () => {
  const result = (extra: Partial<PublishResult>): PublishResult => ({
    topic: 'projects/p/topics/t',
    messages: 0,
    published: 0,
    invalid: 0,
    failed: 0,
    bytes: 0,
    elapsedMs: 1500,
    messagesPerSecond: 0,
    validationFailed: false,
    interrupted: false,
    files: [],
    errors: [],
    ...extra,
  })

  it('says how many were published, how much, where, and how fast', () => {
    expect(summary(result({ published: 1234, bytes: 350_000, messagesPerSecond: 823 }))).toBe(
      'published 1,234 messages (350 kB) to projects/p/topics/t in 1.5 s, 823 msg/s',
    )
  })

  it('says nothing was published when validation failed, and how to go on', () => {
    expect(summary(result({ validationFailed: true, invalid: 2, messages: 10 }))).toBe(
      'nothing published: 2 invalid messages (10 valid) in 1.5 s; fix the input or pass --skip-invalid',
    )
  })

  it('names the files not read to the end when interrupted', () => {
    const r = result({
      interrupted: true,
      published: 3,
      files: [
        { file: 'a.jsonl', messages: 3, published: 3, invalid: 0, failed: 0, complete: true },
        { file: 'b.jsonl', messages: 0, published: 0, invalid: 0, failed: 0, complete: false },
      ],
    })
    expect(summary(r)).toMatch(/interrupted: not read b\.jsonl to the end$/)
  })

  it('lists rejected messages as file:line: reason, and how many more there were', () => {
    const r = result({
      invalid: 5,
      failed: 1,
      errors: [
        { file: 'a.jsonl', line: 2, reason: 'invalid JSON: x', kind: 'invalid' },
        { file: 'a.jsonl', line: 9, reason: 'Pub/Sub unavailable', kind: 'failed' },
      ],
    })
    expect(rejectedLines(r)).toEqual([
      'a.jsonl:2: invalid JSON: x',
      'a.jsonl:9: publish failed: Pub/Sub unavailable',
      '... and 4 more rejected',
    ])
  })
})
