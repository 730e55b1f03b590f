/**
 * The write nodes (InsertNode, UpdateNode, ReplaceNode, RemoveNode, UpsertNode): one write per row,
 * NEW and OLD bound after it; errors name the node as ArangoDB does ("[node #5: InsertNode]").
 */
import { ArangoError, arangoError } from '../../errors.js'
import type { Doc, WriteOptions, WriteResult } from '../../storage/types.js'
import { modificationVariables } from '../ast.js'
import type { Scope } from '../expr/scope.js'
import { isObject } from '../../../objects.js'
import { getAttr, hasOwn } from '../expr/util.js'
import type { ModificationNode } from '../plan/nodes.js'
import { equals, toBool, type AqlValue } from '../values.js'
import { CHECK_MASK, type BuildContext, type Frame, type Stage, type StageResult } from './types.js'

export function modification(b: BuildContext, node: ModificationNode, sc: Scope): StageResult {
  const op = node.op
  const coll = node.collection
  b.requireColl(coll, 'write')
  const options = op.options ? b.constant(op.options, sc) : null
  const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
  const ignoreErrors = opt('ignoreErrors') === true
  const wopts: WriteOptions = {}
  if (typeof opt('overwriteMode') === 'string')
    wopts.overwriteMode = opt('overwriteMode') as WriteOptions['overwriteMode']
  else if (opt('overwrite') === true) wopts.overwriteMode = 'replace'
  if (opt('keepNull') === false) wopts.keepNull = false
  if (opt('mergeObjects') === false) wopts.mergeObjects = false
  if (opt('ignoreRevs') === false) wopts.ignoreRevs = false
  if (opt('waitForSync') === true) wopts.waitForSync = true
  const ctx = b.ctx
  const cancel = ctx.cancel
  const store = ctx.store
  const db = ctx.db
  const stats = ctx.stats
  const nodeType = node.type
  const nodeId = node.id
  const fail = (e: unknown): never => {
    if (e instanceof ArangoError && !e.message.endsWith('(while executing)')) {
      throw new ArangoError(
        e.errorNum,
        e.code === 412 ? 409 : e.code,
        `AQL: ${e.message} [node #${nodeId}: ${nodeType}] (while executing)`,
        e.extra,
      )
    }
    throw e
  }
  const write = (fn: () => WriteResult): WriteResult | null => {
    try {
      const r = fn()
      if (r.ignored) stats.writesIgnored++
      else stats.writesExecuted++
      return r
    } catch (e) {
      if (ignoreErrors && e instanceof ArangoError) {
        stats.writesIgnored++
        return null
      }
      return fail(e)
    }
  }
  const keyOf = (v: AqlValue): string => {
    if (typeof v === 'string') return v
    if (isObject(v)) {
      const k = v._key
      if (typeof k === 'string') return k
      throw new ArangoError(1226, 400, 'missing document key')
    }
    throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
  }
  const asDoc = (v: AqlValue): Record<string, unknown> => {
    if (!isObject(v)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    return v
  }
  let scope = sc
  const newSlot = b.slot()
  const oldSlot = b.slot()
  let run: (f: Frame) => WriteResult | null
  switch (op.type) {
    case 'insert': {
      const docFn = b.expr(op.doc, sc)
      run = (f) => {
        let d: Record<string, unknown>
        try {
          d = asDoc(docFn(f))
        } catch (e) {
          if (ignoreErrors) {
            stats.writesIgnored++
            return null
          }
          return fail(e)
        }
        return write(() => store.insert(db, coll, d, wopts))
      }
      break
    }
    case 'update':
    case 'replace': {
      const docFn = b.expr(op.doc, sc)
      const keyFn = op.key ? b.expr(op.key, sc) : null
      const isUpdate = op.type === 'update'
      run = (f) => {
        let key: string
        let d: Record<string, unknown>
        try {
          const doc = docFn(f)
          d = asDoc(doc)
          const kv = keyFn ? keyFn(f) : doc
          key = keyOf(kv)
          if (
            keyFn &&
            isObject(kv) &&
            wopts.ignoreRevs === false &&
            typeof kv._rev === 'string' &&
            d._rev === undefined
          ) {
            d = { ...d, _rev: kv._rev }
          }
        } catch (e) {
          if (ignoreErrors) {
            stats.writesIgnored++
            return null
          }
          return fail(e)
        }
        return write(() =>
          isUpdate ? store.update(db, coll, key, d, wopts) : store.replace(db, coll, key, d, wopts),
        )
      }
      break
    }
    case 'remove': {
      const keyFn = b.expr(op.key, sc)
      run = (f) => {
        let key: string
        let rev: string | undefined
        try {
          const kv = keyFn(f)
          key = keyOf(kv)
          if (isObject(kv) && typeof kv._rev === 'string') rev = kv._rev
        } catch (e) {
          if (ignoreErrors) {
            stats.writesIgnored++
            return null
          }
          return fail(e)
        }
        const o = wopts.ignoreRevs === false && rev ? { ...wopts, ifMatch: rev } : wopts
        return write(() => store.remove(db, coll, key, o))
      }
      break
    }
    case 'upsert': {
      const searchFn = b.expr(op.search, sc)
      const insertFn = b.expr(op.insert, sc)
      const oldInScope = sc.with('OLD', oldSlot)
      const updateFn = b.expr(op.update, oldInScope)
      const isReplace = op.replace
      const upsertFind = (c: string, s: AqlValue) => findUpsertTarget(b, c, s)
      const stack = b.currentStack
      // UPSERT FILTER cond (3.12): the first document for which cond holds, CURRENT being the document
      const upsertFilter = (f: Frame): Doc | null => {
        let n = 0
        for (const d of store.scan(db, coll)) {
          if ((++n & CHECK_MASK) === 0) cancel.check()
          stats.scannedFull++
          stack.push(d as AqlValue)
          try {
            if (toBool(searchFn(f))) return d
          } finally {
            stack.pop()
          }
        }
        return null
      }
      run = (f) => {
        const found = op.searchVar ? upsertFilter(f) : upsertFind(coll, searchFn(f))
        if (!found) {
          const d = insertFn(f)
          return write(() => store.insert(db, coll, asDoc(d), wopts))
        }
        const g = f.slice()
        g[oldSlot] = found as AqlValue
        const d = asDoc(updateFn(g))
        return write(() =>
          isReplace
            ? store.replace(db, coll, found._key, d, wopts)
            : store.update(db, coll, found._key, d, wopts),
        )
      }
      break
    }
  }
  // only the variables the operation introduces: NEW after REMOVE names a collection, as in arangod
  for (const v of modificationVariables(op)) scope = scope.with(v, v === 'NEW' ? newSlot : oldSlot)
  b.markModified(coll, nodeType)
  const runFn = run
  const stage: Stage = function* (input) {
    let n = 0
    for (const f of input) {
      if ((++n & CHECK_MASK) === 0) cancel.check()
      const r = runFn(f)
      if (!r) continue
      const g = f.slice()
      g[newSlot] = (r.new ?? null) as AqlValue
      g[oldSlot] = (r.old ?? null) as AqlValue
      yield g
    }
  }
  return { stage, scope }
}

/** UPSERT {search}: the first document matching every attribute, by _key, a persistent index, or a scan. */
function findUpsertTarget(b: BuildContext, coll: string, search: AqlValue): Doc | null {
  const store = b.ctx.store
  const db = b.ctx.db
  if (!isObject(search)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
  const matches = (d: Doc) => Object.keys(search).every((k) => equals(getAttr(d as AqlValue, k), search[k]!))
  if (typeof search._key === 'string') {
    b.ctx.stats.scannedIndex++
    const d = store.get(db, coll, search._key)
    return d && matches(d) ? d : null
  }
  for (const idx of store.listIndexes(db, coll)) {
    if (idx.type !== 'persistent') continue
    if (!idx.fields.every((fl) => hasOwn(search, fl))) continue
    const cands = store.indexLookup(db, coll, idx.id, { eq: idx.fields.map((fl) => search[fl] ?? null) })
    b.ctx.stats.scannedIndex += cands.length
    for (const d of cands) if (matches(d)) return d
    return null
  }
  for (const d of store.scan(db, coll)) {
    b.ctx.stats.scannedFull++
    if (matches(d)) return d
  }
  return null
}

// ------------------------------------------------------------------ expressions
