/**
 * The bookkeeping documents a writer last saw committed, by key, with their `_rev`: a window
 * reads from the server only the ones it does not hold. Nothing here is trusted blindly: every
 * document a window writes on a cached base is written with that base's `_rev` as a precondition
 * (`ignoreRevs=false`; an insert where the base was missing), and a cached one the window reads
 * without writing is checked against the server's `_rev` inside the transaction. Another
 * consumer's change in between fails the precondition (1200, 1202 or 1210): the window is
 * aborted, those keys forgotten, and the window written again reading everything
 * (`StaleVersions`). So a cache hit saves the read, never the check, and a window decides on what
 * the server holds, as without it. Competing consumers writing the same vertices make held
 * documents go stale all the time: after a stale window the writer reads everything for the next
 * 8 windows, doubling up to 256 while it keeps happening (OrderedWriter.attempt).
 *
 * Only format 3 documents are held (a format 2 document's edge lists are arrays its write edits
 * in place), and a held document is never changed (`toStored` copies its version table).
 * Least recently used ones go first beyond `limit` documents.
 */
import type { VersionDoc } from './versions.js'

/** A held document, with the `_rev` it had when committed; null: known not to exist. */
export type Held = (VersionDoc & { _rev: string }) | null

export class VersionCache {
  private readonly docs = new Map<string, Held>()

  constructor(readonly limit: number) {}

  get size(): number {
    return this.docs.size
  }

  /** The held state of `key` (undefined: not held), marked as recently used. */
  get(key: string): Held | undefined {
    const d = this.docs.get(key)
    if (d === undefined) return undefined
    this.docs.delete(key)
    this.docs.set(key, d)
    return d
  }

  /** Holds `doc` (with its `_rev`) or null (known missing) for `key`. */
  set(key: string, doc: VersionDoc | null): void {
    if (this.limit <= 0) return
    if (doc !== null && (doc.f !== 3 || typeof doc._rev !== 'string')) {
      this.docs.delete(key)
      return
    }
    this.docs.delete(key)
    this.docs.set(key, doc as Held)
    if (this.docs.size > this.limit) {
      // a Map iterates in insertion order: the first keys are the least recently used
      let over = this.docs.size - this.limit
      for (const k of this.docs.keys()) {
        if (over-- <= 0) break
        this.docs.delete(k)
      }
    }
  }

  delete(key: string): void {
    this.docs.delete(key)
  }

  clear(): void {
    this.docs.clear()
  }
}

/**
 * A window written on held documents that another writer changed since (their keys): the
 * writer aborts it, forgets those keys and writes the window again.
 */
export class StaleVersions extends Error {
  constructor(readonly keys: string[]) {
    super(`bookkeeping changed by another writer: ${keys.length} document(s)`)
    this.name = 'StaleVersions'
  }
}
