import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

import { checkReadable, collectionFromName, openInput, typeFromName } from '../../src/import/source.js'

async function text(chunks: AsyncIterable<Buffer>): Promise<string> {
  let s = ''
  for await (const c of chunks) s += c.toString()
  return s
}

describe('import inputs', () => {
  it('tells the type by extension, also under .gz, and names the collection after the file', () => {
    expect(
      ['a.csv', 'a.TSV', 'a.json', 'a.jsonl', 'a.ndjson', 'a.csv.gz', 'a.txt'].map(typeFromName),
    ).toEqual(['csv', 'tsv', 'json', 'jsonl', 'jsonl', 'csv', undefined])
    expect(collectionFromName('/data/airports.csv.gz')).toBe('airports')
    expect(collectionFromName('flights.csv')).toBe('flights')
  })

  it('recognises gzip on stdin by its magic bytes and counts the compressed bytes read', async () => {
    const gz = gzipSync(Buffer.from('a,b\n1,2\n'))
    const input = await openInput('-', Readable.from([gz.subarray(0, 5), gz.subarray(5)]))
    expect(await text(input.chunks)).toBe('a,b\n1,2\n')
    expect(input.bytesRead()).toBe(gz.length)
    expect(input.totalBytes).toBeUndefined()
  })

  it('passes plain stdin through unchanged', async () => {
    const input = await openInput('-', Readable.from([Buffer.from('{"a":1}\n')]))
    expect(await text(input.chunks)).toBe('{"a":1}\n')
  })

  it('says "no such file" for a missing input, as a usage error', async () => {
    await expect(checkReadable('fixtures/nope.csv')).rejects.toMatchObject({
      message: 'fixtures/nope.csv: no such file',
      exitCode: 2,
    })
    await expect(checkReadable('fixtures')).rejects.toThrow(/is a directory/)
    expect(await checkReadable('fixtures/airports.csv')).toBeGreaterThan(1000)
  })
})
