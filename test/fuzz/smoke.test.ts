/**
 * A short, seeded run of the engine's fuzzing properties (test/fuzz/suites.ts) in the normal
 * suite; `npm run fuzz` runs them long (FUZZ_RUNS / FUZZ_SECONDS). Seeded so a failure here
 * reproduces; new seeds are the long run's job.
 */
import { fuzzSuites } from './suites.js'

fuzzSuites({
  inProcess: { numRuns: 150, seconds: 1.5, seed: 1317 },
  http: { numRuns: 60, seconds: 1.5, seed: 1317 },
  pathological: { numRuns: 6, seconds: 1.5, seed: 1317 },
})
