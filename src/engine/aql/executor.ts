/**
 * The entry point of AQL execution: parse (parser.ts) → plan (plan/planner.ts) → optimize
 * (plan/optimizer.ts, one module per rule in plan/rules/) → build the stages (exec/builder.ts,
 * one module per node kind in exec/) → run. Explain prints the very plan the stages run
 * (plan/serialize.ts). Callable from any thread: it needs only a Store, the query and options
 * (including `cancel`, the query's Cancellation).
 */
import { arangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import { QueryContext, type FunctionLibrary, type NodeStats, type QueryOptions } from './context.js'
import { PlanBuilder } from './exec/builder.js'
import { hasOwn } from './expr/util.js'
import type { ExecutionPlan } from './plan/nodes.js'
import { constantFolder } from './plan/constant-folding.js'
import { optimize } from './plan/optimizer.js'
import { Planner } from './plan/planner.js'
import { explainPlan } from './plan/serialize.js'
import { withinStack } from './limits.js'
import { parseQuery } from './parser.js'
import { readSnapshot } from './snapshot.js'
import type { AqlValue } from './values.js'

export { QueryContext, newStats } from './context.js'
export type { Frame, FunctionLibrary, NodeStats, QueryOptions, QueryStats, Warning } from './context.js'
export { aqlLike } from './expr/operators.js'
export type { PathValue } from './traversal.js'

export interface CompiledQuery {
  ctx: QueryContext
  isModification: boolean
  /** The optimized plan the stages run. */
  plan: ExecutionPlan
  /** The plan as /_api/explain and `extra.plan` print it. */
  explain(): Record<string, unknown>
  /** With `profileNodes`: counters per plan node, filled while the query runs. */
  nodeStats: NodeStats[]
  collections: { name: string; type: 'read' | 'write' }[]
  /** Lazy result; modification queries must be consumed inside `store.transaction`. */
  run(): Iterable<AqlValue>
  /** The whole result: writes atomically in one transaction, reads in one read snapshot. */
  all(): AqlValue[]
}

function checkBindVars(declared: Set<string>, bindVars: Record<string, unknown>): void {
  for (const p of declared) {
    if (!hasOwn(bindVars, p)) {
      throw arangoError(
        'QUERY_BIND_PARAMETER_MISSING',
        `no value specified for declared bind parameter '${p}' (while parsing)`,
      )
    }
  }
  for (const k of Object.keys(bindVars)) {
    if (!declared.has(k)) {
      throw arangoError(
        'QUERY_BIND_PARAMETER_UNDECLARED',
        `bind parameter '${k}' was not declared in the query`,
      )
    }
  }
  for (const p of declared) {
    if (p.startsWith('@')) {
      const v = bindVars[p]
      if (typeof v !== 'string' || v === '') {
        throw arangoError(
          'QUERY_BIND_PARAMETER_TYPE',
          `bind parameter '${p}' has an invalid value or type (while parsing)`,
        )
      }
    }
  }
}

export function compileQuery(
  store: Store,
  db: string,
  text: string,
  bindVars: Record<string, unknown>,
  lib: FunctionLibrary,
  options: QueryOptions = {},
): CompiledQuery {
  const parsed = parseQuery(text)
  checkBindVars(new Set(parsed.bindParams), bindVars)
  const ctx = new QueryContext(store, db, options)
  const planner = new Planner(bindVars, options.fullCount === true, constantFolder(lib, ctx, bindVars))
  const plan = withinStack(() => optimize(planner.plan(parsed.query), { store, db }))
  const builder = new PlanBuilder(ctx, bindVars, lib, planner, plan.rules)
  const run = withinStack(() => builder.top(plan.root))
  const isModification = plan.isModification || builder.isModification
  const collections = [...builder.collectionsUsed].map(([name, type]) => ({ name, type }))
  return {
    ctx,
    isModification,
    plan,
    explain: () => explainPlan(plan, store, db, collections, isModification),
    nodeStats: builder.nodeStats,
    collections,
    run: () => run([]),
    all: () =>
      isModification ? store.transaction(() => [...run([])]) : readSnapshot(store, () => [...run([])]),
  }
}
