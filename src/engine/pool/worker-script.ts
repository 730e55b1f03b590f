/**
 * Where a query worker's code is. Compiled (dist/), it is `query-worker.js` beside this module.
 * Run from the TypeScript sources (vitest, which transpiles only its own thread), a worker
 * thread cannot load `.ts`: the worker is bundled once with esbuild (vitest's own dependency)
 * into node_modules/.cache, where its bare imports (better-sqlite3) still resolve.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

let bundled: Promise<string> | undefined

export function queryWorkerScript(): Promise<string> {
  const compiled = fileURLToPath(new URL('./query-worker.js', import.meta.url))
  if (fs.existsSync(compiled)) return Promise.resolve(compiled)
  bundled ??= bundleFromSources(fileURLToPath(new URL('./query-worker.ts', import.meta.url)))
  return bundled
}

async function bundleFromSources(entry: string): Promise<string> {
  const esbuild = await import('esbuild')
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = out.outputFiles[0]!.contents
  const hash = crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)
  const root = path.resolve(path.dirname(entry), '../../..')
  const dir = path.join(root, 'node_modules', '.cache', 'graphpipe')
  const file = path.join(dir, `query-worker-${hash}.mjs`)
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, code)
    fs.renameSync(tmp, file)
  }
  return file
}
