/**
 * Shared pieces of the consume integration tests: seed-shaped message generation with the graph
 * it must produce, an exact comparison of that graph with the database, publishing, and running
 * the built CLI.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { PubSub, Topic } from '@google-cloud/pubsub'
import type { Database } from 'arangojs'
import { afterAll, expect } from 'vitest'

import { edgeKey } from '../../src/consume/batch.js'
import { createPubSubClient } from '../../src/pubsub/client.js'
import { prng } from '../helpers/prng.js'

export const ROOT = path.resolve(__dirname, '../..')
export const FIXTURES = path.join(ROOT, 'fixtures/consume')

export type Doc = Record<string, unknown>

export interface ExpectedGraph {
  users: Map<string, Doc>
  /** `from\tto` of every follow edge. */
  edges: Set<string>
}

export function emptyGraph(): ExpectedGraph {
  return { users: new Map(), edges: new Set() }
}

/** What the twitter mapping must produce, applied to one parsed message. */
export function applyTwitter(g: ExpectedGraph, message: { data: Doc[] }): void {
  for (const rec of message.data) {
    const key = String(rec.username)
    const { follow, ...attrs } = rec
    g.users.set(key, { ...(g.users.get(key) ?? {}), ...attrs, _key: key })
    const targets = follow === undefined ? [] : Array.isArray(follow) ? follow : [follow]
    for (const t of targets as string[]) {
      g.edges.add(`users/${key}\tusers/${t}`)
      if (!g.users.has(t)) g.users.set(t, { _key: t, username: t })
    }
  }
}

/**
 * `n` seed-shaped messages over a pool of users. Every message sets attributes no other message
 * sets, so the merged result is the same in any order (as with several consumers it must be).
 */
export function seedMessages(n: number, seed = 7): { messages: Doc[]; expected: ExpectedGraph } {
  const rand = prng(seed)
  const pool = Math.max(10, Math.floor(n / 10))
  const user = (hi: number) => `u${Math.floor(rand() * hi)}`
  const expected = emptyGraph()
  const messages: Doc[] = []
  for (let i = 0; i < n; i++) {
    const m = {
      message: 'success',
      data: [
        { username: user(pool * 0.8), [`a${i}`]: i, follow: user(pool) },
        { username: user(pool * 0.8), [`b${i}`]: `v${i}`, follow: [user(pool), user(pool)] },
      ],
    }
    applyTwitter(expected, m)
    messages.push(m)
  }
  return { messages, expected }
}

const strip = (d: Doc): Doc => {
  const { _id, _rev, ...rest } = d
  void _id
  void _rev
  return rest
}

async function fetchAll(db: Database, collection: string, keys: string[]): Promise<Map<string, Doc>> {
  const out = new Map<string, Doc>()
  for (let i = 0; i < keys.length; i += 1000) {
    const docs = (await db.collection(collection).documents(keys.slice(i, i + 1000))) as Doc[]
    for (const d of docs) if (d && typeof d._key === 'string' && !d.error) out.set(d._key, d)
  }
  return out
}

/** The database holds exactly the expected users and follow edges: nothing missing, nothing extra. */
export async function expectExactGraph(db: Database, expected: ExpectedGraph): Promise<void> {
  const users = await fetchAll(db, 'users', [...expected.users.keys()])
  const missing = [...expected.users.keys()].filter((k) => !users.has(k))
  expect(missing.slice(0, 10), `${missing.length} users missing`).toEqual([])
  for (const [k, want] of expected.users) expect(strip(users.get(k)!), `users/${k}`).toEqual(want)
  expect(
    await db
      .collection('users')
      .count()
      .then((c) => c.count),
  ).toBe(expected.users.size)

  const edgeKeys = new Map<string, string>()
  for (const e of expected.edges) {
    const [from, to] = e.split('\t')
    edgeKeys.set(edgeKey({ _from: from, _to: to }), e)
  }
  const edges = await fetchAll(db, 'follow', [...edgeKeys.keys()])
  const missingEdges = [...edgeKeys].filter(([k]) => !edges.has(k)).map(([, e]) => e)
  expect(missingEdges.slice(0, 10), `${missingEdges.length} edges missing`).toEqual([])
  for (const [k, e] of edgeKeys) expect(`${edges.get(k)!._from}\t${edges.get(k)!._to}`).toBe(e)
  expect(
    await db
      .collection('follow')
      .count()
      .then((c) => c.count),
  ).toBe(expected.edges.size)
}

