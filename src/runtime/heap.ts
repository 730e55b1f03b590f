import v8 from 'node:v8'

/**
 * How far V8 may let the old generation grow past what survived the last full GC while a result
 * streams: 50 %, and at least V8's minimum step of 8 MB (MinimumAllocationLimitGrowingStep), which
 * is what applies to a client with ~15 MB live. 20 % measured the same here; 50 % costs fewer full
 * GCs when rows are big and the live heap with them.
 *
 * Why a streaming client needs it at all (measured, see docs/query.md): the garbage a cursor leaves
 * lands in V8's old generation, where only a mark-compact frees it.
 * - JSON.parse (V8 11.3, Node 20) internalizes every string value of up to 10 characters, and
 *   internalized strings live in old space and in the string table: `CONCAT("row", i)`, keys,
 *   short codes and ids all end up there, one per distinct value.
 * - undici's fetch (Node's built-in one and the `undici` package alike, lib/web/fetch/response.js
 *   fromInnerResponse) registers every Response in a FinalizationRegistry, and V8's scavenger keeps
 *   a registered target and all it references alive until a mark-compact (measured on Node 20:
 *   2,000 registered objects of 1,000 rows each all survived scavenges, unregistered ones did
 *   not); arangojs hangs the parsed body on the Response (takeBody in cursor.ts undoes that part).
 * By default V8 lets the old generation grow to up to 4x what was live after the last mark-compact
 * when collecting is cheap, so with ~15 MB live the client oscillated up to ~70 MB of old space and
 * a 5-million-row result peaked at 210 MB RSS against 108 MB for 50 thousand rows.
 *
 * `--heap-growing-percent` replaces that dynamic factor (src/heap/heap-controller.cc,
 * MemoryController::GrowingFactor: `if (v8_flags.heap_growing_percent > 0) factor = 1.0 +
 * v8_flags.heap_growing_percent / 100.0`) and is read each time V8 recomputes its limits after a
 * GC, so setting it at run time takes effect from the next full GC on; 0 is V8's default (dynamic).
 * A hard cap (a worker with resourceLimits, --max-old-space-size) would flatten it as well but fail
 * a result whose rows really need the memory; this only makes V8 collect sooner.
 *
 * Used by `graphpipe import --mapping` (src/import/mapped.ts), whose windows leave garbage in three
 * isolates at a few thousand rows/s. Not used for the plain `graphpipe import`: there it saves 20-30 MB of peak RSS (1,000,000 flights rows,
 * bench/import.mjs child import: 244-258 -> 222-230 MB on Node 20) but the flag is process-wide,
 * and the embedded engine's thread, the import's limit, then spends 8-10 % longer (three
 * interleaved pairs: 14.9/16.7, 15.0/16.4, 12.8/13.9 s); the import is within its memory goal
 * without it.
 */
const STREAMING_HEAP_GROWING_PERCENT = 50

/** Streams currently asking for the tight growth (the shell and tests may overlap them). */
let holders = 0

/** Someone chose the growth factor for this process themselves: leave it alone. */
function setByUser(): boolean {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ')
  return /--heap[-_]growing[-_]percent/.test(flags)
}

/**
 * Makes V8 collect old-space garbage soon after it appears, for as long as a result streams; call
 * the returned function when the stream ends (it is idempotent). V8 flags are process-wide, so it
 * applies to the whole process (and the embedded engine's worker) until the last holder releases.
 */
export function tightenHeapGrowth(): () => void {
  if (setByUser()) return () => {}
  if (holders++ === 0) v8.setFlagsFromString(`--heap-growing-percent=${STREAMING_HEAP_GROWING_PERCENT}`)
  let released = false
  return () => {
    if (released) return
    released = true
    if (--holders === 0) v8.setFlagsFromString('--heap-growing-percent=0')
  }
}
