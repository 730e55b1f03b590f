/**
 * Type check and type cast functions (docs.arangodb.com/3.12/aql/functions/type-check-and-cast/).
 */
import { toBool, toNumber, toStringValue, typeName, type AqlValue } from '../values.js'
import { parseDate } from './date-values.js'
import { isObject } from '../../../objects.js'
import { clone, def, isArray, type FnTable } from './util.js'

/** Document key rules (docs: concepts/data-structure/documents#document-keys). */
export function isValidKey(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    v.length > 0 &&
    Buffer.byteLength(v) <= 254 &&
    /^[a-zA-Z0-9_\-:.@()+,=;$!*'%]+$/.test(v)
  )
}

export function toArray(v: AqlValue): AqlValue[] {
  if (v === null) return []
  if (isArray(v)) return clone(v)
  if (isObject(v)) return Object.values(v).map(clone)
  return [v]
}

export const CAST_FUNCTIONS: FnTable = {
  IS_NULL: def(1, 1, (_ctx, [v]) => v === null),
  IS_BOOL: def(1, 1, (_ctx, [v]) => typeof v === 'boolean'),
  IS_NUMBER: def(1, 1, (_ctx, [v]) => typeof v === 'number'),
  IS_STRING: def(1, 1, (_ctx, [v]) => typeof v === 'string'),
  IS_ARRAY: def(1, 1, (_ctx, [v]) => isArray(v)),
  IS_OBJECT: def(1, 1, (_ctx, [v]) => isObject(v)),
  IS_DATESTRING: def(1, 1, (_ctx, [v]) => typeof v === 'string' && parseDate(v) !== null),
  IS_KEY: def(1, 1, (_ctx, [v]) => isValidKey(v)),
  TYPENAME: def(1, 1, (_ctx, [v]) => typeName(v)),
  TO_NUMBER: def(1, 1, (_ctx, [v]) => toNumber(v)),
  TO_STRING: def(1, 1, (_ctx, [v]) => toStringValue(v)),
  TO_BOOL: def(1, 1, (_ctx, [v]) => toBool(v)),
  TO_ARRAY: def(1, 1, (_ctx, [v]) => toArray(v!)),
}
