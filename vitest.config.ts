import os from 'node:os'

import { defineConfig } from 'vitest/config'

// Most integration files spend their time waiting (the Pub/Sub emulator's redelivery, child
// processes starting, the engine's workers), so two files at once on a 2-core machine finish the
// suite far sooner than vitest's default of cores - 1 (one file at a time there). Every file runs
// its own engine on a free port and its own emulator topics, so files never share state.
const forks = Math.max(2, os.availableParallelism())

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: forks, minForks: 1 } },
    reporters: ['default'],
  },
})
