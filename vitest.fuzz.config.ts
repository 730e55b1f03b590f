import { defineConfig } from 'vitest/config'

// `npm run fuzz`: the long property-based fuzzing run of the engine (test/fuzz/).
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
