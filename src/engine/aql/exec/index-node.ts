/** IndexNode: `FOR v IN coll` through the index the rule use-indexes chose (primary, edge, persistent). */
import type { Doc, IndexCondition as StoreCondition } from '../../storage/types.js'
import type { Scope } from '../expr/scope.js'
import type { IndexNode } from '../plan/nodes.js'
import type { AqlValue } from '../values.js'
import { CHECK_MASK, type BuildContext, type Frame, type StageResult } from './types.js'

type Lookup = (f: Frame) => Iterable<Doc>

function lookupOf(b: BuildContext, node: IndexNode, outer: Scope): Lookup {
  const { store, db, stats } = b.ctx
  const coll = node.collection
  const a = node.access
  const values = (v: AqlValue, op: string) => (op === 'IN' ? (Array.isArray(v) ? v : []) : [v])
  switch (a.kind) {
    case 'primary-key': {
      const value = b.expr(a.cond.value, outer)
      return (f) => {
        const out: Doc[] = []
        const seen = new Set<string>()
        for (const k of values(value(f), a.cond.op)) {
          if (typeof k !== 'string' || seen.has(k)) continue
          seen.add(k)
          stats.documentLookups++
          const d = store.get(db, coll, k)
          if (d) out.push(d)
        }
        return out
      }
    }
    case 'primary-id': {
      const value = b.expr(a.cond.value, outer)
      return (f) => {
        const out: Doc[] = []
        const seen = new Set<string>()
        for (const id of values(value(f), a.cond.op)) {
          if (typeof id !== 'string' || seen.has(id)) continue
          seen.add(id)
          const slash = id.indexOf('/')
          if (slash < 0 || id.slice(0, slash) !== coll) continue
          const d = store.get(db, coll, id.slice(slash + 1))
          if (d) out.push(d)
        }
        return out
      }
    }
    case 'edge': {
      const value = b.expr(a.cond.value, outer)
      const dir = a.attr === '_from' ? 'out' : 'in'
      return (f) => {
        const out: Doc[] = []
        const seen = new Set<string>()
        for (const id of values(value(f), a.cond.op)) {
          if (typeof id !== 'string' || seen.has(id)) continue
          seen.add(id)
          out.push(...store.edges(db, coll, dir, id))
        }
        return out
      }
    }
    case 'persistent': {
      const eq = a.eq.map((c) => b.expr(c.value, outer))
      const range = a.range.map((c) => ({ op: c.op, value: b.expr(c.value, outer) }))
      return (f) => {
        const cond: StoreCondition = { eq: eq.map((fn) => fn(f)) }
        for (const r of range) {
          const value = r.value(f)
          if (r.op === '<' || r.op === '<=') cond.upper = { value, inclusive: r.op === '<=' }
          else cond.lower = { value, inclusive: r.op === '>=' }
        }
        // a sparse index holds no nulls: equality with null cannot use it
        if (a.sparse && cond.eq!.some((x) => x === null)) return fullScan(b, coll)
        return store.indexLookup(db, coll, a.indexId, cond)
      }
    }
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
