/**
 * Document and object functions (docs.arangodb.com/3.12/aql/functions/document-object/),
 * DOCUMENT() through the store, and the _id helpers (PARSE_IDENTIFIER and friends).
 */
import { compare, toStringValue, type AqlObject, type AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { isObject } from '../../../objects.js'
import { boolArg, clone, def, invalidArg, isArray, type FnTable } from './util.js'

/** Byte-wise key order, as VelocyPack keeps an object's index table (ATTRIBUTES lists keys that way). */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))

/**
 * Attribute names for UNSET/KEEP (arangod extractKeys): strings, numbers (as strings), and
 * arrays of strings; other array members warn, other argument types are ignored.
 */
function names(ctx: FunctionContext, name: string, args: AqlValue[]): Set<string> {
  const out = new Set<string>()
  for (const v of args) {
    if (typeof v === 'string') out.add(v)
    else if (typeof v === 'number') out.add(toStringValue(v))
    else if (isArray(v)) {
      for (const x of v) {
        if (typeof x === 'string') out.add(x)
        else invalidArg(ctx, name)
      }
    }
  }
  return out
}

// UNSET/KEEP walk the object in VelocyPack index order (keys sorted by bytes) and build the result
// in that order, which is what JSON output of their results shows (docs: aqlKeep_4).
const sortedEntries = (o: AqlObject): [string, AqlValue][] =>
  Object.entries(o).sort(([a], [b]) => byteOrder(a, b))

function unsetRec(o: AqlObject, drop: Set<string>, recursive: boolean): AqlObject {
  const out: AqlObject = {}
  for (const [k, v] of sortedEntries(o)) {
    if (drop.has(k)) continue
    out[k] = recursive && isObject(v) ? unsetRec(v, drop, true) : clone(v)
  }
  return out
}

function keepRec(o: AqlObject, keep: Set<string>, recursive: boolean): AqlObject {
  const out: AqlObject = {}
  for (const [k, v] of sortedEntries(o)) {
    if (!keep.has(k)) continue
    out[k] = recursive && isObject(v) ? keepRec(v, keep, true) : clone(v)
  }
  return out
}

export function mergeRecursive(a: AqlObject, b: AqlObject): AqlObject {
  const out: AqlObject = clone(a)
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k]
    out[k] = isObject(cur) && isObject(v) ? mergeRecursive(cur, v) : clone(v)
  }
  return out
}

function mergeArgs(ctx: FunctionContext, name: string, args: AqlValue[], recursive: boolean): AqlValue {
  const list = args.length === 1 && isArray(args[0]) ? args[0] : args
  let out: AqlObject = {}
  for (const o of list) {
    if (!isObject(o)) return invalidArg(ctx, name)
    if (recursive) out = mergeRecursive(out, o)
    else Object.assign(out, clone(o))
  }
  return out
}

/** Every example attribute equals the document's; a null example value also matches a missing one. */
function matches(doc: AqlObject, example: AqlObject): boolean {
  for (const [k, v] of Object.entries(example)) {
    const has = Object.prototype.hasOwnProperty.call(doc, k)
    if (!has && v === null) continue
    if (!has || compare(doc[k], v) !== 0) return false
  }
  return true
}

/** Split an `_id` (or a document's `_id`) like arangod: exactly one '/', either side may be empty. */
export function parseId(v: AqlValue): { collection: string; key: string } | null {
  const id = isObject(v) ? v._id : v
  if (typeof id !== 'string') return null
  const slash = id.indexOf('/')
  if (slash < 0 || id.indexOf('/', slash + 1) >= 0) return null
  return { collection: id.slice(0, slash), key: id.slice(slash + 1) }
}

/** arangod's extractCollectionName: a name, the part of an id before '/', or a document's _id. */
function collectionOf(v: AqlValue): string {
  const id = isObject(v) ? v._id : v
  if (typeof id !== 'string') return ''
  const slash = id.indexOf('/')
  return slash < 0 ? id : id.slice(0, slash)
}

function lookup(ctx: FunctionContext, coll: string, key: string): AqlValue {
  try {
    const doc = ctx.store.get(ctx.db, coll, key)
    return doc === undefined ? null : (doc as AqlValue)
  } catch {
    // unknown collection: a miss, as ArangoDB's DOCUMENT() answers null
    return null
  }
}

function documentById(ctx: FunctionContext, id: AqlValue, coll?: string): AqlValue {
  if (typeof id !== 'string') return null
  // arangod's getDocumentByIdentifier: split at the first '/'; a bare key needs a collection
  const slash = id.indexOf('/')
  if (slash < 0) return coll === undefined ? null : lookup(ctx, coll, id)
  const name = id.slice(0, slash)
  if (coll !== undefined && name !== coll) return null
  return lookup(ctx, name, id.slice(slash + 1))
}

