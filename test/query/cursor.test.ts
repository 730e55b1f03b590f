import v8 from 'node:v8'

import type { Database } from 'arangojs'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { streamQuery } from '../../src/query/cursor.js'
import { executeQuery } from '../../src/query/execute.js'
import type { Format } from '../../src/query/format/index.js'
import { Capture } from './format/helpers.js'

/**
 * A Database whose `request` answers a three-batch cursor the way arangojs does: the parsed body
 * sits on the response object as `parsedBody` and the transform picks the result from it.
 */
function fakeDb() {
  const responses: { parsedBody?: unknown }[] = []
  const bodies: Record<string, unknown> = {
    '/_api/cursor': { result: [1, 2], hasMore: true, id: '7', nextBatchId: '2' },
    '/_api/cursor/7/2': { result: [3, 4], hasMore: true, id: '7', nextBatchId: '3' },
    '/_api/cursor/7/3': { result: [5], hasMore: false, id: '7', extra: { stats: { executionTime: 1 } } },
  }
  const request = async (
    options: { pathname: string },
    transform: (res: { parsedBody?: unknown }) => unknown = (res) => res.parsedBody,
  ) => {
    const res = { parsedBody: structuredClone(bodies[options.pathname]) }
    responses.push(res)
    return transform(res)
  }
  return { db: { request } as unknown as Database, responses }
}

afterEach(() => vi.restoreAllMocks())

describe('streamQuery', () => {
  it("takes each batch off arangojs' response object (kept through scavenges by undici's FinalizationRegistry)", async () => {
    const { db, responses } = fakeDb()
    const rows: unknown[] = []
    const res = await streamQuery(db, 'RETURN 1', {}, { batchSize: 2 }, async (b) => void rows.push(...b))
    expect(rows).toEqual([1, 2, 3, 4, 5])
    expect(res.extra.stats?.executionTime).toBe(1)
    expect(responses).toHaveLength(3)
    for (const r of responses) expect(r.parsedBody).toBeUndefined()
  })

  it('with flatHeap, tightens heap growth for the stream and restores it, also when rendering fails', async () => {
    const flags = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => {})
    const { db } = fakeDb()
    let during: unknown[][] = []
    await streamQuery(db, 'RETURN 1', {}, { batchSize: 2, flatHeap: true }, async () => {
      during = flags.mock.calls.slice()
    })
    expect(during).toEqual([['--heap-growing-percent=50']])
    expect(flags.mock.calls.at(-1)).toEqual(['--heap-growing-percent=0'])

    flags.mockClear()
    const failing = streamQuery(db, 'RETURN 1', {}, { batchSize: 2, flatHeap: true }, async () => {
      throw new Error('renderer broke')
    })
    await expect(failing).rejects.toThrow('renderer broke')
    expect(flags.mock.calls).toEqual([['--heap-growing-percent=50'], ['--heap-growing-percent=0']])
  })

  it('without flatHeap, leaves V8 flags alone', async () => {
    const flags = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => {})
    await streamQuery(fakeDb().db, 'RETURN 1', {}, { batchSize: 2 }, async () => {})
    expect(flags).not.toHaveBeenCalled()
  })
})

describe('executeQuery heap growth by output', () => {
  async function tightened(format: Format, collect?: unknown[]): Promise<boolean> {
    const flags = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => {})
    await executeQuery(fakeDb().db, {
      query: 'RETURN 1',
      bindVars: {},
      format,
      out: new Capture(),
      err: new Capture(),
      batchSize: 2,
      collect,
    })
    const used = flags.mock.calls.some(([f]) => f === '--heap-growing-percent=50')
    flags.mockRestore()
    return used
  }

  it('tightens for formats that write rows as they come', async () => {
    for (const f of ['jsonl', 'json', 'csv', 'table'] as const) expect(await tightened(f), f).toBe(true)
  })

  it('not when the rows are kept: dot, mermaid, --json', async () => {
    expect(await tightened('dot')).toBe(false)
    expect(await tightened('mermaid')).toBe(false)
    expect(await tightened('jsonl', [])).toBe(false)
  })
})
