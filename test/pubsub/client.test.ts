import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { clientConfig, resolvePubSubTarget } from '../../src/pubsub/client.js'
import { subscriptionPath, topicPath } from '../../src/pubsub/names.js'

describe('resolvePubSubTarget', () => {
  it('prefers --emulator over PUBSUB_EMULATOR_HOST and credentials', () => {
    const t = resolvePubSubTarget(
      { emulator: 'localhost:9999', project: 'p1' },
      { PUBSUB_EMULATOR_HOST: 'localhost:1', GOOGLE_APPLICATION_CREDENTIALS: '/nope.json' },
    )
    expect(t).toMatchObject({ mode: 'emulator', host: 'localhost:9999', projectId: 'p1' })
  })

  it('uses PUBSUB_EMULATOR_HOST and GOOGLE_CLOUD_PROJECT from the environment', () => {
    const t = resolvePubSubTarget(
      {},
      { PUBSUB_EMULATOR_HOST: '127.0.0.1:8085', GOOGLE_CLOUD_PROJECT: 'envp' },
    )
    expect(t).toMatchObject({ mode: 'emulator', host: '127.0.0.1:8085', projectId: 'envp' })
  })

  it('gives the emulator a default project id when none is configured', () => {
    const t = resolvePubSubTarget({ emulator: 'localhost:8085' }, {})
    expect(t.projectId).toBe('graphpipe')
  })

  it('rejects an emulator address without a port as a usage error', () => {
    expect(() => resolvePubSubTarget({ emulator: 'localhost' }, {})).toThrow(
      expect.objectContaining({ code: 'PUBSUB_BAD_EMULATOR', exitCode: 2 }),
    )
  })

  it('says how to point at the emulator or GCP when nothing is configured', () => {
    expect(() => resolvePubSubTarget({}, {})).toThrow(
      expect.objectContaining({
        code: 'PUBSUB_NOT_CONFIGURED',
        exitCode: 2,
        message: expect.stringMatching(
          /--emulator HOST:PORT.*PUBSUB_EMULATOR_HOST.*--project.*GOOGLE_CLOUD_PROJECT/,
        ),
      }),
    )
  })

  it('takes the project id from the key file when no project is given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-key-'))
    const key = path.join(dir, 'key.json')
    fs.writeFileSync(key, JSON.stringify({ type: 'service_account', project_id: 'from-key' }))
    const t = resolvePubSubTarget({ 'key-file': key }, {})
    expect(t).toMatchObject({ mode: 'gcp', projectId: 'from-key', keyFile: key })
    expect(clientConfig(t)).toEqual({ projectId: 'from-key', keyFilename: key })
    fs.rmSync(dir, { recursive: true })
  })

  it('reports an unreadable key file with its path', () => {
    expect(() => resolvePubSubTarget({ 'key-file': '/no/such/key.json' }, {})).toThrow(
      /--key-file: cannot read \/no\/such\/key.json \(ENOENT\)/,
    )
  })

  it('uses application default credentials for a bare --project', () => {
    const t = resolvePubSubTarget({ project: 'p' }, {})
    expect(t).toMatchObject({ mode: 'gcp', projectId: 'p', keyFile: undefined })
  })

  it('configures the emulator client without any credentials lookup', () => {
    const cfg = clientConfig({ mode: 'emulator', host: 'localhost:1', projectId: 'p', label: '' })
    expect(cfg).toMatchObject({ apiEndpoint: 'localhost:1', projectId: 'p', emulatorMode: true })
    expect(cfg.universeDomain).toBe('googleapis.com')
  })
})

describe('topic and subscription names', () => {
  it('expands a short name in the configured project', () => {
    expect(topicPath('users', 'p')).toBe('projects/p/topics/users')
    expect(subscriptionPath('users-sub', 'p')).toBe('projects/p/subscriptions/users-sub')
  })

  it('keeps a full path, including another project', () => {
    expect(topicPath('projects/other/topics/users', 'p')).toBe('projects/other/topics/users')
  })

  it('rejects a subscription path given as a topic', () => {
    expect(() => topicPath('projects/p/subscriptions/s', 'p')).toThrow(/names subscriptions, not topics/)
  })

  it('rejects names Pub/Sub would refuse', () => {
    for (const bad of ['ab', '1users', 'goog-users', 'a b c', 'x/y']) {
      expect(() => topicPath(bad, 'p'), bad).toThrow(expect.objectContaining({ exitCode: 2 }))
    }
  })
})
