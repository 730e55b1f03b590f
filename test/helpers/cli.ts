/**
 * The built CLI (bin/run.js; `npm run build` first) in a child process, for end-to-end tests: a
 * scratch dir per test file, an environment without the machine's deployment settings and with
 * the XDG dirs inside the scratch dir, and a check that dist/ holds the command under test.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, beforeAll } from 'vitest'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const bin = path.join(root, 'bin', 'run.js')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

export interface Cli {
  /** Removed after the file's tests. */
  scratch: string
  env(extra?: Record<string, string>): NodeJS.ProcessEnv
  gp(args: string[], opts?: { env?: Record<string, string>; input?: string }): Promise<Run>
}

/** Call at the top of a test file; `command` is the dist/commands module the file needs. */
export function useCli(command: string, prefix = `gp-${command}-`): Cli {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env }
    for (const k of Object.keys(e)) if (k.startsWith('ARANGO_') || k.startsWith('GRAPHPIPE_')) delete e[k]
    return {
      ...e,
      XDG_STATE_HOME: path.join(scratch, 'state'),
      XDG_CONFIG_HOME: path.join(scratch, 'config'),
      XDG_DATA_HOME: path.join(scratch, 'data'),
      ...extra,
    }
  }
  const gp: Cli['gp'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: env(opts.env) })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
      child.stdin.end(opts.input ?? '')
    })
  beforeAll(() => {
    const built = path.join(root, 'dist', 'commands', `${command}.js`)
    if (!fs.existsSync(built))
      throw new Error(`${path.relative(root, built)} is missing: run \`npm run build\` first`)
  })
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))
  return { scratch, env, gp }
}
