import type { Database } from 'arangojs'

import { EXIT, GraphpipeError } from '../errors.js'
import type { BindVars } from './bind.js'
import { describeNode } from './report.js'

/**
 * The plan node types of ArangoDB's data-modification operations (docs.arangodb.com 3.12, "Execution
 * plans: node types": InsertNode, RemoveNode, ReplaceNode, UpdateNode, UpsertNode).
 */
export const MODIFICATION_NODES = [
  'InsertNode',
  'UpdateNode',
  'ReplaceNode',
  'RemoveNode',
  'UpsertNode',
] as const

type PlanNode = Record<string, any>

/** Every modification node in a plan, subqueries included (older servers nest them in `subquery`). */
export function modificationNodes(plan: unknown): PlanNode[] {
  const found: PlanNode[] = []
  const walk = (x: unknown, depth: number): void => {
    if (depth > 32 || !x || typeof x !== 'object') return
    if (Array.isArray(x)) {
      for (const v of x) walk(v, depth + 1)
      return
    }
    const o = x as PlanNode
    if (typeof o.type === 'string' && (MODIFICATION_NODES as readonly string[]).includes(o.type))
      found.push(o)
    for (const [k, v] of Object.entries(o))
      if (k === 'nodes' || k === 'subquery' || k === 'plan') walk(v, depth + 1)
  }
  walk(plan, 0)
  return found
}

export class ReadOnlyError extends GraphpipeError {
  constructor(node: PlanNode) {
    const what = describeNode(node) || node.type
    super(
      'QUERY_READ_ONLY',
      `refused in read-only mode: the plan has ${/^[AEIOU]/.test(node.type) ? 'an' : 'a'} ${node.type} (node ${node.id ?? '?'}: ${what}); nothing was run (leave read-only with --no-read-only or .readonly off)`,
      EXIT.FAILED,
    )
  }
}

/**
 * Refuses a query that would write, before it runs: asks the server for the plan
 * (POST /_api/explain) and throws {@link ReadOnlyError} naming the first modification node.
 * A query that does not parse fails here with the server's error, as it would when run.
 */
export async function assertReadOnly(db: Database, query: string, bindVars: BindVars): Promise<void> {
  const explained = (await db.explain(query, bindVars)) as unknown as PlanNode
  const nodes = modificationNodes(explained.plan ?? explained.plans ?? explained)
  if (nodes.length > 0) throw new ReadOnlyError(nodes[0])
}

/**
 * Whether a statement removes or overwrites in bulk, which the shell confirms first: a REMOVE, or an
 * UPDATE/REPLACE inside a FOR over a whole collection (no FILTER or LIMIT in the way). From the plan,
 * so it sees what the server would do and not what the text looks like.
 */
export function destructiveReason(plan: unknown): string | undefined {
  const explained = plan as PlanNode
  const nodes: PlanNode[] = (explained.plan ?? explained.plans?.[0] ?? explained).nodes ?? []
  const mods = modificationNodes(explained.plan ?? explained)
  const remove = mods.find((n) => n.type === 'RemoveNode')
  if (remove) return `it removes documents from ${remove.collection ?? 'a collection'}`
  const overwrite = mods.find((n) => n.type === 'UpdateNode' || n.type === 'ReplaceNode')
  if (!overwrite) return undefined
  const narrowed = nodes.some(
    (n) => n.type === 'FilterNode' || n.type === 'LimitNode' || n.type === 'IndexNode',
  )
  // ArangoDB 3.12 moves a FILTER into the scan itself (`filter` on the node): then it is narrowed too
  const scans = nodes.some((n) => n.type === 'EnumerateCollectionNode' && n.filter === undefined)
  if (scans && !narrowed) {
    const verb = overwrite.type === 'UpdateNode' ? 'updates' : 'replaces'
    return `it ${verb} every document of ${overwrite.collection ?? 'a collection'}`
  }
  return undefined
}
