/**
 * The built CLI (`bin/run.js import --resume`; `npm run build` first) killed with SIGKILL at
 * random points of a generated flights CSV, with and without `_key` columns, then resumed until
 * done: every row exactly once (checked by its `id` column); `--mapping` likewise (every row
 * written, one user per row). Also Ctrl-C (SIGINT), an outage of
 * the server (stopped mid-import, started again), stdin, and the hint without --resume.
 *
 * GRAPHPIPE_RESUME_ROWS sets the rows per file (default 100,000 each, with and without keys;
 * 1,000,000 is the issue's full case), GRAPHPIPE_RESUME_SEED the kill points (printed on failure).
 *
 * The embedded target gets a 2 s streaming idle timeout: a killed client's open transaction
 * holds the engine's write lock until then (on ArangoDB it holds the documents it wrote), and
 * the resume waits for it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

import { startEngineServer, type EngineServer } from '../../src/engine/http/server.js'
import { bin, root, useCli } from '../helpers/cli.js'
import { prng } from '../helpers/prng.js'
import { useTestTarget } from '../helpers/target.js'

const ROWS = Number(process.env.GRAPHPIPE_RESUME_ROWS ?? 100_000)
const SEED = Number(process.env.GRAPHPIPE_RESUME_SEED ?? Date.now() % 1_000_000_007)
const KILLS = 3
/** Each kill test imports the file about twice over on a busy machine: 2 minutes, more for 1,000,000 rows. */
const TIMEOUT = Math.max(120_000, ROWS * 0.6)

