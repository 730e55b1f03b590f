/**
 * `graphpipe publish` core: read sources, validate, publish through the client library's batching
 * publisher with flow control, and account for every message.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'

import { v1, type PubSub, type Topic } from '@google-cloud/pubsub'

import { DEFAULTS } from '../config/defaults.js'
import { ensureTopic, pubsubError } from '../pubsub/admin.js'
import { DirectPublisher } from './direct.js'
import { prepareMessage, type MessageOptions, type PreparedMessage } from './message.js'
import { expandInputs, fingerprint, readPieces, sameFingerprint, type Fingerprint } from './sources.js'

export interface BatchingOptions {
  maxMessages?: number
  maxBytes?: number
  maxMilliseconds?: number
}

export interface PublishOptions extends MessageOptions {
  /** Files, directories, `-` for stdin. */
  inputs: string[]
  /** Short name or projects/P/topics/T. */
  topic: string
  /** Create the topic when missing (default true; --no-create-topic). */
  createTopic?: boolean
  /** --split: a .json file's top-level array is one message per element. */
  split?: boolean
  /** Publish the valid messages and report the invalid ones, instead of validating everything first. */
  skipInvalid?: boolean
  /** Publisher batching; the client library's defaults otherwise. */
  batching?: BatchingOptions
  /** Never more than this many messages in flight. */
  maxOutstanding?: number
  /** Never more than this many bytes in flight. */
  maxOutstandingBytes?: number
  /** Put message ids in the result (per file, in input order). */
  collectIds?: boolean
  /** Write `{"file","line","id"}` lines here as messages are acknowledged. */
  idsFile?: string
  /** Abort (SIGINT): stop reading, wait for what is in flight, report. */
  signal?: AbortSignal
  /** The stream behind `-` (default process.stdin). */
  stdin?: Readable
  /** Called at most every `progressIntervalMs` and at the end of each phase. */
  onProgress?: (p: PublishProgress) => void
  progressIntervalMs?: number
  /** How many rejected messages to list in the result (all are counted). */
  errorsShown?: number
}

export interface PublishProgress {
  phase: 'validating' | 'publishing'
  /** Messages read and valid so far in this phase. */
  messages: number
  published: number
  failed: number
  invalid: number
  bytes: number
  elapsedMs: number
}

export interface FileResult {
  file: string
  /** Valid messages read from the file. */
  messages: number
  published: number
  invalid: number
  failed: number
  /** False when the file was not read to its end (interrupted, or a structural error). */
  complete: boolean
  /** Message ids in input order (with collectIds). */
  ids?: string[]
}

export interface Rejected {
  file: string
  line: number
  reason: string
  /** `invalid`: the input; `failed`: Pub/Sub refused it after retries. */
  kind: 'invalid' | 'failed'
}

export interface PublishResult {
  topic: string
  /** Valid messages read in the publishing pass (or in validation, when nothing was sent). */
  messages: number
  published: number
  invalid: number
  failed: number
  /** Data bytes published (compact JSON bodies). */
  bytes: number
  elapsedMs: number
  messagesPerSecond: number
  /** Nothing was published because validation found invalid input. */
  validationFailed: boolean
  interrupted: boolean
  files: FileResult[]
  /** The first `errorsShown` rejected messages. */
  errors: Rejected[]
  idsFile?: string
}

/** Counts messages and bytes in flight and makes the reader wait when either limit is reached. */
class Gate {
  private count = 0
  private bytes = 0
  private waiter: (() => void) | undefined

  constructor(
    private readonly maxCount: number,
    private readonly maxBytes: number,
  ) {}

  full(size: number): boolean {
    return this.count >= this.maxCount || (this.count > 0 && this.bytes + size > this.maxBytes)
  }

  async wait(size: number): Promise<void> {
    while (this.full(size)) await new Promise<void>((r) => (this.waiter = r))
  }

  take(size: number): void {
    this.count++
    this.bytes += size
  }

  release(size: number): void {
    this.count--
    this.bytes -= size
    const w = this.waiter
    this.waiter = undefined
    w?.()
  }

  async drain(): Promise<void> {
    while (this.count > 0) await new Promise<void>((r) => (this.waiter = r))
  }
}

