import { PassThrough, Readable } from 'node:stream'

import { Database } from 'arangojs'
import { describe, expect, it } from 'vitest'

import { runShell } from '../../src/query/shell.js'
import { Capture } from './format/helpers.js'

/** Drives the shell core with typed lines; dot commands never touch the database. */
async function shell(lines: string[]) {
  const output = new Capture()
  const err = new Capture()
  const result = await runShell({
    db: new Database({ url: 'http://127.0.0.1:9' }),
    input: Readable.from([lines.join('\n') + '\n']),
    output,
    err,
    terminal: false,
    format: 'jsonl',
    bindVars: { start: 'airports/LAX' },
    run: { batchSize: 100 },
  })
  return { out: output.text, err: err.text, result }
}

describe('interactive shell commands', () => {
  it('.help lists the commands', async () => {
    const { out } = await shell(['.help'])
    for (const c of ['.help', '.format', '.bind', '.exit']) expect(out).toContain(c)
  })

  it('.format shows and switches the format, and refuses unknown ones', async () => {
    const { out, err } = await shell(['.format', '.format csv', '.format', '.format xml'])
    expect(out).toBe('format: jsonl\nformat: csv\nformat: csv\n')
    expect(err).toMatch(/unknown format "xml"/)
  })

  it('.bind lists, sets (JSON-parsed), removes and clears bind parameters', async () => {
    const { out, err } = await shell([
      '.bind',
      '.bind month=1',
      '.bind @c=flights',
      '.bind',
      '.bind -start',
      '.bind',
      '.bind -',
      '.bind',
      '.bind nope',
    ])
    expect(out).toBe(
      [
        'start = "airports/LAX"',
        'start = "airports/LAX"\nmonth = 1\n@c = "flights"',
        'month = 1\n@c = "flights"',
        '(no bind parameters)',
        '',
      ].join('\n'),
    )
    expect(err).toMatch(/^Error: \.bind "nope": expected NAME=VALUE/)
  })

  it('.exit stops reading: nothing after it runs', async () => {
    const { out, result } = await shell(['.exit', '.help'])
    expect(out).toBe('')
    expect(result).toEqual({ queries: 0, failed: 0 })
  })

  it('says so for an unknown command', async () => {
    expect((await shell(['.frobnicate'])).err).toMatch(/unknown command \.frobnicate/)
  })

  it('keeps keys typed ahead of the next prompt in the order they were typed (terminal mode)', async () => {
    // Regression (CI, tmux): readline's prompt() moves the cursor to 0, so a key typed while the
    // previous line was still being handled landed before the keys typed just ahead of it.
    const input = new PassThrough()
    const output = new Capture()
    const err = new Capture()
    const done = runShell({
      db: new Database({ url: 'http://127.0.0.1:9' }),
      input,
      output,
      err,
      terminal: true,
      env: { NO_COLOR: '1' },
      format: 'jsonl',
      run: { batchSize: 100 },
    })
    input.write('.format csv\r.form')
    // let the shell handle the first line and draw its next prompt before the rest arrives
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
    // one key per write, as a terminal delivers typing (readline treats a longer chunk as a paste)
    for (const key of 'at\r.exit\r') input.write(key)
    input.end()
    await done
    expect(err.text).toBe('')
    expect(output.text).toMatch(/format: csv[\s\S]*format: csv/)
  })
})
