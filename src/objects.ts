/**
 * The one test for "a JSON object" (not null, not an array) that the engine, the core areas and
 * the query formatter share; it lives on the ground floor so every layer may import it.
 */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
