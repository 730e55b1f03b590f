import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  it('gives the two commands a newcomer runs on a fresh machine', () => {
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
  })

  it('links every doc it promises and the benchmark results', () => {
    for (const [, target] of readme.matchAll(/\]\(((?:docs|bench)\/[^)#]+)\)/g)) {
      expect(() => readFileSync(new URL(`../${target}`, import.meta.url)), target).not.toThrow()
    }
  })

  it('has a command reference that matches the built CLI’s help (npm run readme:commands)', () => {
    const script = new URL('../scripts/readme-commands.mjs', import.meta.url).pathname
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('carries the package version that `graphpipe --version` reports', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    const bin = new URL('../bin/run.js', import.meta.url).pathname
    const out = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })
    expect(out).toContain(`graphpipe/${pkg.version}`)
  })
})