function fileResult(file: string): FileResult {
  return { file, messages: 0, published: 0, invalid: 0, failed: 0, complete: false }
}

/** Publish every message of `options.inputs` to the topic. Throws GraphpipeError for usage and connection errors. */
export async function publishFiles(client: PubSub, options: PublishOptions): Promise<PublishResult> {
  const started = Date.now()
  const sources = expandInputs(options.inputs)
  const errorsShown = options.errorsShown ?? DEFAULTS.publish.errorsShown
  const interval = options.progressIntervalMs ?? DEFAULTS.publish.progressIntervalMs
  const signal = options.signal
  const files = sources.map((s) => fileResult(s.display))
  const errors: Rejected[] = []
  const totals = { messages: 0, published: 0, invalid: 0, failed: 0, bytes: 0 }
  let lastProgress = 0
  let phase: PublishProgress['phase'] = 'validating'
  const progress = (force = false): void => {
    if (!options.onProgress) return
    const now = Date.now()
    if (!force && now - lastProgress < interval) return
    lastProgress = now
    options.onProgress({ phase, ...totals, elapsedMs: now - started })
  }
  const reject = (file: FileResult, line: number, reason: string, kind: Rejected['kind']): void => {
    if (kind === 'invalid') {
      file.invalid++
      totals.invalid++
    } else {
      file.failed++
      totals.failed++
    }
    if (errors.length < errorsShown) errors.push({ file: file.file, line, reason, kind })
  }

  // The topic first: a wrong project, missing credentials or --no-create-topic show at once.
  const ordering = options.orderingKey !== undefined || options.orderingKeyFrom !== undefined
  const topicRef = await ensureTopic(client, options.topic, { create: options.createTopic !== false })
  const topic: Topic = client.topic(topicRef.name, {
    messageOrdering: ordering,
    ...(options.batching ? { batching: definedOnly(options.batching) } : {}),
  })

  const result = (extra: Partial<PublishResult>): PublishResult => {
    const elapsedMs = Date.now() - started
    return {
      topic: topic.name,
      ...totals,
      elapsedMs,
      messagesPerSecond: elapsedMs > 0 ? Math.round((totals.published * 1000) / elapsedMs) : 0,
      validationFailed: false,
      interrupted: Boolean(signal?.aborted),
      files,
      errors,
      ...extra,
    }
  }

  // Stdin can be read once: spool it to a temporary file during validation for the second pass.
  let spool: { dir: string; file: string } | undefined
  let gapic: v1.PublisherClient | undefined
  const validated: Array<Fingerprint | undefined> = []
  try {
    if (!options.skipInvalid) {
      const stdinSource = sources.find((s) => s.path === '-')
      if (stdinSource) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphpipe-publish-'))
        spool = { dir, file: path.join(dir, 'stdin.jsonl') }
      }
      for (let i = 0; i < sources.length && !signal?.aborted; i++) {
        const source = sources[i]
        const tee = source.path === '-' && spool ? fs.createWriteStream(spool.file) : undefined
        const before = source.path === '-' ? undefined : fingerprint(source.path)
        try {
          for await (const pieces of readPieces(source, {
            split: Boolean(options.split),
            stdin: options.stdin,
            tee,
            signal,
          })) {
            for (const piece of pieces) {
              if ('error' in piece) {
                reject(files[i], piece.line, piece.error, 'invalid')
                continue
              }
              const prepared = prepareMessage(piece.raw, options)
              if (prepared.ok) {
                files[i].messages++
                totals.messages++
              } else reject(files[i], piece.line, prepared.reason, 'invalid')
            }
            progress()
          }
        } finally {
          if (tee) await new Promise<void>((resolve) => tee.end(resolve))
        }
        // Unchanged while validated: the publishing pass may trust these bytes (and only these).
        if (tee && spool) validated[i] = fingerprint(spool.file)
        else if (sameFingerprint(before, fingerprint(source.path))) validated[i] = before
      }
      progress(true)
      if (totals.invalid > 0 || signal?.aborted) {
        return result({ validationFailed: totals.invalid > 0 })
      }
      for (const f of files) {
        f.messages = 0
      }
      totals.messages = 0
    }

    phase = 'publishing'
    // Unordered messages: our own batches with the Publisher's resolved limits (see direct.ts).
    let direct: DirectPublisher | undefined
    if (!ordering) {
      // the same options the library gives its own generated clients (endpoint, credentials)
      gapic = new v1.PublisherClient(
        (await client.getClientConfig()) as ConstructorParameters<typeof v1.PublisherClient>[0],
      )
      const b = topic.publisher.settings.batching ?? {}
      const d = DEFAULTS.publish.batching
      direct = new DirectPublisher(gapic, topic.name, {
        maxMessages: b.maxMessages ?? d.maxMessages,
        maxBytes: b.maxBytes ?? d.maxBytes,
        maxMilliseconds: b.maxMilliseconds ?? d.maxMilliseconds,
      })
    }
    const gate = new Gate(
      options.maxOutstanding ?? DEFAULTS.publish.maxOutstanding,
      options.maxOutstandingBytes ?? DEFAULTS.publish.maxOutstandingBytes,
    )
    const ids = options.idsFile ? fs.createWriteStream(options.idsFile) : undefined
    let idsError: Error | undefined
    ids?.on('error', (e) => (idsError = e))
    const send = (file: FileResult, line: number, msg: PreparedMessage): void => {
      const seq = file.messages++
      totals.messages++
      gate.take(msg.size)
      // Callbacks, not a promise per message: that shows at tens of thousands per second.
      const done = (err: Error | null | undefined, id?: string | null): void => {
        if (err) {
          reject(file, line, pubsubError(err, 'publish').message.replace(/^publish: /, ''), 'failed')
        } else {
          file.published++
          totals.published++
          totals.bytes += msg.data.length
          if (options.collectIds) (file.ids ??= [])[seq] = id ?? ''
          ids?.write(`${JSON.stringify({ file: file.file, line, id })}\n`)
        }
        gate.release(msg.size)
      }
      if (direct) direct.publish({ data: msg.data, attributes: msg.attributes }, msg.size, done)
      else
        topic.publishMessage(
          { data: msg.data, attributes: msg.attributes, orderingKey: msg.orderingKey },
          done,
        )
    }

    try {
      outer: for (let i = 0; i < sources.length; i++) {
        const source = sources[i]
        const file = files[i]
        if (options.collectIds) file.ids = []
        const from = source.path === '-' && spool ? spool.file : undefined
        const trusted = sameFingerprint(validated[i], fingerprint(from ?? source.path))
        for await (const pieces of readPieces(source, {
          split: Boolean(options.split),
          stdin: options.stdin,
          from,
          signal,
          length: trusted ? validated[i]?.size : undefined,
        })) {
          for (const piece of pieces) {
            if (signal?.aborted) break outer
            if ('error' in piece) {
              reject(file, piece.line, piece.error, 'invalid')
              continue
            }
            const prepared = prepareMessage(piece.raw, options, trusted)
            if (!prepared.ok) {
              reject(file, piece.line, prepared.reason, 'invalid')
              continue
            }
            if (gate.full(prepared.message.size)) await gate.wait(prepared.message.size)
            send(file, piece.line, prepared.message)
            if ((totals.messages & 0xff) === 0) progress()
          }
          if (signal?.aborted) break outer
        }
        file.complete = true
      }
    } finally {
      // Whatever happened, what is in flight is sent and accounted for. With ordering keys the
      // batch timers send the rest, never topic.flush(): in @google-cloud/pubsub 5,
      // OrderedQueue.publishDrain() sends a key's next batch while its previous one is still in
      // flight, which reorders that key's messages (seen against the emulator, in message-queues.js).
      direct?.flush()
      await gate.drain()
      if (ids) await new Promise<void>((resolve) => ids.end(resolve))
    }
    progress(true)
    if (idsError) throw pubsubError(idsError, `writing ${options.idsFile}`)
    return result({ idsFile: options.idsFile })
  } finally {
    if (spool) fs.rmSync(spool.dir, { recursive: true, force: true })
    await gapic?.close().catch(() => undefined)
  }
}

function definedOnly(b: BatchingOptions): BatchingOptions {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as BatchingOptions
}
