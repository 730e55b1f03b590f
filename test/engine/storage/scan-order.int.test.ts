/**
 * Issue 17, scan order: a full scan without SORT returns documents in insertion order, as
 * ArangoDB's RocksDB engine does. Reasoning (arangod sources): the all-iterator
 * (RocksDBAllIndexIterator) walks the documents column family within
 * RocksDBKeyBounds::CollectionDocuments, whose keys are the collection's objectId followed by the
 * document's LocalDocumentId, and a new document gets a new, larger LocalDocumentId; keys play no
 * part in that order. An AQL query reads from the snapshot taken when it starts.
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('full collection scans run in insertion order (RocksDB documents column family)', () => {
  const target = useTestTarget({ scope: 'test' })
  const all = async (query: string, opts: { batchSize?: number } = {}) =>
    (await target.db.query(query, {}, opts)).all()

  it('user keys come back as inserted, not sorted: m, b, z, a', async () => {
    const c = await target.db.createCollection('s')
    for (const k of ['m', 'b', 'z', 'a']) await c.save({ _key: k })
    expect(await all('FOR d IN s RETURN d._key')).toEqual(['m', 'b', 'z', 'a'])
  })

  it('generated keys come back in generation order: "10" after "9" (key order would put it first)', async () => {
    const c = await target.db.createCollection('s')
    const keys: string[] = []
    for (let i = 0; i < 12; i++) keys.push((await c.save({ i }))._key)
    expect(await all('FOR d IN s RETURN d.i')).toEqual([...Array(12).keys()])
    expect(await all('FOR d IN s RETURN d._key')).toEqual(keys)
  })

  it('a removed and re-inserted key is a new document: it comes last (a new LocalDocumentId)', async () => {
    const c = await target.db.createCollection('s')
    for (const k of ['a', 'b', 'c']) await c.save({ _key: k })
    await c.remove('a')
    await c.save({ _key: 'a' })
    expect(await all('FOR d IN s RETURN d._key')).toEqual(['b', 'c', 'a'])
  })

  it('a cursor read in small batches over several storage chunks keeps insertion order, each document once', async () => {
    const c = await target.db.createCollection('s')
    // 2,500 documents (the store pages its scan 1,000 rows at a time), keys in descending order
    const docs = Array.from({ length: 2500 }, (_, i) => ({
      _key: `k${String(2500 - i).padStart(5, '0')}`,
      i,
    }))
    await c.import(docs)
    const seen = await all('FOR d IN s RETURN d.i', { batchSize: 300 })
    expect(seen).toEqual(docs.map((d) => d.i))
    const filtered = await all('FOR d IN s FILTER d.i % 1000 == 999 RETURN d._key', { batchSize: 1 })
    expect(filtered).toEqual(['k01501', 'k00501'])
  })

  it('FOR d IN s INSERT … INTO s visits only the documents present when the query started (its snapshot)', async () => {
    const c = await target.db.createCollection('s')
    await c.import(Array.from({ length: 1200 }, (_, i) => ({ i })))
    const r = await all('FOR d IN s INSERT { i: d.i + 1200 } INTO s RETURN 1')
    expect(r).toHaveLength(1200)
    expect((await c.count()).count).toBe(2400)
    expect(await all('FOR d IN s LIMIT 1198, 4 RETURN d.i')).toEqual([1198, 1199, 1200, 1201])
  })
})
