import { PassThrough } from 'node:stream'

import { afterEach, describe, expect, it } from 'vitest'

import { inCI, spinnerAllowed, startProgress } from '../../src/ui/progress.js'

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string }
  let buf = ''
  s.on('data', (c: Buffer) => (buf += c.toString()))
  Object.assign(s, {
    isTTY,
    columns: 80,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  })
  s.text = () => buf
  return s
}

const savedCI = process.env.CI
afterEach(() => {
  if (savedCI === undefined) delete process.env.CI
  else process.env.CI = savedCI
})

describe('progress', () => {
  it('prints nothing when the stream is not a TTY', () => {
    const s = fakeStream(false)
    const p = startProgress('working', { stream: s })
    p.update('still working')
    p.succeed('done')
    expect(p.active).toBe(false)
    expect(s.text()).toBe('')
  })

  it('prints nothing on a TTY when the command is silent (--json/--quiet)', () => {
    delete process.env.CI
    const s = fakeStream(true)
    const p = startProgress('working', { stream: s, silent: true })
    p.fail('broken')
    expect(s.text()).toBe('')
  })

  it('animates on a TTY outside CI and ends with the final text', () => {
    delete process.env.CI
    const s = fakeStream(true)
    const p = startProgress('working', { stream: s })
    expect(p.active).toBe(true)
    p.update('step 2')
    p.succeed('all done')
    expect(p.active).toBe(false)
    expect(s.text()).toContain('all done')
  })

  it('treats CI=true as CI and CI=false or empty as not', () => {
    expect(inCI({ CI: 'true' })).toBe(true)
    expect(inCI({ CI: '1' })).toBe(true)
    expect(inCI({ CI: 'false' })).toBe(false)
    expect(inCI({ CI: '' })).toBe(false)
    expect(inCI({})).toBe(false)
  })

  it('does not allow a spinner in CI even on a TTY', () => {
    process.env.CI = 'true'
    expect(spinnerAllowed(false, fakeStream(true))).toBe(false)
  })
})
