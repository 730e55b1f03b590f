/**
 * Points XDG_CONFIG_HOME at a fresh temp dir (per test, or per file with `scope: 'file'`) so
 * deployment profiles never touch the user's real config, and restores it afterwards.
 *
 *   const xdg = useTempConfigHome()
 *   it('...', () => { expect(profilesPath()).toBe(path.join(xdg.dir, 'graphpipe', 'deployments.json')) })
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'

export function useTempConfigHome({ scope = 'test' }: { scope?: 'test' | 'file' } = {}): {
  readonly dir: string
} {
  let saved: string | undefined
  let dir: string | undefined
  const setUp = (): void => {
    saved = process.env.XDG_CONFIG_HOME
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-xdg-'))
    process.env.XDG_CONFIG_HOME = dir
  }
  const tearDown = (): void => {
    if (saved === undefined) delete process.env.XDG_CONFIG_HOME
    else process.env.XDG_CONFIG_HOME = saved
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
    dir = undefined
  }
  if (scope === 'file') {
    beforeAll(setUp)
    afterAll(tearDown)
  } else {
    beforeEach(setUp)
    afterEach(tearDown)
  }
  return {
    get dir(): string {
      if (!dir) throw new Error('the temp XDG config dir exists only inside tests and hooks')
      return dir
    },
  }
}