export const DOCUMENT_FUNCTIONS: FnTable = {
  HAS: def(2, 2, (_ctx, [o, name]) => {
    if (!isObject(o)) return false
    return Object.prototype.hasOwnProperty.call(o, toStringValue(name!))
  }),
  ATTRIBUTES: def(1, 3, (ctx, args) => {
    const o = args[0]
    if (!isObject(o)) return invalidArg(ctx, 'ATTRIBUTES')
    let keys = Object.keys(o)
    if (boolArg(args, 1, false)) keys = keys.filter((k) => !k.startsWith('_'))
    return keys.sort(byteOrder)
  }),
  VALUES: def(1, 2, (ctx, args) => {
    const o = args[0]
    if (!isObject(o)) return invalidArg(ctx, 'VALUES')
    const removeSystem = boolArg(args, 1, false)
    return Object.entries(o)
      .filter(([k]) => !removeSystem || !k.startsWith('_'))
      .map(([, v]) => clone(v))
  }),
  ENTRIES: def(1, 1, (ctx, [o]) => {
    if (!isObject(o)) return invalidArg(ctx, 'ENTRIES')
    return Object.entries(o).map(([k, v]) => [k, clone(v)])
  }),
  VALUE: def(2, 2, (ctx, [o, path]) => {
    if (!isObject(o) || !isArray(path)) return invalidArg(ctx, 'VALUE')
    let cur: AqlValue = o
    for (const step of path) {
      if (typeof step === 'string') {
        if (!isObject(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return null
        cur = cur[step]!
      } else if (typeof step === 'number') {
        // positions are unsigned in arangod: negative ones never match
        const i = Math.trunc(step)
        if (!isArray(cur) || i < 0 || i >= cur.length) return null
        cur = cur[i]!
      } else return null
    }
    return path.length === 0 ? null : clone(cur)
  }),
  MERGE: def(1, Infinity, (ctx, args) => mergeArgs(ctx, 'MERGE', args, false)),
  MERGE_RECURSIVE: def(1, Infinity, (ctx, args) => mergeArgs(ctx, 'MERGE_RECURSIVE', args, true)),
  MATCHES: def(2, 3, (ctx, args) => {
    const doc = args[0]
    const returnIndex = boolArg(args, 2, false)
    if (!isObject(doc)) return false
    const ex = args[1]!
    const examples = isArray(ex) ? ex : [ex]
    for (let i = 0; i < examples.length; i++) {
      const e = examples[i]!
      if (!isObject(e)) {
        invalidArg(ctx, 'MATCHES')
        continue
      }
      if (matches(doc, e)) return returnIndex ? i : true
    }
    return returnIndex ? -1 : false
  }),
  UNSET: def(2, Infinity, (ctx, args) => {
    if (!isObject(args[0])) return invalidArg(ctx, 'UNSET')
    return unsetRec(args[0], names(ctx, 'UNSET', args.slice(1)), false)
  }),
  UNSET_RECURSIVE: def(2, Infinity, (ctx, args) => {
    if (!isObject(args[0])) return invalidArg(ctx, 'UNSET_RECURSIVE')
    return unsetRec(args[0], names(ctx, 'UNSET_RECURSIVE', args.slice(1)), true)
  }),
  KEEP: def(2, Infinity, (ctx, args) => {
    if (!isObject(args[0])) return invalidArg(ctx, 'KEEP')
    return keepRec(args[0], names(ctx, 'KEEP', args.slice(1)), false)
  }),
  KEEP_RECURSIVE: def(2, Infinity, (ctx, args) => {
    if (!isObject(args[0])) return invalidArg(ctx, 'KEEP_RECURSIVE')
    return keepRec(args[0], names(ctx, 'KEEP_RECURSIVE', args.slice(1)), true)
  }),
  TRANSLATE: def(2, 3, (ctx, args) => {
    const value = args[0]!
    const map = args[1]
    if (!isObject(map)) return invalidArg(ctx, 'TRANSLATE')
    const k = toStringValue(value)
    if (Object.prototype.hasOwnProperty.call(map, k)) return clone(map[k]!)
    return args.length > 2 ? clone(args[2]!) : clone(value)
  }),
  ZIP: def(2, 2, (ctx, [keys, values]) => {
    if (!isArray(keys) || !isArray(values) || keys.length !== values.length) return invalidArg(ctx, 'ZIP')
    const out: AqlObject = {}
    keys.forEach((k, i) => {
      const name = toStringValue(k)
      if (!Object.prototype.hasOwnProperty.call(out, name)) out[name] = clone(values[i]!)
    })
    return out
  }),
  JSON_STRINGIFY: def(1, 1, (_ctx, [v]) => JSON.stringify(v ?? null)),
  JSON_PARSE: def(1, 1, (ctx, [v]) => {
    if (typeof v !== 'string') return invalidArg(ctx, 'JSON_PARSE')
    try {
      return JSON.parse(v) as AqlValue
    } catch {
      return invalidArg(ctx, 'JSON_PARSE')
    }
  }),
  DOCUMENT: {
    minArgs: 1,
    maxArgs: 2,
    deterministic: false,
    fn(ctx, args) {
      if (args.length === 1) {
        const ids = args[0]!
        if (isArray(ids)) return ids.map((id) => documentById(ctx, id)).filter((d) => d !== null)
        return documentById(ctx, ids)
      }
      const coll = args[0]
      if (typeof coll !== 'string') return invalidArg(ctx, 'DOCUMENT')
      const ids = args[1]!
      if (isArray(ids)) return ids.map((id) => documentById(ctx, id, coll)).filter((d) => d !== null)
      return documentById(ctx, ids, coll)
    },
  },
  PARSE_IDENTIFIER: def(1, 1, (ctx, [v]) => {
    const p = parseId(v!)
    return p ? { collection: p.collection, key: p.key } : invalidArg(ctx, 'PARSE_IDENTIFIER')
  }),
  PARSE_KEY: def(1, 1, (ctx, [v]) => {
    const p = parseId(v!)
    return p ? p.key : invalidArg(ctx, 'PARSE_KEY')
  }),
  PARSE_COLLECTION: def(1, 1, (ctx, [v]) => {
    const p = parseId(v!)
    return p ? p.collection : invalidArg(ctx, 'PARSE_COLLECTION')
  }),
  IS_SAME_COLLECTION: def(2, 2, (ctx, [a, b]) => {
    const first = collectionOf(a!)
    const second = collectionOf(b!)
    if (!first || !second) return invalidArg(ctx, 'IS_SAME_COLLECTION')
    return first === second
  }),
}
