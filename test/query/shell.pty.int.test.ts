/* eslint-disable no-control-regex -- the screen is read with its colour escapes (ESC) */
/**
 * The query shell under a real terminal (tmux): Tab completion, highlighting, expanded rows, the
 * pager, confirmation before a bulk update, history that comes back runnable after a restart, and
 * Ctrl-C stopping a query before its first batch. The built CLI against the live target.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { useTestTarget } from '../helpers/target.js'
import { loadFixtures } from './fixtures.js'
import { Tmux } from './tmux.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const bin = path.join(root, 'bin', 'run.js')
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-query-pty-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

describe.skipIf(!Tmux.available())('the query shell in a terminal (tmux)', () => {
  const target = useTestTarget()
  let term: Tmux | undefined
  beforeAll(async () => {
    await loadFixtures(target.db)
  })
  afterEach(() => term?.stop())

  const shell = async (extra: Record<string, string> = {}, args: string[] = []): Promise<Tmux> => {
    term = new Tmux()
    term.start([process.execPath, bin, 'query', ...args], {
      ...(target.env() as Record<string, string>),
      XDG_STATE_HOME: path.join(scratch, 'state'),
      XDG_CONFIG_HOME: path.join(scratch, 'config'),
      TERM: 'xterm-256color',
      ...extra,
    })
    await term.waitFor(/aql>\s*$/m, 20_000)
    return term
  }

  it('Tab completes collections, keywords, functions with argument hints, attributes and dot-commands', async () => {
    const t = await shell()
    await new Promise((r) => setTimeout(r, 300)) // the catalog loads in the background
    t.type('FOR a IN airp')
    t.press('Tab')
    await t.waitFor(/aql> FOR a IN airports/)
    t.type(' FILTER a.ci')
    t.press('Tab')
    // attributes sampled from the collection the variable iterates (the first Tab may start the lookup)
    await new Promise((r) => setTimeout(r, 400))
    t.press('Tab')
    await t.waitFor(/FILTER a\.city/)
    t.type(" == 'Bismarck' RETURN CONCAT_")
    t.press('Tab')
    await t.waitFor(/RETURN CONCAT_SEPARATOR\(/)
    t.type("'-', a._key, a.state);")
    t.press('Enter')
    await t.waitFor(/BIS-ND/)
    t.type('DATE_')
    t.press('Tab')
    await new Promise((r) => setTimeout(r, 300))
    t.press('Tab')
    // several functions: the list shows their argument lists
    await t.waitFor(/DATE_DIFF\(date1, date2, unit, asFloat\)/)
    t.press('C-c')
    t.type('.que')
    t.press('Tab')
    await t.waitFor(/aql> \.queries/)
  })

  it('highlights keywords, strings and numbers as they are typed, and not with NO_COLOR', async () => {
    const t = await shell()
    t.type("RETURN 'abc' + 42")
    // the line is recoloured once readline has drawn the last key: wait for the coloured number
    const screen = await t.waitFor(/\x1b\[[0-9;]*33m42/, 5000, true)
    const line = screen.split('\n').find((l) => l.includes('abc'))!
    expect(line).toMatch(/\x1b\[[0-9;]*34m[^\n]*RETURN/) // keyword in blue
    expect(line).toMatch(/\x1b\[[0-9;]*32m'abc'/) // string in green
    expect(line).toMatch(/\x1b\[[0-9;]*33m42/) // number in yellow
    t.stop()
    const plain = await shell({ NO_COLOR: '1' })
    plain.type("RETURN 'abc' + 42")
    const s = await plain.waitFor(/RETURN 'abc' \+ 42/, 5000, true)
    expect(s.split('\n').find((l) => l.includes('abc'))).not.toMatch(/\x1b\[[0-9;]*3[234]m/)
  })

  it('.x shows one attribute per line; a tall result goes to $PAGER, .pager off prints it', async () => {
    const paged = path.join(scratch, 'paged.txt')
    const t = await shell({ PAGER: `cat > ${paged}` })
    t.type('.x')
    t.press('Enter')
    t.type("RETURN KEEP(DOCUMENT('airports/LAX'), 'city', 'state');")
    t.press('Enter')
    await t.waitFor(/-\[ RECORD 1 \][\s\S]*city\s+\| Los Angeles[\s\S]*state\s+\| CA/)
    t.type('.x')
    t.press('Enter')
    t.type('FOR i IN 1..100 RETURN {i};')
    t.press('Enter')
    await t.waitFor(/aql>\s*$/m)
    await new Promise((r) => setTimeout(r, 300))
    const text = fs.readFileSync(paged, 'utf8').split('\n')
    expect(text.slice(0, 3).map((l) => l.trim())).toEqual(['i', '---', '1'])
    expect(text.map((l) => l.trim())).toContain('100')
    t.type('.pager off')
    t.press('Enter')
    t.type('FOR i IN 1..40 RETURN {n: i * 1000};')
    t.press('Enter')
    await t.waitFor(/40000\s*\n[\s\S]*aql>\s*$/m)
  })

  it('asks before a FOR over a whole collection with UPDATE; n leaves the data alone', async () => {
    const t = await shell()
    t.type('FOR a IN airports UPDATE a WITH { flagged: true } IN airports;')
    t.press('Enter')
    await t.waitFor(/it updates every document of airports\. Run it\? \[y\/N\]/)
    t.type('n')
    t.press('Enter')
    await t.waitFor(/not run/)
    const flagged = await (await target.db.query('FOR a IN airports FILTER a.flagged RETURN 1')).all()
    expect(flagged).toEqual([])
  })

  it('a multi-line statement with a // comment comes back runnable from history after a restart', async () => {
    const t = await shell()
    t.type('FOR a IN airports // the one in Bismarck')
    t.press('Enter')
    t.type("FILTER a._key == 'BIS'")
    t.press('Enter')
    t.type('RETURN a.city;')
    t.press('Enter')
    await t.waitFor(/-------\nBismarck/)
    t.type('.exit')
    t.press('Enter')
    t.stop()
    const again = await shell()
    again.press('Up')
    await again.waitFor(
      /aql> FOR a IN airports \/\* the one in Bismarck \*\/ FILTER a\._key == 'BIS' RETURN a\.city;/,
    )
    again.press('Enter')
    await again.waitFor(/-------\nBismarck[\s\S]*aql>\s*$/m)
  })

  it('Ctrl-C stops a query before its first batch arrives', async () => {
    const t = await shell()
    t.type('RETURN SLEEP(20);')
    t.press('Enter')
    await new Promise((r) => setTimeout(r, 700))
    const started = Date.now()
    t.press('C-c')
    await t.waitFor(/SLEEP\(20\);[\s\S]*aql>\s*$/m, 5000)
    expect(Date.now() - started).toBeLessThan(3000)
    t.type('RETURN 7 * 6;')
    t.press('Enter')
    await t.waitFor(/42/)
  })
})