describe('the built CLI resumes imports after kill -9, Ctrl-C and an outage', () => {
  const cli = useCli('import', 'gp-resume-cli-')
  const target = useTestTarget({ engine: { streamingIdleTimeoutSeconds: 2 } })
  const seedNote = `(GRAPHPIPE_RESUME_SEED=${SEED} GRAPHPIPE_RESUME_ROWS=${ROWS} reproduces the kill points)`

  const flights = (name: string, rows: number, keyed: boolean): string => {
    const f = path.join(cli.scratch, name)
    const out: string[] = [
      `${keyed ? '_key,' : ''}id,_from,_to,Year,Month,DayofMonth,DepTime,UniqueCarrier,FlightNum,TailNum,Distance`,
    ]
    for (let i = 0; i < rows; i++)
      out.push(
        `${keyed ? `f${i},` : ''}${i},airports/A${i % 301},airports/B${i % 173},2008,${(i % 12) + 1},${(i % 28) + 1},${(i * 7) % 2400},WN,${i % 5000},"N${i % 900}SW",${i % 3000}`,
      )
    writeFileSync(f, out.join('\n') + '\n')
    return f
  }

  const start = (
    args: string[],
    env: Record<string, string>,
  ): { child: ChildProcess; done: Promise<Run> } => {
    const child = spawn(process.execPath, [bin, 'import', ...args], { cwd: root, env: cli.env(env) })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    const done = new Promise<Run>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
    )
    return { child, done }
  }

  /** Rows the checkpoint of `collection`'s import says are committed (0 before the first commit and after the end). */
  const committedRows = async (collection: string): Promise<number> => {
    try {
      const cursor = await target.db.query(
        'FOR c IN graphpipe_checkpoints FILTER c.target == @collection RETURN c.rows',
        { collection },
      )
      return ((await cursor.all()) as number[]).reduce((a, b) => a + b, 0)
    } catch {
      return 0
    }
  }
  const until = async (cond: () => Promise<boolean>, run: Promise<Run>, ms = 120_000): Promise<boolean> => {
    let ended = false
    void run.then(() => (ended = true))
    const deadline = Date.now() + ms
    while (!ended && Date.now() < deadline) {
      if (await cond()) return true
      await new Promise((r) => setTimeout(r, 25))
    }
    return false
  }
  const countAndDistinct = async (c: string): Promise<{ n: number; distinct: number }> =>
    (await (
      await target.db.query('RETURN {n: LENGTH(@@c), distinct: COUNT_DISTINCT(FOR d IN @@c RETURN d.id)}', {
        '@c': c,
      })
    ).next()) as { n: number; distinct: number }

  for (const keyed of [false, true])
    it(
      `kill -9 at ${KILLS} random points, then --resume: every row once (${keyed ? 'keys in the file' : 'server-generated keys'})`,
      async () => {
        const rnd = prng(SEED + (keyed ? 1 : 0))
        const collection = keyed ? 'flights_keyed' : 'flights'
        const file = flights(`${collection}.csv`, ROWS, keyed)
        const args = [file, '--collection', collection, '--resume']
        // kill points: the first at a random moment of the start (maybe before any commit), the
        // others once the checkpoint passed a random row, plus a random moment into the next batch
        const marks = [0, ...Array.from({ length: KILLS - 1 }, () => 0.05 + 0.85 * rnd())].sort()
        const log: string[] = []
        let finished: Run | undefined
        for (const [k, mark] of marks.entries()) {
          const { child, done } = start(args, target.env())
          if (k === 0) await new Promise((r) => setTimeout(r, 300 + rnd() * 1500))
          else {
            const rows = Math.floor(mark * ROWS)
            await until(async () => (await committedRows(collection)) >= rows, done)
            await new Promise((r) => setTimeout(r, rnd() * 400))
          }
          child.kill('SIGKILL')
          const r = await done
          log.push(
            `kill ${k + 1}: ${r.signal ?? `exit ${r.code}`}, ${await committedRows(collection)} rows committed`,
          )
          expect(r.signal === 'SIGKILL' || r.code === 0, `${seedNote} ${r.stderr}`).toBe(true)
          // done before the kill came (a slow poll on a busy machine): nothing left to resume
          if (r.code === 0) {
            finished = r
            break
          }
        }
        const final = finished ?? (await start([...args, '--json'], target.env()).done)
        expect(final.code, `${seedNote} ${log.join('; ')} ${final.stderr}`).toBe(0)
        if (!finished) {
          const res = JSON.parse(final.stdout) as {
            files: {
              rows: number
              created: number
              errors: number
              resumed?: { rows: number; line: number }
            }[]
          }
          // the counts cover the whole file, the rows before the resume point included
          expect(res.files[0]).toMatchObject({ rows: ROWS, created: ROWS, errors: 0 })
          expect(res.files[0].resumed?.rows).toBeLessThanOrEqual(ROWS)
        }
        expect(await countAndDistinct(collection), `${seedNote} ${log.join('; ')}`).toEqual({
          n: ROWS,
          distinct: ROWS,
        })
        expect(await committedRows(collection)).toBe(0)
      },
      TIMEOUT,
    )

  it(
    `--mapping: kill -9 at ${KILLS} random points, then --resume: every row written (one user per row)`,
    async () => {
      const rnd = prng(SEED + 2)
      const rows = Math.min(ROWS, 20_000)
      const file = path.join(cli.scratch, 'messages.jsonl')
      writeFileSync(
        file,
        Array.from({ length: rows }, (_, i) =>
          JSON.stringify({ message: 'success', data: [{ username: `p${i}`, row: i, follow: `p${i + 1}` }] }),
        ).join('\n') + '\n',
      )
      const args = [file, '--mapping', 'twitter', '--resume', '--batch-size', '500']
      const target_ = 'mapping twitter'
      const log: string[] = []
      let finished: Run | undefined
      // kill points: once the checkpoint passed a random row (in order), plus a random moment
      const marks = Array.from({ length: KILLS }, () => 0.1 + 0.8 * rnd()).sort()
      for (const [k, mark] of marks.entries()) {
        const { child, done } = start(args, target.env())
        await until(async () => (await committedRows(target_)) >= Math.floor(mark * rows), done)
        await new Promise((r) => setTimeout(r, rnd() * 200))
        child.kill('SIGKILL')
        const r = await done
        log.push(
          `kill ${k + 1}: ${r.signal ?? `exit ${r.code}`}, ${await committedRows(target_)} rows committed`,
        )
        if (r.code === 0) {
          finished = r
          break
        }
      }
      const final = finished ?? (await start([...args, '--json'], target.env()).done)
      expect(final.code, `${seedNote} ${log.join('; ')} ${final.stderr}`).toBe(0)
      const written = (await (
        await target.db.query(
          'FOR u IN users FILTER u.row != null COLLECT AGGREGATE n = COUNT(1), d = COUNT_DISTINCT(u.row) RETURN {n, d}',
        )
      ).next()) as { n: number; d: number }
      expect(written, `${seedNote} ${log.join('; ')}`).toEqual({ n: rows, d: rows })
      expect((await target.db.collection('follow').count()).count).toBe(rows)
      expect(await committedRows(target_)).toBe(0)
    },
    TIMEOUT,
  )

  it('Ctrl-C stops after the batch in flight (exit 130, one line saying how to go on); --resume finishes', async () => {
    const file = flights('sigint.csv', 30_000, false)
    const args = [file, '--collection', 'sigint', '--resume', '--batch-size', '2000']
    const { child, done } = start(args, target.env())
    await until(async () => (await committedRows('sigint')) > 0, done)
    child.kill('SIGINT')
    const r = await done
    expect(r.code, r.stderr).toBe(130)
    const last = r.stderr.trim().split('\n').at(-1)!
    expect(last).toMatch(
      /^Error: interrupted: .*sigint\.csv -> sigint is committed after line [\d,]+ \(row [\d,]+, byte [\d,]+\); run the import again with --resume to continue$/,
    )
    const again = await start(args, target.env()).done
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toMatch(/resuming .*sigint\.csv -> sigint after line/)
    expect(again.stderr).toMatch(
      /\[resumed after line [\d,]+ \(row [\d,]+, byte [\d,]+\); the counts include/,
    )
    expect(await countAndDistinct('sigint')).toEqual({ n: 30_000, distinct: 30_000 })
  })

  it('says how to go on without --resume, and refuses stdin with --resume (exit 2, one line)', async () => {
    const file = flights('hint.csv', 20_000, false)
    const args = [file, '--collection', 'hint', '--batch-size', '2000']
    const { child, done } = start([...args, '--resume'], target.env())
    await until(async () => (await committedRows('hint')) > 0, done)
    child.kill('SIGKILL')
    await done
    const plain = await start([...args, '--json'], target.env()).done
    expect(plain.code).toBe(2)
    const err = (JSON.parse(plain.stdout) as { error: { message: string; exitCode: number } }).error
    expect(err.message).toMatch(
      /hint\.csv -> hint: an interrupted import left a checkpoint .*: add --resume to continue it, or --restart/,
    )
    const stdin = await start(['-', '--type', 'csv', '--collection', 'x', '--resume'], target.env()).done
    expect(stdin.code).toBe(2)
    expect(stdin.stderr.trim()).toBe(
      'Error: stdin cannot be resumed: --resume needs a file it can read again (save the input to a file and import that)',
    )
  })

  describe('an outage: the server stops mid-import, starts again', () => {
    let engine: EngineServer | undefined
    afterAll(async () => engine?.close())

    it('fails with one line (exit 3) saying what is committed; --resume after the restart finishes exactly', async (ctx) => {
      // a server of our own, to stop and start on the same data dir and port
      if (!target.dataDir) ctx.skip()
      const dataDir = path.join(cli.scratch, 'outage-engine')
      engine = await startEngineServer({ dataDir, port: 0, streamingIdleTimeoutSeconds: 2 })
      const port = engine.port
      const env = { ARANGO_URL: engine.url, ARANGO_DATABASE: '_system' }
      const file = flights('outage.csv', 60_000, true)
      const args = [file, '--collection', 'outage', '--resume', '--batch-size', '5000']
      const { Database } = await import('arangojs')
      const db = new Database({ url: engine.url })
      const rows = async (): Promise<number> =>
        (await (await db.query('FOR c IN graphpipe_checkpoints RETURN c.rows')).all().catch(() => [0]))[0] ??
        0
      const { done } = start(args, env)
      await until(async () => (await rows().catch(() => 0)) >= 10_000, done)
      await engine.close()
      engine = undefined
      const r = await done
      expect(r.code, r.stderr).toBe(3)
      const last = r.stderr.trim().split('\n').at(-1)!
      expect(last).toMatch(
        /^Error: cannot reach the server \((ECONN\w+|UND_ERR_SOCKET)\).*\(.*outage\.csv -> outage: committed after line [\d,]+ \(row [\d,]+, byte [\d,]+\); run the import again with --resume to continue\)$/,
      )
      engine = await startEngineServer({ dataDir, port, streamingIdleTimeoutSeconds: 2 })
      const again = await start(args, env).done
      expect(again.code, again.stderr).toBe(0)
      const c = (await (
        await db.query('RETURN {n: LENGTH(outage), distinct: COUNT_DISTINCT(FOR d IN outage RETURN d.id)}')
      ).next()) as { n: number; distinct: number }
      expect(c).toEqual({ n: 60_000, distinct: 60_000 })
    })
  })
})

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}
