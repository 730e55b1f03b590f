/**
 * What to publish: files, directories (their .json/.jsonl/.ndjson files in name order) and stdin,
 * each read as a stream of message texts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { addAbortSignal, Readable, type Writable } from 'node:stream'

import { EXIT, GraphpipeError } from '../errors.js'
import { LIMITS } from './message.js'
import { JsonSplitter, LineSplitter, type Piece } from './split.js'

export interface Source {
  /** What the user sees in reports: the path as given (joined for directory entries), or `stdin`. */
  display: string
  /** File path, or `-` for stdin. */
  path: string
  /** `json`: one document per file (or per array element with --split); `jsonl`: one per line. */
  kind: 'json' | 'jsonl'
}

const KINDS: Record<string, Source['kind']> = { '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' }

/**
 * Raw bytes held for one message at most. Larger than the 10 MB limit so a pretty-printed document
 * that compacts below it still passes; the exact check is on the compact text.
 */
export const RAW_VALUE_CAP = 4 * LIMITS.messageBytes

function usage(code: string, message: string): GraphpipeError {
  return new GraphpipeError(code, message, EXIT.USAGE)
}

/** Resolve arguments to sources, failing (usage error) on anything unreadable or unsupported. */
export function expandInputs(inputs: string[]): Source[] {
  if (inputs.length === 0)
    throw usage('PUBLISH_NO_INPUT', 'nothing to publish: give files, directories or - for stdin')
  const sources: Source[] = []
  let stdin = false
  for (const input of inputs) {
    if (input === '-') {
      if (stdin) throw usage('PUBLISH_STDIN_TWICE', '- (stdin) can be given only once')
      stdin = true
      sources.push({ display: 'stdin', path: '-', kind: 'jsonl' })
      continue
    }
    let st: fs.Stats
    try {
      st = fs.statSync(input)
    } catch (err) {
      throw usage(
        'PUBLISH_FILE_NOT_FOUND',
        `${input}: ${(err as NodeJS.ErrnoException).code ?? 'cannot read'}`,
      )
    }
    if (st.isDirectory()) {
      const names = fs
        .readdirSync(input)
        .filter((n) => KINDS[path.extname(n).toLowerCase()] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      const files = names
        .map((n) => path.join(input, n))
        .filter((p) => {
          try {
            return fs.statSync(p).isFile()
          } catch {
            return false
          }
        })
      if (files.length === 0)
        throw usage('PUBLISH_EMPTY_DIR', `${input}: no .json, .jsonl or .ndjson files in it`)
      for (const f of files) sources.push({ display: f, path: f, kind: KINDS[path.extname(f).toLowerCase()] })
      continue
    }
    const kind = KINDS[path.extname(input).toLowerCase()]
    if (!kind) {
      throw usage(
        'PUBLISH_FILE_TYPE',
        `${input}: unsupported file type (use .json, .jsonl or .ndjson, or - for JSON lines on stdin)`,
      )
    }
    sources.push({ display: input, path: input, kind })
  }
  return sources
}

export interface ReadOptions {
  /** --split: a .json file's top-level array is one message per element. */
  split: boolean
  /** The stream for `-` (default process.stdin). */
  stdin?: Readable
  /** Read this file instead of the source's path (a spooled copy of stdin). */
  from?: string
  /** Copy every chunk read here (spooling stdin for a second pass). */
  tee?: Writable
  /** Stop reading when aborted. */
  signal?: AbortSignal
  /** Read only the first `length` bytes (what an earlier pass validated). */
  length?: number
}

/** What identifies a file's content between the validation pass and the publishing pass. */
export interface Fingerprint {
  size: number
  mtimeMs: number
  ino: number
}

export function fingerprint(file: string): Fingerprint | undefined {
  try {
    const st = fs.statSync(file)
    return st.isFile() ? { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino } : undefined
  } catch {
    return undefined
  }
}

export function sameFingerprint(a: Fingerprint | undefined, b: Fingerprint | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino
}

async function write(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve))
}

/** The pieces of one source, a chunk's worth at a time; memory is one chunk plus one message. */
export async function* readPieces(source: Source, opts: ReadOptions): AsyncGenerator<Piece[]> {
  const splitter =
    source.kind === 'jsonl'
      ? new LineSplitter(RAW_VALUE_CAP, LIMITS.messageBytes)
      : new JsonSplitter(opts.split ? 'array' : 'single', RAW_VALUE_CAP, LIMITS.messageBytes)
  const file = opts.from ?? (source.path === '-' ? undefined : source.path)
  const stream: Readable = file
    ? opts.length === 0
      ? Readable.from([])
      : fs.createReadStream(file, {
          highWaterMark: 1 << 20,
          end: opts.length === undefined ? undefined : opts.length - 1,
        })
    : (opts.stdin ?? process.stdin)
  // Abort destroys the stream, so a read blocked on a quiet stdin ends at once.
  if (opts.signal) addAbortSignal(opts.signal, stream)
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
      if (opts.tee) await write(opts.tee, buf)
      const pieces = splitter.push(buf)
      if (pieces.length) yield pieces
      if (opts.signal?.aborted) return
    }
    const last = splitter.end()
    if (last.length) yield last
  } catch (err) {
    if (opts.signal?.aborted) return
    if (err instanceof GraphpipeError) throw err
    throw new GraphpipeError('PUBLISH_READ', `${source.display}: ${(err as Error).message}`)
  } finally {
    if (file) stream.destroy()
  }
}
