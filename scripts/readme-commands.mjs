#!/usr/bin/env node
// Regenerates the "Command reference" section of README.md from the built CLI's own help
// (`npm run readme:commands`), between the markers <!-- commands --> and <!-- commandsstop -->.
// `--check` only compares; the test suite runs it (test/readme.test.ts) so the README stays current.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config } from '@oclif/core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export async function commandReference() {
  const config = await Config.load({ root })
  const ids = config.commands
    .filter((c) => !c.hidden && !c.pluginName?.startsWith('@oclif/plugin-help'))
    .map((c) => c.id)
    .sort()
  const parts = []
  for (const id of ids) {
    const argv = [join(root, 'bin/run.js'), ...id.split(':'), '--help']
    const help = execFileSync(process.execPath, argv, {
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '100' },
      encoding: 'utf8',
    })
    parts.push(`### \`graphpipe ${id.replaceAll(':', ' ')}\`\n\n\`\`\`\n${help.trimEnd()}\n\`\`\`\n`)
  }
  return parts.join('\n')
}

export function replaceSection(readme, body) {
  const start = '<!-- commands -->'
  const stop = '<!-- commandsstop -->'
  const a = readme.indexOf(start)
  const b = readme.indexOf(stop)
  if (a < 0 || b < a) throw new Error('README.md has no <!-- commands --> ... <!-- commandsstop --> section')
  return `${readme.slice(0, a + start.length)}\n${body}${readme.slice(b)}`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const updated = replaceSection(readme, await commandReference())
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      process.stderr.write('README.md command reference is out of date: run `npm run readme:commands`\n')
      process.exitCode = 1
    }
  } else {
    writeFileSync(path, updated)
    process.stderr.write('README.md command reference updated\n')
  }
}
