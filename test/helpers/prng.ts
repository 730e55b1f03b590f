/**
 * A small deterministic PRNG (mulberry32) for tests that shuffle, pick or time things at random:
 * the same seed gives the same run, so a failing one can be repeated.
 */

/** Numbers in [0, 1) from `seed`. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
