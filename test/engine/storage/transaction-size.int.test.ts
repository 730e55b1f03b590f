/**
 * maxTransactionSize of a stream transaction, through arangojs: ArangoDB 3.12 fails the write
 * that passes the limit with errorNum 32 "Maximal transaction size limit of N bytes is reached"
 * (arangod RocksDBTrxBaseMethods::addOperation, TRI_ERROR_RESOURCE_LIMIT; HTTP 500, the default
 * of GeneralResponse::responseCode). The failed write is not applied; earlier ones commit.
 */
import { isArangoError } from 'arangojs/errors'
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('stream transaction maxTransactionSize', () => {
  const target = useTestTarget({ scope: 'test' })

  it('fails the write that would pass the limit with 32 (HTTP 500) and commits the writes before it', async () => {
    const c = await target.db.createCollection('sized')
    const trx = await target.db.beginTransaction({ write: 'sized' }, { maxTransactionSize: 1000 })
    await trx.step(() => c.save({ _key: 'small', v: 'x'.repeat(100) }))
    let err: unknown
    try {
      await trx.step(() => c.save({ _key: 'big', v: 'x'.repeat(2000) }))
    } catch (e) {
      err = e
    }
    expect(isArangoError(err) && { errorNum: err.errorNum, code: err.code, message: err.message }).toEqual({
      errorNum: 32,
      code: 500,
      message: 'Maximal transaction size limit of 1000 bytes is reached',
    })
    // AQL writes inside the transaction count against the same limit
    await expect(
      trx.step(() =>
        target.db.query("FOR i IN 1..20 INSERT {v: CONCAT('y', i, @pad)} INTO sized", {
          pad: 'z'.repeat(100),
        }),
      ),
    ).rejects.toMatchObject({ errorNum: 32 })
    await trx.commit()
    expect(await (await target.db.query('FOR d IN sized RETURN d._key')).all()).toEqual(['small'])
  })

  it('does not limit a transaction begun without maxTransactionSize', async () => {
    const c = await target.db.createCollection('unsized')
    const trx = await target.db.beginTransaction({ write: 'unsized' })
    await trx.step(() => c.save({ v: 'x'.repeat(100_000) }))
    await trx.commit()
    expect(await c.count()).toMatchObject({ count: 1 })
  })
})
