import { describe, expect, it } from 'vitest'

import { fileSummary, progressLine, rejectedLines } from '../../src/import/render.js'
import type { FileResult, ImportResult } from '../../src/import/types.js'
import { BatchWriter, mapDetails, toDocBytes, type BatchOutcome } from '../../src/import/writer.js'
import type { DocumentCollection } from 'arangojs/collections'

describe('mapping ArangoDB import details back to input lines', () => {
  const texts = ['{"_key":"a"}', '{"_key":"b"}', '{"_key":"c"}']
  const lines = [10, 12, 15]
  const textAt = (i: number) => texts[i]

  it('reads "at position N" as the 0-based line of a type=documents body (conformance RestImportJsonUniqueContinue)', () => {
    const d = [
      `at position 1: creating document failed with error 'unique constraint violated', offending document: {"_key":"b"}`,
    ]
    expect(mapDetails(d, lines, textAt, 1)).toEqual([
      { line: 12, reason: "creating document failed with error 'unique constraint violated'" },
    ])
  })

  it('uses the quoted offending document to correct a server that counts from 1', () => {
    const d = [`at position 3: missing '_from' or '_to' attribute, offending document: {"_key":"c"}`]
    expect(mapDetails(d, lines, textAt, 1)).toEqual([
      { line: 15, reason: "missing '_from' or '_to' attribute" },
    ])
  })

  it('still gives one rejected row per error when the server sends fewer details', () => {
    expect(mapDetails([], lines, textAt, 2)).toEqual([
      { line: 0, reason: 'rejected by the server (no details)' },
      { line: 0, reason: 'rejected by the server (no details)' },
    ])
  })
})

describe('BatchWriter', () => {
  it('cuts byte ranges of documents into batches of exactly batch-size documents, lines kept', async () => {
    const sent: { body: string; lines: number[] }[] = []
    // a stand-in for the server's import endpoint that records what it receives
    const collection = {
      import: async (body: Buffer) => {
        const docs = body.toString().split('\n')
        sent.push({ body: body.toString(), lines: [] })
        return { error: false, created: docs.length, errors: 0, empty: 0, updated: 0, ignored: 0 }
      },
    } as unknown as DocumentCollection
    const outcomes: BatchOutcome[] = []
    const w = new BatchWriter(collection, {
      batchSize: 3,
      concurrency: 2,
      onDuplicate: 'error',
      onBatch: (o) => outcomes.push(o),
    })
    const texts = ['{"k":"ä"}', '{"k":2}', '{"k":"ü€"}', '{"k":4}', '{"k":5}']
    const docs = toDocBytes([1, 2, 3, 4, 5], texts)
    await w.add(docs, 0, 2)
    await w.add(docs, 2, 5)
    await w.add(toDocBytes([9], ['{"k":9}']))
    await w.close()
    expect(sent.map((s) => s.body)).toEqual([
      texts.slice(0, 3).join('\n'),
      [...texts.slice(3), '{"k":9}'].join('\n'),
    ])
    expect(outcomes.reduce((n, o) => n + o.created, 0)).toBe(6)
  })

  it('also ends a request before its body passes batchBytes, with one document at least, and maps rejected lines in each', async () => {
    const sent: string[] = []
    const collection = {
      import: async (body: Buffer) => {
        sent.push(body.toString())
        // the second document of each request is rejected, at position 1 (0-based)
        const n = body.toString().split('\n').length
        return {
          error: false,
          created: n - (n > 1 ? 1 : 0),
          errors: n > 1 ? 1 : 0,
          empty: 0,
          updated: 0,
          ignored: 0,
          details: n > 1 ? ['at position 1: bad'] : [],
        }
      },
    } as unknown as DocumentCollection
    const rejected: number[] = []
    const w = new BatchWriter(collection, {
      batchSize: 100,
      batchBytes: 20,
      concurrency: 1,
      onDuplicate: 'error',
      onBatch: (o) => rejected.push(...o.rejected.map((r) => r.line)),
    })
    // 7-byte documents: two and the joining newline make 15 bytes, three 23 (> 20)
    const texts = ['{"k":1}', '{"k":2}', '{"k":3}', '{"k":4}', '{"k":5}']
    await w.add(toDocBytes([10, 11, 12, 13, 14], texts), 0, 1)
    await w.add(toDocBytes([10, 11, 12, 13, 14], texts), 1, 5)
    await w.add(toDocBytes([20], ['{"big":"' + 'x'.repeat(30) + '"}']))
    await w.add(toDocBytes([21], ['{"k":6}']))
    await w.close()
    expect(sent).toEqual([
      '{"k":1}\n{"k":2}',
      '{"k":3}\n{"k":4}',
      '{"k":5}',
      '{"big":"' + 'x'.repeat(30) + '"}',
      '{"k":6}',
    ])
    expect(rejected).toEqual([11, 13])
  })
})

describe('import rendering', () => {
  it('shows rows, rows/s, percent and ETA when the size is known, and no percent for stdin', () => {
    expect(
      progressLine({ file: 'f.csv', rows: 5000, bytesRead: 250, totalBytes: 1000, elapsedMs: 1000 }),
    ).toBe('importing f.csv: 5,000 rows, 5,000 rows/s, 25%, ETA 3.0 s')
    expect(progressLine({ file: '-', rows: 10, bytesRead: 5, elapsedMs: 1000 })).toBe(
      'importing -: 10 rows, 10 rows/s',
    )
  })

  it('lists rejected rows as file:line: reason and says where the rest are', () => {
    const res = {
      total: { errors: 25 },
      rejected: [{ file: 'a.csv', line: 3, reason: 'too many values: 4 for 3 columns' }],
    } as unknown as ImportResult
    expect(rejectedLines(res, 'errs.jsonl')).toEqual([
      'rejected rows (first 1 of 25; all in errs.jsonl):',
      '  a.csv:3: too many values: 4 for 3 columns',
    ])
  })

  it('says what a dry run would create, and what a real run created', () => {
    const r = {
      file: 'a.csv',
      collection: 'a',
      collectionType: 'edge',
      collectionCreated: true,
      rows: 3,
      created: 2,
      updated: 0,
      ignored: 0,
      empty: 0,
      errors: 1,
      elapsedMs: 1500,
      rowsPerSecond: 2,
    } as FileResult
    expect(fileSummary(r, true)).toBe(
      'a.csv -> a (edge, would be created): 3 rows: 2 would be created, 0 updated, 0 ignored, 0 empty, 1 errors in 1.5 s (2 rows/s)',
    )
    expect(fileSummary(r, false)).toMatch(/^a\.csv -> a \(edge, created\): 3 rows: 2 created, /)
  })
})
