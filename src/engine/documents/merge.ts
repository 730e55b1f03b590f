/**
 * ArangoDB's document merge semantics (update/PATCH, overwriteMode update, keepNull=false):
 * independent of how documents are stored, so storage and AQL can share them.
 */
import { isObject } from '../../objects.js'

/** `__proto__` is an ordinary attribute name in ArangoDB; assignment would set the prototype. */
export function setAttr(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  else o[k] = v
}

/** ArangoDB's update merge: objects deep-merged when `mergeObjects`, arrays replaced, nulls dropped unless `keepNull`. */
export function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
  keepNull: boolean,
  mergeObjects: boolean,
): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k]
    if (v === null && !keepNull) {
      delete target[k]
    } else if (mergeObjects && isObject(v) && isObject(target[k])) {
      const merged = { ...(target[k] as Record<string, unknown>) }
      mergePatch(merged, v, keepNull, mergeObjects)
      setAttr(target, k, merged)
    } else if (isObject(v) && !keepNull) {
      const cleaned: Record<string, unknown> = {}
      mergePatch(cleaned, v, keepNull, mergeObjects)
      setAttr(target, k, cleaned)
    } else {
      setAttr(target, k, v)
    }
  }
}
