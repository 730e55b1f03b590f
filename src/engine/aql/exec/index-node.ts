/** IndexNode: `FOR v IN coll` through the index the rule use-indexes chose (primary, edge, persistent). */
import type { Doc, IndexCondition as StoreCondition } from '../../storage/types.js'
import type { Scope } from '../expr/scope.js'
import type { IndexNode } from '../plan/nodes.js'
import type { AqlValue } from '../values.js'
import { CHECK_MASK, type BuildContext, type Frame, type StageResult } from './types.js'

type Lookup = (f: Frame) => Iterable<Doc>

/**
 * The lookup of each frame. The primary and edge indexes answer `==` with one value and `IN` with
 * each value of a list, every distinct string once; a persistent index answers its equality
 * prefix and range in one store lookup.
 */
function lookupOf(b: BuildContext, node: IndexNode, outer: Scope): Lookup {
  const { store, db, stats } = b.ctx
  const coll = node.collection
  const a = node.access
  if (a.kind === 'persistent') return persistentLookup(b, node, a, outer)
  const value = b.expr(a.cond.value, outer)
  const many = a.cond.op === 'IN'
  const find: (s: string) => Iterable<Doc> =
    a.kind === 'edge'
      ? (id) => store.edges(db, coll, a.attr === '_from' ? 'out' : 'in', id)
      : (k) => {
          let key = k
          if (a.kind === 'primary-id') {
            const slash = k.indexOf('/')
            if (slash < 0 || k.slice(0, slash) !== coll) return []
            key = k.slice(slash + 1)
          } else {
            stats.documentLookups++
          }
          const d = store.get(db, coll, key)
          return d ? [d] : []
        }
  return function* (f) {
    const v = value(f)
    const seen = new Set<string>()
    for (const s of many ? (Array.isArray(v) ? v : []) : [v]) {
      if (typeof s !== 'string' || seen.has(s)) continue
      seen.add(s)
      yield* find(s)
    }
  }
}

function persistentLookup(
  b: BuildContext,
  node: IndexNode,
  a: Extract<IndexNode['access'], { kind: 'persistent' }>,
  outer: Scope,
): Lookup {
  const { store, db } = b.ctx
  const coll = node.collection
  const eq = a.eq.map((c) => b.expr(c.value, outer))
  const range = a.range.map((c) => ({ op: c.op, value: b.expr(c.value, outer) }))
  // a sparse index holds no document with null in a field without [*] (an array index's members
  // are indexed even when null: the 3.12 manual, "Indexing array values")
  const fields = (node.index.fields ?? []) as string[]
  const sparseAt = fields.map((f) => a.sparse && !f.includes('[*]'))
  return (f) => {
    const cond: StoreCondition = { eq: eq.map((fn) => fn(f)) }
    for (const r of range) {
      const value = r.value(f)
      if (r.op === '<' || r.op === '<=') cond.upper = { value, inclusive: r.op === '<=' }
      else cond.lower = { value, inclusive: r.op === '>=' }
    }
    if (cond.eq!.some((x, i) => x === null && sparseAt[i])) return fullScan(b, coll)
    return store.indexLookup(db, coll, a.indexId, cond)
  }
}

function* fullScan(b: BuildContext, coll: string): Generator<Doc> {
  for (const d of b.ctx.store.scan(b.ctx.db, coll)) {
    b.ctx.stats.scannedFull++
    yield d
  }
}

export function indexNode(b: BuildContext, node: IndexNode, sc: Scope): StageResult {
  b.requireColl(node.collection)
  const lookup = lookupOf(b, node, sc)
  const slot = b.slot()
  const { stats, cancel } = b.ctx
  return {
    scope: sc.with(node.outVariable, slot),
    stage: function* (input) {
      let n = 0
      for (const f of input) {
        for (const d of lookup(f)) {
          if ((++n & CHECK_MASK) === 0) cancel.check()
          stats.scannedIndex++
          const g = f.slice()
          g[slot] = d as AqlValue
          yield g
        }
      }
    },
  }
}
