/**
 * Ctrl-C on `graphpipe query` (the built CLI; `npm run build` first) while the server runs the
 * query: the CLI prints the query's id with --verbose, the first SIGINT kills the query on the
 * server (DELETE /_api/query/{id}: it leaves /_api/query/current) and the CLI exits 130. Without
 * that, the abandoned stream cursor would keep the query listed as running until its ttl.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { useTestTarget } from '../helpers/target.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const bin = path.join(root, 'bin', 'run.js')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-query-int-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

async function until<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const v = await probe()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  return undefined
}

describe('graphpipe query and Ctrl-C', () => {
  const target = useTestTarget()

  it('--verbose names the running query; SIGINT kills it on the server and exits 130', async () => {
    if (!fs.existsSync(path.join(root, 'dist', 'commands', 'query.js')))
      throw new Error('dist/commands/query.js is missing: run `npm run build` first')
    // a long streaming query: each batch of 10 rows takes the server 100 ms
    const query = `FOR i IN 1..1000000 LET x = SLEEP(0.01) RETURN i /* ${path.basename(scratch)} */`
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const k of Object.keys(env)) if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete env[k]
    const child = spawn(process.execPath, [bin, 'query', query, '--verbose', '--batch-size', '10'], {
      cwd: root,
      env: {
        ...env,
        ...target.env(),
        XDG_STATE_HOME: scratch,
        XDG_CONFIG_HOME: scratch,
        XDG_DATA_HOME: scratch,
      },
    })
    let stderr = ''
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.stdout.resume()
    child.stdin.end()
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    const running = async () =>
      ((await target.db.listRunningQueries()) as unknown as { id: string; query: string }[]).find(
        (q) => q.query === query,
      )
    try {
      const id = await until(async () => /query id: (\S+)/.exec(stderr)?.[1], 10_000)
      expect(id, stderr).toBeDefined()
      expect((await running())?.id).toBe(id)
      const t0 = Date.now()
      child.kill('SIGINT')
      expect(await exited).toBe(130)
      expect(Date.now() - t0).toBeLessThan(5000)
      expect(stderr).toContain('interrupted: stopping the query on the server')
      // gone from the server's running queries: killed there, not only abandoned by the client
      expect(await until(async () => ((await running()) ? undefined : true), 3000)).toBe(true)
    } finally {
      child.kill('SIGKILL')
    }
  }, 30_000)
})
