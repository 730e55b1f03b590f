/**
 * Run a command class in this process (`X.run(argv)`, as oclif's bin does), capturing what it
 * writes to stdout/stderr and the exit code BaseCommand.catch sets. Faster than spawning the
 * built CLI; end-to-end tests still spawn bin/run.js for the behaviour of the real process.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface CommandRun<R> {
  result: R | undefined
  stdout: string
  stderr: string
  exitCode: number
}

export async function runCommand<R>(
  cmd: { run(argv: string[], opts: string): Promise<R> },
  argv: string[],
): Promise<CommandRun<R>> {
  let stdout = ''
  let stderr = ''
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const saved = process.exitCode
  process.exitCode = undefined
  process.stdout.write = ((s: string | Uint8Array) => (
    (stdout += String(s)),
    true
  )) as typeof process.stdout.write
  process.stderr.write = ((s: string | Uint8Array) => (
    (stderr += String(s)),
    true
  )) as typeof process.stderr.write
  try {
    const result = await cmd.run(argv, root)
    return { result, stdout, stderr, exitCode: Number(process.exitCode ?? 0) }
  } finally {
    process.stdout.write = out
    process.stderr.write = err
    process.exitCode = saved
  }
}
