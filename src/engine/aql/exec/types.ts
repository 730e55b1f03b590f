/**
 * What an execution stage is and what it may ask of the query being built. A stage is a lazy
 * generator over frames (slot arrays of the variables in scope): FOR multiplies them, FILTER
 * drops them, LET extends them; SORT, COLLECT and WINDOW block. One module per node kind builds
 * its stage from the plan node (../plan/nodes.ts); builder.ts chains them.
 */
import type { CollRef, Expr } from '../ast.js'
import type { Frame, QueryContext } from '../context.js'
import type { Fn } from '../expr/compile.js'
import type { Scope } from '../expr/scope.js'
import type { GraphAccess } from '../traversal.js'
import type { AqlValue } from '../values.js'
import type { CollectionInfo } from '../../storage/types.js'

export type { Fn, Frame }
export type Stage = (input: Iterable<Frame>, base: Frame) => Iterable<Frame>
export type Output = (input: Iterable<Frame>, base: Frame) => Iterable<AqlValue>
/**
 * A stage that maps each row to one row or none (FILTER, LET) may also offer that as `row`: the
 * builder then runs a run of such stages as one loop instead of one generator per stage, so a
 * query with thousands of FILTERs or LETs neither nests thousands of generators deep nor pays a
 * generator hop per row and stage.
 */
export type RowOp = (f: Frame) => Frame | undefined
export type StageResult = { stage: Stage; scope: Scope; row?: RowOp } | { output: Output }

/** Rows between two cancellation checks in a stage's loop (a counter test, cheap enough per row). */
export const CHECK_MASK = 1023

export interface BuildContext {
  readonly ctx: QueryContext
  readonly bind: Record<string, unknown>
  readonly currentStack: AqlValue[]
  readonly graph: GraphAccess
  expr(e: Expr, sc: Scope): Fn
  /** An expression that must be known before the query runs (OPTIONS). */
  constant(e: Expr, sc: Scope): AqlValue
  slot(): number
  requireColl(name: string, access?: 'read' | 'write'): CollectionInfo
  collName(ref: CollRef): string
  /** A write to `coll` by `nodeType`: later reads of it in the query fail (1579). */
  markModified(coll: string, nodeType: string): void
}

/** What a stage builder gets besides its node. */
export interface StageInput {
  /** The expression of the CalculationNode right before, when that node's temporary variable is
   *  read only by this node: the stage evaluates it itself instead of storing it in the frame. */
  calc: Expr | null
  /** The scope at the start of this query level (COLLECT … INTO keeps this level's variables). */
  level: Scope
}
