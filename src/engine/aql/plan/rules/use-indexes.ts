/**
 * use-indexes (ArangoDB 3.12 "AQL optimizer rules": "Use indexes to iterate over collections"):
 * an EnumerateCollectionNode whose directly following FILTERs compare attributes of its variable
 * with values known before the loop becomes an IndexNode: `_key`/`_id` equality or IN (primary
 * index), `_from`/`_to` (edge index), or the longest equality prefix plus one range on the fields
 * of a persistent index; `x IN v.tags[*]` is an equality on an array index's `tags[*]` field. The FILTERs stay and re-check every candidate (remove-filter-covered-by-index
 * is not implemented, so it never fires).
 */
import type { BinaryOp, Expr } from '../../ast.js'
import { attrPath, conjuncts, FLIP, freeNames } from '../../expr/util.js'
import {
  isTemporary,
  type EnumerateCollectionNode,
  type IndexAccess,
  type IndexCondition,
  type IndexNode,
  type Pipeline,
  type SubqueryNode,
} from '../nodes.js'
import type { OptimizerRule, RuleEnv } from './types.js'

const INDEXABLE = new Set<BinaryOp>(['==', '<', '<=', '>', '>=', 'IN'])
const RANGE = new Set<string>(['<', '<=', '>', '>='])

/** The conditions on `n.outVariable` of the FILTERs right after `n` (a CalculationNode + FilterNode each). */
function conditions(p: Pipeline, at: number, n: EnumerateCollectionNode): IndexCondition[] {
  const v = n.outVariable
  const inScope = new Set(n.inScope)
  const conds: IndexCondition[] = []
  for (let j = at + 1; j + 1 < p.nodes.length; j += 2) {
    // a subquery pulled out of the FILTER's expression runs just before its CalculationNode
    while (p.nodes[j]?.type === 'SubqueryNode' && isTemporary((p.nodes[j] as SubqueryNode).outVariable)) j++
    const calc = p.nodes[j]
    const filter = p.nodes[j + 1]
    if (calc?.type !== 'CalculationNode' || filter?.type !== 'FilterNode') break
    if (filter.inVariable !== calc.outVariable || filter.unsupported) break
    for (const c of conjuncts(calc.expr, [])) {
      if (c.type !== 'binary' || !INDEXABLE.has(c.op)) continue
      let path = attrPath(c.left, v)
      let other: Expr = c.right
      let op = c.op
      if (!path && c.op !== 'IN') {
        path = attrPath(c.right, v)
        other = c.left
        op = FLIP[c.op]!
      } else if (!path) {
        // `x IN v.tags` / `x IN v.tags[*]` / `x IN v.tags[*].name`: equality with one entry of
        // the array index over `tags[*]` (`tags[*].name`)
        path = memberPath(c.right, v)
        other = c.left
        op = '=='
      }
      if (!path) continue
      const names = new Set<string>()
      if (!freeNames(other, names)) continue
      if (names.has(v) || [...names].some((x) => !inScope.has(x))) continue
      conds.push({ path, op: op as IndexCondition['op'], value: other })
    }
  }
  return conds
}

/**
 * The array index field an IN's right side reads, as the 3.12 manual lists the forms that use an
 * array index (Index basics, "Indexing array values"): `v.tags` and `v.tags[*]` for `tags[*]`
 * (the expansion "is purely cosmetic"), `v.tags[*].name` for `tags[*].name` (the expansion is
 * required there); an expansion with an inline FILTER, LIMIT or RETURN, or `[**]`, is none of them.
 */
function memberPath(e: Expr, v: string): string[] | null {
  let base: string[] | null
  const inner: string[] = []
  if (e.type === 'expand') {
    if (e.depth !== 1 || e.filter || e.limit || e.ret) return null
    base = attrPath(e.obj, v)
    let cur = e.inner
    while (cur?.type === 'attr') {
      inner.unshift(cur.name)
      cur = cur.obj
    }
    if (cur !== undefined && cur.type !== 'current') return null
  } else {
    base = attrPath(e, v)
  }
  if (!base) return null
  return [...base.slice(0, -1), base[base.length - 1] + '[*]', ...inner]
}

function choose(
  n: EnumerateCollectionNode,
  conds: IndexCondition[],
  env: RuleEnv,
): { index: Record<string, unknown>; access: IndexAccess } | null {
  if (conds.length === 0) return null
  const coll = n.collection
  const primary = {
    id: `${coll}/0`,
    name: 'primary',
    type: 'primary',
    fields: ['_key'],
    unique: true,
    sparse: false,
  }
  const one = (attr: string) =>
    conds.find((c) => c.path.length === 1 && c.path[0] === attr && (c.op === '==' || c.op === 'IN'))
  const key = one('_key')
  if (key) return { index: primary, access: { kind: 'primary-key', cond: key } }
  const id = one('_id')
  if (id) return { index: primary, access: { kind: 'primary-id', cond: id } }
  const indexes = env.store.listIndexes(env.db, coll)
  for (const attr of ['_from', '_to'] as const) {
    const c = one(attr)
    const edgeIdx = indexes.find((x) => x.type === 'edge')
    if (c && edgeIdx)
      return { index: { ...edgeIdx, fields: [attr] }, access: { kind: 'edge', attr, cond: c } }
  }
  let best: {
    idx: (typeof indexes)[number]
    eq: IndexCondition[]
    range: IndexCondition[]
    score: number
  } | null = null
  for (const idx of indexes) {
    if (idx.type !== 'persistent') continue
    const eq: IndexCondition[] = []
    let range: IndexCondition[] = []
    for (const field of idx.fields) {
      const c = conds.find((x) => x.path.join('.') === field && x.op === '==')
      if (c) {
        eq.push(c)
        continue
      }
      // an array index answers only the IN lookups of its entries (the 3.12 manual: the other
      // comparison operators "cannot use array indexes currently")
      if (!idx.fields.some((f) => f.includes('[*]'))) {
        range = conds.filter((x) => x.path.join('.') === field && RANGE.has(x.op))
      }
      break
    }
    const score = eq.length * 2 + (range.length ? 1 : 0)
    if (score === 0) continue
    if (!best || score > best.score) best = { idx, eq, range, score }
  }
  if (!best) return null
  const { idx, eq, range } = best
  return { index: { ...idx }, access: { kind: 'persistent', indexId: idx.id, sparse: idx.sparse, eq, range } }
}

export const useIndexes: OptimizerRule = {
  name: 'use-indexes',
  apply(p: Pipeline, env: RuleEnv): boolean {
    let fired = false
    p.nodes.forEach((n, i) => {
      if (n.type !== 'EnumerateCollectionNode' || n.disableIndex) return
      // a collection that does not exist fails later, when its stage is built
      if (!env.store.getCollection(env.db, n.collection)) return
      const chosen = choose(n, conditions(p, i, n), env)
      if (!chosen) return
      const node: IndexNode = {
        type: 'IndexNode',
        id: n.id,
        dependencies: n.dependencies,
        collection: n.collection,
        outVariable: n.outVariable,
        op: n.op,
        index: chosen.index,
        access: chosen.access,
      }
      p.nodes[i] = node
      fired = true
    })
    return fired
  },
}
