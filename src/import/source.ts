/** Opening an input: a path or `-` (stdin), gzip by `.gz` extension or magic bytes, bytes counted for progress. */
import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'

import { EXIT, GraphpipeError } from '../errors.js'
import type { InputType } from './types.js'

export interface OpenedInput {
  /** Decompressed bytes. */
  chunks: AsyncIterable<Buffer>
  /** Size on disk (compressed size for gzip); undefined for stdin and pipes. */
  totalBytes?: number
  /** Bytes read from disk so far (before decompression). */
  bytesRead(): number
  /**
   * With `hash`: SHA-256 (hex) of exactly the `bytesRead()` bytes read from disk so far (the
   * compressed bytes of a .gz), for resumable imports' checkpoints.
   */
  prefixHash?(): string
}

/** The hash resumable imports keep of the part of a file already read (see checkpoint.ts). */
export const PREFIX_HASH = 'sha256'

const EXTENSIONS: Record<string, InputType> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
}

function stripGz(file: string): string {
  return file.toLowerCase().endsWith('.gz') ? file.slice(0, -3) : file
}

/** The input type by extension (also under .gz); undefined when it cannot be told. */
export function typeFromName(file: string): InputType | undefined {
  return EXTENSIONS[path.extname(stripGz(file)).toLowerCase()]
}

/** Default collection: the base name without .gz and the type extension (`airports.csv.gz` -> `airports`). */
export function collectionFromName(file: string): string {
  const base = path.basename(stripGz(file))
  const ext = path.extname(base)
  return EXTENSIONS[ext.toLowerCase()] ? base.slice(0, -ext.length) : base
}

/** Fail early, before connecting, when a named input cannot be read. */
export async function checkReadable(file: string): Promise<number | undefined> {
  if (file === '-') return undefined
  try {
    const st = await stat(file)
    if (st.isDirectory()) throw new GraphpipeError('IMPORT_FILE', `${file}: is a directory`, EXIT.USAGE)
    return st.isFile() ? st.size : undefined
  } catch (err) {
    if (err instanceof GraphpipeError) throw err
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)
    throw new GraphpipeError('IMPORT_FILE', `${file}: ${why}`, EXIT.USAGE)
  }
}

export async function openInput(
  file: string,
  stdin: NodeJS.ReadableStream = process.stdin,
  opts: { hash?: boolean } = {},
): Promise<OpenedInput> {
  const totalBytes = await checkReadable(file)
  const hash: Hash | undefined = opts.hash ? createHash(PREFIX_HASH) : undefined
  const raw: NodeJS.ReadableStream = file === '-' ? stdin : createReadStream(file, { highWaterMark: 1 << 18 })
  let bytes = 0
  const it = (raw as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  const first = await it.next().catch((err: unknown) => {
    throw new GraphpipeError('IMPORT_FILE', `${file}: ${(err as Error).message}`)
  })
  const firstChunk = first.done ? undefined : toBuffer(first.value)
  const gzip =
    file.toLowerCase().endsWith('.gz') ||
    (firstChunk !== undefined && firstChunk.length >= 2 && firstChunk[0] === 0x1f && firstChunk[1] === 0x8b)

  async function* replay(): AsyncGenerator<Buffer> {
    if (firstChunk) {
      bytes += firstChunk.length
      hash?.update(firstChunk)
      yield firstChunk
    }
    for (;;) {
      const next = await it.next()
      if (next.done) return
      const b = toBuffer(next.value)
      bytes += b.length
      hash?.update(b)
      yield b
    }
  }

  let chunks: AsyncIterable<Buffer> = replay()
  if (gzip) {
    const gunzip = createGunzip({ chunkSize: 1 << 18 })
    const out = pipeline(Readable.from(replay(), { objectMode: false }), gunzip, () => {})
    chunks = wrapGzipErrors(out as unknown as AsyncIterable<Buffer>, file)
  }
  return {
    chunks,
    totalBytes,
    bytesRead: () => bytes,
    ...(hash ? { prefixHash: () => hash.copy().digest('hex') } : {}),
  }
}

async function* wrapGzipErrors(src: AsyncIterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  try {
    for await (const c of src) yield c
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const what = e.code?.startsWith('Z_') || e.code === 'ERR_PADDING_1' ? 'broken gzip stream' : 'read error'
    throw new GraphpipeError('IMPORT_GZIP', `${file}: ${what}: ${e.message}`)
  }
}

function toBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : v
}
