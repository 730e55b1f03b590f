import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable, Writable } from 'node:stream'

import { beforeAll, describe, expect, it } from 'vitest'

import { EXIT } from '../../src/errors.js'
import { resolveBindVars } from '../../src/query/bind.js'
import { streamQuery } from '../../src/query/cursor.js'
import { executeQuery, type ExecuteOptions } from '../../src/query/execute.js'
import { runShell } from '../../src/query/shell.js'
import { useTestTarget } from '../helpers/target.js'
import { expectedAnswers, loadFixtures, SEED_QUERIES, sortJson } from './fixtures.js'
import { Capture } from './format/helpers.js'

describe('graphpipe query core against the live target', () => {
  const target = useTestTarget()
  const expected = expectedAnswers()

  beforeAll(async () => {
    await loadFixtures(target.db)
  })

  async function run(query: string, opts: Partial<ExecuteOptions> = {}) {
    const out = new Capture()
    const err = new Capture()
    const result = await executeQuery(target.db, {
      query,
      bindVars: {},
      format: 'jsonl',
      out,
      err,
      batchSize: 1000,
      ...opts,
    })
    const rows = () =>
      out.text
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    return { out: out.text, err: err.text, result, rows }
  }

  describe("the seed's three queries on the graph-course fixtures", () => {
    it('VIP airports: every airport with vip true, whole documents', async () => {
      const r = await run(SEED_QUERIES.vip)
      const rows = r.rows()
      expect(rows.map((a) => a._key).sort()).toEqual([...expected.vip].sort())
      for (const a of rows) expect(a).toMatchObject({ _id: `airports/${a._key}`, vip: true })
    })

    it('airports one hop out of LAX, distinct names', async () => {
      const r = await run(SEED_QUERIES.laxOutbound)
      expect(r.rows().sort()).toEqual([...expected.laxOutbound].sort())
    })

    it('January flights at BIS from the 5th: city and arrival time, both directions', async () => {
      const r = await run(SEED_QUERIES.bisJanuary)
      expect(expected.bisJanuary.length).toBeGreaterThan(0)
      expect(sortJson(r.rows())).toEqual(sortJson(expected.bisJanuary))
    })

    it('renders the BIS answer as a table with columns city and time', async () => {
      const r = await run(SEED_QUERIES.bisJanuary, { format: 'table', width: 80 })
      const lines = r.out.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^city\s+time$/)
      expect(lines).toHaveLength(2 + expected.bisJanuary.length)
    })
  })

  describe('streaming', () => {
    it('hands the result over batch by batch, with the final stats of the last batch', async () => {
      const sizes: number[] = []
      const res = await streamQuery(
        target.db,
        'FOR i IN 1..2500 RETURN i',
        {},
        { batchSize: 1000 },
        async (rows) => {
          sizes.push(rows.length)
        },
      )
      expect(sizes).toEqual([1000, 1000, 500])
      expect(res.rows).toBe(2500)
      expect(typeof res.extra.stats?.executionTime).toBe('number')
    })

    it('--format json over several batches is one valid array', async () => {
      const r = await run('FOR i IN 1..2500 RETURN {i}', { format: 'json', batchSize: 700 })
      const arr = JSON.parse(r.out) as { i: number }[]
      expect(arr).toHaveLength(2500)
      expect(arr[2499]).toEqual({ i: 2500 })
    })

    it('--max-rows stops early and says so in the stats', async () => {
      const r = await run('FOR i IN 1..100000 RETURN i', { maxRows: 5, stats: true })
      expect(r.rows()).toEqual([1, 2, 3, 4, 5])
      expect(r.result.truncated).toBe(true)
      expect(r.err).toMatch(/^5 rows \(stopped at --max-rows 5\)/)
    })

    it('deletes the server cursor it walks away from (next batch: 404, error 1600)', async () => {
      const res = await streamQuery(
        target.db,
        'FOR i IN 1..100000 RETURN i',
        {},
        { batchSize: 10, maxRows: 25 },
        async () => {},
      )
      expect(res.rows).toBe(25)
      expect(res.cursorId).toBeTruthy()
      await expect(
        target.db.request({ method: 'POST', pathname: `/_api/cursor/${res.cursorId}` }),
      ).rejects.toMatchObject({
        errorNum: 1600,
      })
    })

    it('stops quietly when the reader goes away (e.g. | head)', async () => {
      // like `head -c 10`: takes one chunk, then the pipe breaks
      class Head extends Writable {
        override _write(_c: Buffer, _e: BufferEncoding, cb: (err?: Error | null) => void): void {
          cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
        }
      }
      const r = await executeQuery(target.db, {
        query: 'FOR i IN 1..100000 RETURN i',
        bindVars: {},
        format: 'jsonl',
        out: new Head(),
        err: new Capture(),
        batchSize: 100,
      })
      expect(r.stopped).toBe(true)
      expect(r.rows).toBeLessThan(1000)
    })
  })

  describe('bind parameters', () => {
    it('binds values (JSON-parsed) and @@collection parameters', async () => {
      const bindVars = await resolveBindVars(['@coll=airports', 'key=LAX', 'vip=true'])
      const r = await run('FOR a IN @@coll FILTER a._key == @key AND a.vip == @vip RETURN a.name', {
        bindVars,
      })
      expect(r.rows()).toEqual(['Los Angeles International'])
    })

    it('a declared but unbound parameter is ArangoDB error 1551, exit 1', async () => {
      await expect(run('RETURN @missing')).rejects.toMatchObject({
        exitCode: EXIT.FAILED,
        message: expect.stringMatching(/^ArangoDB error 1551: /),
      })
    })
  })

  describe('errors', () => {
    it('a parse error shows errorNum, message and the query line with a caret at the position', async () => {
      const query = 'FOR a IN airports\n  FILTER a.vip = true\n  RETURN a'
      const err = (await run(query).then(
        () => ({ message: 'no error', exitCode: 0 }),
        (e: unknown) => e,
      )) as { message: string; exitCode: number }
      expect(err.exitCode).toBe(EXIT.FAILED)
      const [first, line, caret] = err.message.split('\n')
      expect(first).toMatch(/^ArangoDB error 1501: syntax error, .* at position 2:\d+$/)
      expect(line).toBe('  2 |   FILTER a.vip = true')
      expect(line[caret.indexOf('^')]).toBe('=')
    })

    it('an unknown collection is error 1203 with exit 1', async () => {
      await expect(run('FOR x IN nosuchcollection RETURN x')).rejects.toMatchObject({
        exitCode: EXIT.FAILED,
        message: expect.stringMatching(/^ArangoDB error 1203: .*nosuchcollection/),
      })
    })

    it('warnings go to stderr and the query still succeeds', async () => {
      const r = await run('RETURN 1 / 0')
      expect(r.rows()).toEqual([null])
      expect(r.err).toMatch(/warning 1562: division by zero/)
    })
  })

  describe('stats, explain and profile', () => {
    it('--stats prints rows, writes executed/ignored, scanned and execution time to stderr', async () => {
      await target.db.createCollection('scratch')
      const r = await run('FOR i IN 1..3 INSERT {i} INTO scratch', { stats: true })
      expect(r.out).toBe('')
      expect(r.err).toMatch(
        /^0 rows · writes: 3 executed, 0 ignored · scanned: 0 full, 0 index · [\d.]+ m?s execution\n$/,
      )
      const scan = await run('FOR d IN scratch RETURN d.i', { stats: true })
      expect(scan.err).toMatch(/^3 rows · writes: 0 executed, 0 ignored · scanned: 3 full, 0 index/)
    })

    it('--explain prints the plan and the index a _key lookup uses, without running the query', async () => {
      const r = await run("FOR a IN airports FILTER a._key == 'LAX' RETURN a", { explain: true, stats: true })
      expect(r.out).toMatch(/^Execution plan:/)
      expect(r.out).toMatch(/IndexNode\s+\d+\s+FOR a IN airports/)
      expect(r.out).toMatch(/Indexes used:\n.*\n\s+\d+\s+primary\s+primary\s+airports/)
      expect(r.err).toBe('')
    })

    it('--explain names the edge index a traversal uses', async () => {
      const r = await run(SEED_QUERIES.laxOutbound, { explain: true })
      expect(r.out).toMatch(/TraversalNode/)
      expect(r.out).toMatch(/Indexes used:\n.*\n\s+\d+\s+\S*\s+edge\b/)
    })

    it('--profile prints a profile section to stderr', async () => {
      const r = await run('FOR i IN 1..10 RETURN i', { profile: true })
      expect(r.rows()).toHaveLength(10)
      expect(r.err).toMatch(/^Query profile:\n/)
    })
  })

  describe('graph output', () => {
    it('--format dot draws traversal paths from BIS with airport names, each flight once', async () => {
      const r = await run("FOR v, e, p IN 1..1 OUTBOUND 'airports/BIS' flights RETURN p", { format: 'dot' })
      const edges = await target.db
        .query(
          "FOR e IN flights FILTER e._from == 'airports/BIS' COLLECT to = e._to WITH COUNT INTO n RETURN {to, n}",
        )
        .then((c) => c.all())
      expect(r.out).toMatch(/^digraph result \{/)
      expect(r.out).toContain('"airports/BIS" [label="Bismarck Municipal"];')
      for (const { to, n } of edges) {
        expect(r.out).toContain(`"airports/BIS" -> "${to}"${n > 1 ? ` [label="×${n}"]` : ''};`)
      }
    })

    it('--format mermaid draws {airport, flight} objects as a flowchart', async () => {
      const r = await run("FOR a, f IN 1..1 INBOUND 'airports/LAX' flights LIMIT 2 RETURN {a, f}", {
        format: 'mermaid',
      })
      expect(r.out).toMatch(/^flowchart LR\n/)
      // LAX is only an edge end here (never returned as a document): labelled by its key
      expect(r.out).toContain('["LAX"]')
      expect(r.out).toMatch(/n\d+ --> n\d+/)
    })
  })

  describe('interactive shell over one connection', () => {
    it('runs ;-terminated multi-line queries, switches format, binds, and keeps history', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gp-shell-'))
      const historyFile = path.join(dir, 'state', 'query_history')
      const output = new Capture()
      const err = new Capture()
      const input = Readable.from([
        [
          'FOR a IN airports',
          "  FILTER a._key == 'LAX'",
          '  RETURN a.name;',
          '.format csv',
          '.bind k=BIS',
          'FOR a IN airports FILTER a._key == @k RETURN {name: a.name, city: a.city}; RETURN 1 +;',
          'RETURN "still alive";',
          '.exit',
        ].join('\n') + '\n',
      ])
      const res = await runShell({
        db: target.db,
        input,
        output,
        err,
        terminal: false,
        historyFile,
        format: 'jsonl',
        run: { batchSize: 100 },
      })
      expect(res).toEqual({ queries: 4, failed: 1 })
      expect(output.text).toBe(
        [
          '"Los Angeles International"',
          'format: csv',
          'name,city\r\nBismarck Municipal,Bismarck\r\n(value)\r\nstill alive\r\n',
        ].join('\n'),
      )
      expect(err.text).toMatch(/^Error: ArangoDB error 1501: .*\n {2}1 \| RETURN 1 \+\n/)
      expect(readFileSync(historyFile, 'utf8').split('\n')).toEqual([
        "FOR a IN airports FILTER a._key == 'LAX' RETURN a.name;",
        'FOR a IN airports FILTER a._key == @k RETURN {name: a.name, city: a.city};',
        'RETURN 1 +;',
        'RETURN "still alive";',
        '',
      ])
    })
  })
})
