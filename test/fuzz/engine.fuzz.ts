/**
 * The long fuzzing run: `npm run fuzz` (FUZZ_RUNS runs and at most FUZZ_SECONDS seconds per
 * property, a random seed unless FUZZ_SEED is set; fast-check prints the seed and the shrunk
 * counterexample of a failure).
 */
import { longBudget } from './properties.js'
import { fuzzSuites } from './suites.js'

const budget = longBudget()
fuzzSuites({
  inProcess: budget,
  http: budget,
  pathological: { numRuns: Math.max(20, Math.floor(budget.numRuns / 50)), seconds: budget.seconds },
})
