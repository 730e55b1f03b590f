/**
 * The execution plan: typed nodes as arangod names them (Aql/ExecutionNode.h), each a step of one
 * query level's pipeline. The planner (planner.ts) builds them from the AST, the optimizer rules
 * (rules/) rewrite them, the stages (../exec/) run them and explain (explain.ts) prints them.
 * A node keeps the AST it executes (`op`, `expr`); explain prints only ArangoDB's attributes.
 */
import type { Expr, Op, Pattern } from '../ast.js'

type ForOp = Extract<Op, { type: 'for' }>
export type ModificationOp = Extract<Op, { type: 'insert' | 'update' | 'replace' | 'remove' | 'upsert' }>

interface Base {
  id: number
  dependencies: number[]
}

export interface SingletonNode extends Base {
  type: 'SingletonNode'
}
/** `LET v = expr`, or the temporary variable (`#n`) a FILTER, RETURN, FOR or write reads. */
export interface CalculationNode extends Base {
  type: 'CalculationNode'
  outVariable: string
  expr: Expr
  destructure?: Pattern
}
/** `LET v = (FOR …)` and `FOR x IN (FOR …)` / `RETURN (FOR …)`: the nested plan, run per row. */
export interface SubqueryNode extends Base {
  type: 'SubqueryNode'
  outVariable: string
  subquery: Pipeline
  destructure?: Pattern
}
export interface FilterNode extends Base {
  type: 'FilterNode'
  inVariable: string
  /** SEARCH: planned where it stands so that the checks before it come first; building it fails (501). */
  unsupported?: string
}
export interface EnumerateCollectionNode extends Base {
  type: 'EnumerateCollectionNode'
  collection: string
  outVariable: string
  op: ForOp
  /** OPTIONS {disableIndex: true} (ArangoDB 3.9+): the rule use-indexes leaves it a scan. */
  disableIndex: boolean
  /** Variables bound before this FOR: an index condition may read only these. */
  inScope: string[]
}
/** One condition `v.path <op> value` an index lookup evaluates `value` of. */
export interface IndexCondition {
  path: string[]
  op: '==' | 'IN' | '<' | '<=' | '>' | '>='
  value: Expr
}
export type IndexAccess =
  | { kind: 'primary-key' | 'primary-id'; cond: IndexCondition }
  | { kind: 'edge'; attr: '_from' | '_to'; cond: IndexCondition }
  | { kind: 'persistent'; indexId: string; sparse: boolean; eq: IndexCondition[]; range: IndexCondition[] }
export interface IndexNode extends Base {
  type: 'IndexNode'
  collection: string
  outVariable: string
  op: ForOp
  /** The index as /_api/explain reports it. */
  index: Record<string, unknown>
  access: IndexAccess
}
export interface EnumerateListNode extends Base {
  type: 'EnumerateListNode'
  inVariable: string
  outVariable: string
  op: ForOp
}
export interface TraversalNode extends Base {
  type: 'TraversalNode'
  op: Extract<Op, { type: 'traversal' }>
  /** Filled in when the stage is built (a named graph's edge collections are read then). */
  edgeCollections?: string[]
}
/** SHORTEST_PATH -> ShortestPathNode; K_SHORTEST_PATHS, K_PATHS, ALL_SHORTEST_PATHS -> EnumeratePathsNode. */
export interface PathNode extends Base {
  type: 'ShortestPathNode' | 'EnumeratePathsNode'
  op: Extract<Op, { type: 'path' }>
  /** Filled in when the stage is built, as for TraversalNode. */
  edgeCollections?: string[]
}
export interface SortNode extends Base {
  type: 'SortNode'
  op: Extract<Op, { type: 'sort' }>
  /** Set by the rule sort-limit: only the first offset+count rows are kept. */
  limit?: { offset: Expr; count: Expr }
}
export interface LimitNode extends Base {
  type: 'LimitNode'
  offset: Expr
  count: Expr
  /** The last top-level LIMIT with `fullCount`: counts every row it sees. */
  fullCount: boolean
}
export interface CollectNode extends Base {
  type: 'CollectNode'
  op: Extract<Op, { type: 'collect' }>
  /**
   * RETURN DISTINCT's anonymous COLLECT (ExecutionPlan::createAnonymousCollect): one group
   * variable, method "distinct", values passed on in the order first seen.
   */
  distinct?: boolean
}
export interface WindowNode extends Base {
  type: 'WindowNode'
  op: Extract<Op, { type: 'window' }>
}
export interface ModificationNode extends Base {
  type: 'InsertNode' | 'UpdateNode' | 'ReplaceNode' | 'RemoveNode' | 'UpsertNode'
  collection: string
  op: ModificationOp
}
export interface ReturnNode extends Base {
  type: 'ReturnNode'
  inVariable: string
}

export type PlanNode =
  | SingletonNode
  | CalculationNode
  | SubqueryNode
  | FilterNode
  | EnumerateCollectionNode
  | IndexNode
  | EnumerateListNode
  | TraversalNode
  | PathNode
  | SortNode
  | LimitNode
  | CollectNode
  | WindowNode
  | ModificationNode
  | ReturnNode

export type NodeType = PlanNode['type']

/** One query level: nodes in execution order, each depending on the one before. */
export interface Pipeline {
  nodes: PlanNode[]
}

export interface ExecutionPlan {
  root: Pipeline
  /** The optimizer rules that changed the plan, by ArangoDB's names, in the order they fired. */
  rules: string[]
  isModification: boolean
}

/** A temporary variable of the planner (`#3`): read only by the node right after its CalculationNode. */
export const isTemporary = (name: string) => name.startsWith('#')
