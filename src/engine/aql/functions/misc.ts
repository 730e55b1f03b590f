/**
 * Miscellaneous functions (docs.arangodb.com/3.12/aql/functions/miscellaneous/): control flow,
 * database information via the store, revision decoding.
 */
import { NEVER_CANCELLED } from '../cancel.js'
import { arangoError, ArangoError } from '../../errors.js'
import { toBool, toNumber, toStringValue, type AqlValue } from '../values.js'
import { aqlHash } from './hash.js'
import { isObject } from '../../../objects.js'
import { clone, def, invalidArg, isArray, type FnTable } from './util.js'

/** ArangoDB's _rev alphabet: a 64-bit hybrid logical clock in a URL-safe base64 variant. */
const REV_ALPHABET = '-_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

export function decodeRev(rev: string): { date: string; count: number } | null {
  if (rev.length === 0 || rev.length > 11) return null
  let n = 0n
  for (const c of rev) {
    const d = REV_ALPHABET.indexOf(c)
    if (d < 0) return null
    n = n * 64n + BigInt(d)
  }
  const ms = Number(n >> 20n)
  const count = Number(n & 0xfffffn)
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return null
  return { date: date.toISOString(), count }
}

/** The version the embedded engine is compatible with (it answers AQL as ArangoDB 3.12 does). */
export const COMPAT_VERSION = '3.12.10'

export const MISC_FUNCTIONS: FnTable = {
  NOT_NULL: def(1, Infinity, (_ctx, args) => clone(args.find((a) => a !== null) ?? null)),
  FIRST_LIST: def(1, Infinity, (_ctx, args) => clone(args.find((a) => isArray(a)) ?? null)),
  FIRST_DOCUMENT: def(1, Infinity, (_ctx, args) => clone(args.find((a) => isObject(a)) ?? null)),
  PASSTHRU: def(1, 1, (_ctx, [v]) => v!),
  HASH: def(1, 1, (_ctx, [v]) => aqlHash(v!)),
  NOOPT: def(1, 1, (_ctx, [v]) => v!, false),
  NOEVAL: def(1, 1, (_ctx, [v]) => v!),
  DECODE_REV: def(1, 1, (ctx, [v]) => {
    const r = typeof v === 'string' ? decodeRev(v) : null
    return r ?? invalidArg(ctx, 'DECODE_REV')
  }),
  CHECK_DOCUMENT: def(1, 1, (_ctx, [v]) => isObject(v), false),
  FAIL: def(
    0,
    1,
    (_ctx, args) => {
      const reason = args.length && args[0] !== null ? toStringValue(args[0]) : ''
      throw arangoError('QUERY_FAIL_CALLED', `FAIL(${reason}) called`)
    },
    false,
  ),
  ASSERT: def(
    2,
    2,
    (_ctx, [cond, msg]) => {
      if (!toBool(cond)) throw new ArangoError(1593, 400, toStringValue(msg))
      return true
    },
    false,
  ),
  WARN: def(
    2,
    2,
    (ctx, [cond, msg]) => {
      if (toBool(cond)) return true
      ctx.warn(1594, toStringValue(msg))
      return false
    },
    false,
  ),
  SLEEP: def(
    1,
    1,
    (ctx, [v]) => {
      if (typeof v !== 'number' || v < 0) return invalidArg(ctx, 'SLEEP')
      const cancel = ctx.cancel ?? NEVER_CANCELLED
      cancel.sleep(toNumber(v) * 1000)
      return null
    },
    false,
  ),
  COLLECTIONS: def(
    0,
    0,
    (ctx) =>
      ctx.store
        .listCollections(ctx.db)
        .map((c) => ({ _id: c.id, name: c.name }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    false,
  ),
  COLLECTION_COUNT: def(
    1,
    1,
    (ctx, [c]) => {
      // a non-string fails the query here rather than warning (arangod CollectionCount)
      if (typeof c !== 'string') {
        throw arangoError(
          'QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH',
          "invalid argument type in call to function 'COLLECTION_COUNT()'",
        )
      }
      ctx.store.requireCollection(ctx.db, c)
      return ctx.store.count(ctx.db, c)
    },
    false,
  ),
  SCHEMA_GET: def(
    1,
    1,
    (ctx, [c]) => {
      if (typeof c !== 'string') return invalidArg(ctx, 'SCHEMA_GET')
      const info = ctx.store.requireCollection(ctx.db, c)
      return (info.schema ?? null) as AqlValue
    },
    false,
  ),
  CURRENT_DATABASE: def(0, 0, (ctx) => ctx.db, false),
  // the user of the Authorization header; null when authentication is off (ArangoDB's manual)
  CURRENT_USER: def(0, 0, (ctx) => ctx.user ?? null, false),
  VERSION: def(0, 0, () => COMPAT_VERSION, false),
}
