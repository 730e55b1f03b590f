/**
 * Issue 17: `UPSERT … UPDATE {}` keeps `_rev`. Reasoning from arangod
 * (transaction::Methods::modifyLocalHelper): an update whose value has at most one attribute —
 * the `_key` that the AQL UPDATE/UPSERT and RestDocumentHandler add — is a no-op: nothing is
 * written and the revision stays. A value with any other attribute is merged and gets a new
 * revision even when it changes nothing; an If-Match header adds `_rev` to the value, so it is
 * no longer a no-op either.
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('no-op updates keep the revision (arangod modifyLocalHelper: value.length() <= 1)', () => {
  const target = useTestTarget({ scope: 'test' })
  const one = async (query: string) => (await (await target.db.query(query)).all())[0]

  it('UPSERT … UPDATE {} on an existing document returns NEW with the old _rev and changes nothing', async () => {
    const c = await target.db.createCollection('u')
    const { _rev } = await c.save({ _key: 'a', v: 1 })
    const r = await one(
      "UPSERT { _key: 'a' } INSERT { _key: 'a', v: 0 } UPDATE {} IN u RETURN { old: OLD._rev, new: NEW._rev, v: NEW.v }",
    )
    expect(r).toEqual({ old: _rev, new: _rev, v: 1 })
    expect((await c.document('a'))._rev).toBe(_rev)
  })

  it('UPDATE … WITH {} keeps _rev; WITH { v: 1 } (the stored value) still makes a new revision', async () => {
    const c = await target.db.createCollection('u')
    const { _rev } = await c.save({ _key: 'a', v: 1 })
    expect(await one("UPDATE 'a' WITH {} IN u RETURN NEW._rev")).toBe(_rev)
    const changed = await one("UPDATE 'a' WITH { v: 1 } IN u RETURN NEW._rev")
    expect(changed).not.toBe(_rev)
    expect((await c.document('a'))._rev).toBe(changed)
  })

  it('PATCH with an empty body keeps _rev (the handler adds only _key); with If-Match it is a new revision', async () => {
    const c = await target.db.createCollection('u')
    const { _rev } = await c.save({ _key: 'a', v: 1 })
    const same = await c.update('a', {})
    expect([same._rev, same._oldRev]).toEqual([_rev, _rev])
    const matched = await c.update('a', {}, { ifMatch: _rev })
    expect(matched._oldRev).toBe(_rev)
    expect(matched._rev).not.toBe(_rev)
  })
})
