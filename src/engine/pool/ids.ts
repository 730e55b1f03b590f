/**
 * Ids of cursors, queries and stream transactions, unique across the HTTP thread and every query
 * worker: one counter in a SharedArrayBuffer that the workers adopt at start (`adoptIds`).
 * ArangoDB's ids are numeric strings too; starting from the clock keeps ids of a restarted
 * engine from meeting those a client still holds.
 */
let counter = new BigInt64Array(new SharedArrayBuffer(8))
counter[0] = BigInt(Date.now()) * 1000n

/** The buffer to hand to a worker. */
export function idBuffer(): SharedArrayBuffer {
  return counter.buffer as SharedArrayBuffer
}

/** In a worker: draw ids from the creating thread's counter. */
export function adoptIds(buffer: SharedArrayBuffer): void {
  counter = new BigInt64Array(buffer)
}

export function nextId(): string {
  return String(Atomics.add(counter, 0, 1n) + 1n)
}