/** The tests' own client, configured as graphpipe's (no credentials lookup, no MetadataLookupWarning). */
export function pubsubClient(host: string, projectId: string): PubSub {
  return createPubSubClient({ mode: 'emulator', host, projectId, label: host })
}

/** Publishes every message (JSON, or raw text for strings) and waits until all are accepted. */
export async function publishAll(
  topic: Topic,
  messages: (Doc | string)[],
  attributes?: Record<string, string>,
): Promise<string[]> {
  const ids: string[] = []
  const chunk = 2000
  for (let i = 0; i < messages.length; i += chunk) {
    const part = messages.slice(i, i + chunk)
    ids.push(
      ...(await Promise.all(
        part.map((m) =>
          topic.publishMessage({
            data: Buffer.from(typeof m === 'string' ? m : JSON.stringify(m)),
            attributes,
          }),
        ),
      )),
    )
  }
  return ids
}

export interface CliRun {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
}

/** Runs the built CLI (`node bin/run.js ...`); `npm run build` must have run (pretest does). */
export function runCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/run.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (err += d))
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, stdout: () => out, stderr: () => err, exit }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Resolves once a `--json` consumer has printed its start line (subscription open). */
export async function started(run: CliRun): Promise<void> {
  while (!/"type":"start"/.test(run.stdout())) {
    if (run.child.exitCode !== null)
      throw new Error(`consumer exited early:\n${run.stdout()}\n${run.stderr()}`)
    await sleep(50)
  }
}

/** The `{"type":"summary"}` line of a `--json` consumer. */
export function summaryOf(run: CliRun): { acked: number; windows: number; reason: string } | undefined {
  const line = run
    .stdout()
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.includes('"type":"summary"'))
  return line ? JSON.parse(line) : undefined
}

/**
 * Consumer processes and temp dirs of one test file, killed and removed after it. Consumers run
 * with `--json --window 500ms --grace 0s` against the file's emulator.
 */
export function useCli(emu: {
  env(): Record<string, string>
  unique(p: string): string
  host: string
  projectId: string
}) {
  const runs: CliRun[] = []
  const dirs: string[] = []
  let client: PubSub | undefined
  afterAll(async () => {
    for (const r of runs)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL')
    await client?.close()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })
  const pubsub = (): PubSub => (client ??= pubsubClient(emu.host, emu.projectId))
  return {
    pubsub,
    /** A fresh topic with a subscription on it (ack deadline in seconds). */
    async topicAndSub(ackDeadlineSeconds = 60): Promise<{ topic: Topic; sub: string }> {
      const [topic] = await pubsub().createTopic(emu.unique('t'))
      const sub = emu.unique('s')
      await topic.createSubscription(sub, { ackDeadlineSeconds })
      return { topic, sub }
    },
    consumer(sub: string, extra: string[], env: Record<string, string>): CliRun {
      const defaults = [
        ...(extra.includes('--window') ? [] : ['--window', '500ms']),
        ...(extra.includes('--grace') ? [] : ['--grace', '0s']),
      ]
      const run = runCli(['consume', '--subscription', sub, ...defaults, '--json', ...extra], {
        ...emu.env(),
        ...env,
      })
      runs.push(run)
      return run
    },
    /** Any other CLI process (e.g. `graphpipe server`), killed after the file too. */
    spawn(args: string[], env: Record<string, string> = {}): CliRun {
      const run = runCli(args, env)
      runs.push(run)
      return run
    },
    tmpDir(prefix: string): string {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
      dirs.push(d)
      return d
    },
  }
}

/**
 * Polls until the graph is exactly the expected one, then asserts it (the assertion's message on
 * timeout). Counts alone are no signal of the end: with a small user pool every user and most edges
 * exist long before the last redelivered messages (holding attributes no other message sets) land.
 */
export async function waitForExactGraph(
  db: Database,
  expected: ExpectedGraph,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const exact = await expectExactGraph(db, expected).then(
      () => true,
      () => false,
    )
    if (exact) return
    await sleep(500)
  }
  await expectExactGraph(db, expected)
}

export function requireBuild(): void {
  if (!fs.existsSync(path.join(ROOT, 'dist/commands/consume.js'))) {
    throw new Error('build first: `npm run build` (npm test does it in pretest)')
  }
}
