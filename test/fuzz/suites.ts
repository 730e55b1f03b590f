/**
 * The fuzzing suites, shared by the long run (`npm run fuzz`, test/fuzz/engine.fuzz.ts) and the
 * seeded smoke run of the normal suite (test/fuzz/smoke.test.ts): only the budgets differ.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, it } from 'vitest'
import {
  garbageCase,
  generatedCase,
  mutatedCase,
  pathologicalCase,
  seedQueries,
  type AqlCase,
} from './aql-arbitrary.js'
import {
  checkAlive,
  checkCursor,
  checkRoute,
  openInProcess,
  params,
  routeRequestArb,
  startLive,
  type FuzzBudget,
  type InProcess,
  type Live,
} from './properties.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export interface Budgets {
  /** Per in-process property (parser/planner/executor). */
  inProcess: FuzzBudget
  /** Per property over HTTP. */
  http: FuzzBudget
  /** Pathological shapes (each is big: few runs). */
  pathological: FuzzBudget
}

export function fuzzSuites(budgets: Budgets): void {
  const seeds = seedQueries(ROOT)

  describe('AQL in-process (lexer, parser, planner, executor)', () => {
    let ip: InProcess
    beforeAll(async () => {
      ip = await openInProcess()
    })
    afterAll(() => ip?.close())

    // async, one event-loop turn per case: a long synchronous run starves vitest's worker RPC
    const inProcess = (arb: fc.Arbitrary<AqlCase>, budget: FuzzBudget) =>
      fc.assert(
        fc.asyncProperty(arb, async (c) => {
          await new Promise((resolve) => setImmediate(resolve))
          ip.check(c)
        }),
        params(budget),
      )

    it('grammar-generated queries never escape as a JavaScript exception or errorNum 4', async () => {
      await inProcess(generatedCase, budgets.inProcess)
    })
    it('mutated conformance and test queries never escape either', async () => {
      await inProcess(mutatedCase(seeds), budgets.inProcess)
    })
    it('garbage text is a clean syntax error', async () => {
      await inProcess(garbageCase, budgets.inProcess)
    })
    it('deep nesting and long condition lists answer or refuse with 1524', async () => {
      await inProcess(pathologicalCase, budgets.pathological)
    })
  })

  describe('over HTTP against a live engine', () => {
    let live: Live
    beforeAll(async () => {
      live = await startLive()
    })
    afterAll(async () => {
      await live?.close()
    })

    it('POST /_api/cursor, /_api/explain and /_api/query: no 500, no errorNum 4, answered in time', async () => {
      const api = fc.constantFrom('cursor' as const, 'cursor' as const, 'explain' as const, 'query' as const)
      const anyCase = fc.oneof(generatedCase, mutatedCase(seeds), garbageCase)
      await fc.assert(
        fc.asyncProperty(anyCase, api, async (c, a) => {
          await checkCursor(live, c, a)
        }),
        params(budgets.http),
      )
      await checkAlive(live)
    })

    it('every route, with random parameters, query strings, headers and bodies', async () => {
      let n = 0
      await fc.assert(
        fc.asyncProperty(routeRequestArb(), async (r) => {
          try {
            await checkRoute(live, r)
          } finally {
            await live.cleanup()
            if (++n % 50 === 0) await live.reset()
          }
        }),
        params(budgets.http),
      )
      await checkAlive(live)
    })

    it('pathological queries over HTTP', async () => {
      await fc.assert(
        fc.asyncProperty(pathologicalCase, async (c) => checkCursor(live, c)),
        params(budgets.pathological),
      )
      await checkAlive(live)
    })
  })
}
