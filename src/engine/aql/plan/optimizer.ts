/**
 * The optimizer: runs each rule (rules/, one module per rule) over every pipeline of the plan,
 * nested subqueries included, and records in `plan.rules` the ones that changed something.
 */
import type { ExecutionPlan, Pipeline } from './nodes.js'
import { sortLimit } from './rules/sort-limit.js'
import type { OptimizerRule, RuleEnv } from './rules/types.js'
import { useIndexes } from './rules/use-indexes.js'

/** In the order arangod runs them (index selection before sort-limit). */
export const RULES: readonly OptimizerRule[] = [useIndexes, sortLimit]

function applyDeep(rule: OptimizerRule, p: Pipeline, env: RuleEnv): boolean {
  let fired = rule.apply(p, env)
  for (const n of p.nodes) if (n.type === 'SubqueryNode' && applyDeep(rule, n.subquery, env)) fired = true
  return fired
}

/** Optimize one pipeline (and its subqueries); returns the names of the rules that fired. */
export function optimizePipeline(p: Pipeline, env: RuleEnv, rules = RULES): string[] {
  return rules.filter((r) => applyDeep(r, p, env)).map((r) => r.name)
}

export function optimize(plan: ExecutionPlan, env: RuleEnv, rules = RULES): ExecutionPlan {
  for (const name of optimizePipeline(plan.root, env, rules))
    if (!plan.rules.includes(name)) plan.rules.push(name)
  return plan
}
