import { spawnSync } from 'node:child_process'
import v8 from 'node:v8'

import { afterEach, describe, expect, it, vi } from 'vitest'

import { tightenHeapGrowth } from '../../src/runtime/heap.js'

describe('tight V8 heap growth while a result streams', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    vi.unstubAllEnvs()
  })

  const spyFlags = () => vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => {})

  it('sets --heap-growing-percent once for overlapping streams and restores 0 when the last ends', () => {
    const flags = spyFlags()
    const first = tightenHeapGrowth()
    const second = tightenHeapGrowth()
    expect(flags.mock.calls).toEqual([['--heap-growing-percent=50']])
    first()
    first() // releasing twice does not end the other stream's hold
    expect(flags).toHaveBeenCalledTimes(1)
    second()
    expect(flags.mock.calls).toEqual([['--heap-growing-percent=50'], ['--heap-growing-percent=0']])
  })

  it('leaves a growth factor given to node (NODE_OPTIONS) alone', () => {
    const flags = spyFlags()
    vi.stubEnv('NODE_OPTIONS', '--heap-growing-percent=0')
    tightenHeapGrowth()()
    expect(flags).not.toHaveBeenCalled()
  })

  it('uses a flag this Node version has (an unknown one would be ignored without a word)', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout
    expect(options).toMatch(/^\s+--heap-growing-percent \(/m)
  })
})
