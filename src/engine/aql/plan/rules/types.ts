/** An optimizer rule: one pass over a query level's pipeline, named as in ArangoDB's manual. */
import type { Store } from '../../../storage/types.js'
import type { Pipeline } from '../nodes.js'

export interface RuleEnv {
  store: Store
  db: string
}

export interface OptimizerRule {
  /** ArangoDB 3.12's name (docs "AQL optimizer rules"), recorded in the plan's `rules` when it fires. */
  name: string
  /** Rewrites `p` in place; true when it changed something. */
  apply(p: Pipeline, env: RuleEnv): boolean
}
