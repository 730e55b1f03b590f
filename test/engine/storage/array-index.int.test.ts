/**
 * Issue 17: persistent array indexes. Expected behaviour from the ArangoDB 3.12 manual, Index
 * basics, "Indexing array values" (docs-hugo site/content/3.12/index-and-search/indexing/
 * index-basics.md) and arangod's TRI_ParseAttributeString for the field syntax errors.
 */
import { describe, expect, it } from 'vitest'
import type { Database } from 'arangojs'
import { useTestTarget } from '../../helpers/target.js'

type Node = { type: string; indexes?: { fields: string[] }[] }

async function errorOf(p: Promise<unknown>): Promise<[number | undefined, number | undefined]> {
  try {
    await p
  } catch (e) {
    const x = e as { errorNum?: number; code?: number }
    return [x.errorNum, x.code]
  }
  throw new Error('no error')
}

/** The fields of the index the plan's IndexNode reads, or null when the plan scans. */
async function indexUsed(db: Database, query: string): Promise<string[] | null> {
  const plan = (await db.explain(query)) as { plan: { nodes: Node[] } }
  const n = plan.plan.nodes.find((x) => x.type === 'IndexNode')
  return n ? n.indexes![0].fields : null
}

describe('persistent array indexes (3.12 manual: Indexing array values)', () => {
  const target = useTestTarget({ scope: 'test' })
  const keys = async (query: string) => (await (await target.db.query(query)).all()).sort()

  it('fields ["tags[*]"] creates an array index (deduplicate true unless false is asked)', async () => {
    const c = await target.db.createCollection('posts')
    const idx = await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'] })
    expect(idx).toMatchObject({
      isNewlyCreated: true,
      fields: ['tags[*]'],
      deduplicate: true,
      type: 'persistent',
    })
    const nodedup = await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'], deduplicate: false })
    expect(nodedup).toMatchObject({ isNewlyCreated: true, deduplicate: false })
    expect((await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'] })).isNewlyCreated).toBe(false)
  })

  it("'foobar' IN doc.tags and IN doc.tags[*] use the index; ANY ==, == and doc.tags IN 'foobar' do not", async () => {
    const c = await target.db.createCollection('posts')
    await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'] })
    await c.import([
      { _key: 'a', tags: ['foobar', 'baz', 'quux'] },
      { _key: 'b', tags: ['baz'] },
      { _key: 'c', tags: 'foobar' },
    ])
    for (const f of ["'foobar' IN doc.tags", "'foobar' IN doc.tags[*]"]) {
      const q = `FOR doc IN posts FILTER ${f} RETURN doc._key`
      expect(await indexUsed(target.db, q)).toEqual(['tags[*]'])
      expect(await keys(q)).toEqual(['a'])
    }
    for (const f of [
      "doc.tags ANY == 'foobar'",
      "doc.tags ANY IN 'foobar'",
      "doc.tags IN 'foobar'",
      "doc.tags == 'foobar'",
      "'foobar' == doc.tags",
    ]) {
      expect(await indexUsed(target.db, `FOR doc IN posts FILTER ${f} RETURN doc`)).toBeNull()
    }
  })

  it('tags[*].name is used by IN doc.tags[*].name (not IN doc.tags); members without name are indexed as null', async () => {
    const c = await target.db.createCollection('posts')
    await c.ensureIndex({ type: 'persistent', fields: ['tags[*].name'] })
    await c.import([
      { _key: 'a', tags: [{ name: 'foobar' }, { name: 'baz' }] },
      { _key: 'b', tags: [{ name: 'baz' }, { other: 1 }] },
      { _key: 'c', tags: [] },
    ])
    const q = "FOR doc IN posts FILTER 'baz' IN doc.tags[*].name RETURN doc._key"
    expect(await indexUsed(target.db, q)).toEqual(['tags[*].name'])
    expect(await keys(q)).toEqual(['a', 'b'])
    expect(await indexUsed(target.db, "FOR doc IN posts FILTER 'baz' IN doc.tags RETURN doc")).toBeNull()
    expect(await keys('FOR doc IN posts FILTER null IN doc.tags[*].name RETURN doc._key')).toEqual(['b'])
  })

  it('a.b[*].c indexes a nested array; an index built over existing documents finds them; writes keep it current', async () => {
    const c = await target.db.createCollection('posts')
    await c.import([
      { _key: 'a', a: { b: [{ c: 1 }, { c: 2 }] } },
      { _key: 'b', a: { b: [{ c: 2 }] } },
    ])
    await c.ensureIndex({ type: 'persistent', fields: ['a.b[*].c'] })
    const q = (v: number) => `FOR d IN posts FILTER ${v} IN d.a.b[*].c RETURN d._key`
    expect(await indexUsed(target.db, q(2))).toEqual(['a.b[*].c'])
    expect(await keys(q(2))).toEqual(['a', 'b'])
    await c.update('a', { a: { b: [{ c: 3 }] } }, { mergeObjects: false })
    await c.remove('b')
    await c.save({ _key: 'n', a: { b: [{ c: 2 }] } })
    expect([await keys(q(1)), await keys(q(2)), await keys(q(3))]).toEqual([[], ['n'], ['a']])
  })

  it('only arrays are indexed: null IN doc.tags finds [null] and [null, 1, 2], not null, [], a string or an object', async () => {
    const c = await target.db.createCollection('posts')
    await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'] })
    await c.import([
      { _key: 'n', tags: null },
      { _key: 'e', tags: [] },
      { _key: 's', tags: 'this is no array' },
      { _key: 'o', tags: { content: [1, 2, 3] } },
      { _key: 'x', something: 'else' },
      { _key: 'a', tags: [null] },
      { _key: 'b', tags: [null, 1, 2] },
    ])
    const q = 'FOR doc IN posts FILTER null IN doc.tags RETURN doc._key'
    expect(await indexUsed(target.db, q)).toEqual(['tags[*]'])
    expect(await keys(q)).toEqual(['a', 'b'])
  })

  it('unique: values are deduplicated per document first, then unique across documents (1210); deduplicate false fails on ["bar", "bar"]', async () => {
    const c = await target.db.createCollection('posts')
    await c.ensureIndex({ type: 'persistent', fields: ['tags[*]'], unique: true })
    await c.save({ _key: 'a', tags: ['foobar', 'bar', 'bar'] })
    expect(await errorOf(c.save({ _key: 'b', tags: ['baz', 'bar'] }))).toEqual([1210, 409])
    await c.save({ _key: 'b', tags: ['baz'] })
    expect(await errorOf(c.update('b', { tags: ['foobar'] }))).toEqual([1210, 409])
    await c.update('a', { tags: ['other'] })
    await c.update('b', { tags: ['foobar', 'baz'] })
    const d = await target.db.createCollection('strict')
    await d.ensureIndex({ type: 'persistent', fields: ['tags[*]'], unique: true, deduplicate: false })
    expect(await errorOf(d.save({ tags: ['foobar', 'bar', 'bar'] }))).toEqual([1210, 409])
    await d.save({ tags: ['foobar', 'bar'] })
  })

  it('sparse applies to the fields without [*]: ["tags[*]", "name"] skips a missing or null name, never a null member', async () => {
    const c = await target.db.createCollection('posts')
    await c.ensureIndex({ type: 'persistent', fields: ['tags[*]', 'name'], sparse: true, unique: true })
    // not indexed, so they cannot conflict with each other
    await c.import([
      { tags: [1, 2, 3] },
      { tags: [1, 2, 3] },
      { tags: [1], name: null },
      { tags: [1], name: null },
    ])
    await c.save({ _key: 'alice', tags: [1, 2, 3], name: 'alice' })
    expect(await errorOf(c.save({ tags: [3], name: 'alice' }))).toEqual([1210, 409])
    await c.save({ _key: 'bob', tags: [null], name: 'bob' })
    expect(await errorOf(c.save({ tags: [null], name: 'bob' }))).toEqual([1210, 409])
    const q = "FOR d IN posts FILTER null IN d.tags FILTER d.name == 'bob' RETURN d._key"
    expect(await indexUsed(target.db, q)).toEqual(['tags[*]', 'name'])
    expect(await keys(q)).toEqual(['bob'])
  })

  it('field syntax as arangod parses it: two [*] in one field is 10, [0] is 1220; a unique index over duplicates is 1210', async () => {
    const c = await target.db.createCollection('posts')
    const ensure = (fields: string[], unique = false) => c.ensureIndex({ type: 'persistent', fields, unique })
    expect(await errorOf(ensure(['tags[*].name[*].value']))).toEqual([10, 400])
    expect(await errorOf(ensure(['tags[0]']))).toEqual([1220, 400])
    await c.import([{ tags: ['x'] }, { tags: ['y', 'x'] }])
    expect(await errorOf(ensure(['tags[*]'], true))).toEqual([1210, 409])
    expect((await c.indexes()).map((i) => i.type)).toEqual(['primary'])
  })
})
