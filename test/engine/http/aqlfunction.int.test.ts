/**
 * User-defined AQL functions through arangojs, against the live target: the 3.12 manual's
 * "HTTP interface for user-defined AQL functions" (POST 201 new / 200 replaced with
 * isNewlyCreated, GET with namespace, DELETE with group -> deletedCount, 404 for an unknown
 * name) and "Extending AQL with user-defined functions" (NS::NAME calls, case-insensitive
 * names, multi-level namespaces). Error numbers from errors.yaml: 1580 invalid name, 1581
 * invalid code, 1582 not found, 1583 runtime error (arangod Aql/Expression.cpp: thrown when
 * called directly, a warning and null through CALL/APPLY).
 */
import { isArangoError } from 'arangojs/errors'
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

async function failure(p: Promise<unknown>): Promise<{ errorNum?: number; code?: number; message?: string }> {
  try {
    await p
  } catch (e) {
    if (isArangoError(e)) return { errorNum: e.errorNum, code: e.code, message: e.message }
    throw e
  }
  return {}
}

const C2F = 'function (celsius) { return celsius * 1.8 + 32; }'

describe('/_api/aqlfunction and NS::NAME calls', () => {
  const target = useTestTarget({ scope: 'test' })

  it('creates (201, isNewlyCreated true), replaces (200, false), lists and calls a function by any case', async () => {
    const db = target.db
    const created = await db.createUserFunction('myfunctions::temperature::celsiustofahrenheit', C2F, true)
    expect(created).toMatchObject({ error: false, code: 201, isNewlyCreated: true })
    const replaced = await db.createUserFunction('myfunctions::temperature::celsiustofahrenheit', C2F, true)
    expect(replaced).toMatchObject({ error: false, code: 200, isNewlyCreated: false })
    expect(await db.listUserFunctions()).toEqual([
      { name: 'myfunctions::temperature::celsiustofahrenheit', code: C2F, isDeterministic: true },
    ])
    const cursor = await db.query('RETURN MyFunctions::Temperature::CelsiusToFahrenheit(@c)', { c: 100 })
    expect(await cursor.all()).toEqual([212])
  })

  it('lists by namespace (query parameter or path), including sub-namespaces, case-insensitively', async () => {
    const db = target.db
    await db.createUserFunction('geo::dist', 'function () { return 1 }')
    await db.createUserFunction('geo::sub::near', 'function () { return 2 }')
    await db.createUserFunction('geography::x', 'function () { return 3 }')
    const names = (r: { name: string }[]) => r.map((f) => f.name).sort()
    const byParam = (await db.route('/_api/aqlfunction').get({ namespace: 'GEO' })).parsedBody
    expect(names(byParam.result)).toEqual(['geo::dist', 'geo::sub::near'])
    const byPath = (await db.route('/_api/aqlfunction/geo::sub').get()).parsedBody
    expect(names(byPath.result)).toEqual(['geo::sub::near'])
    expect((await db.listUserFunctions()).length).toBe(3)
  })

  it('drops one function (deletedCount 1), a namespace with group=true, and answers 404 / 1582 for an unknown name', async () => {
    const db = target.db
    await db.createUserFunction('grp::a', 'function () { return 1 }')
    await db.createUserFunction('grp::b::c', 'function () { return 2 }')
    await db.createUserFunction('other::d', 'function () { return 3 }')
    expect(await db.dropUserFunction('GRP::A')).toMatchObject({ error: false, code: 200, deletedCount: 1 })
    expect(await failure(db.dropUserFunction('grp::a'))).toMatchObject({ errorNum: 1582, code: 404 })
    expect(await db.dropUserFunction('grp', true)).toMatchObject({ code: 200, deletedCount: 1 })
    expect(await db.dropUserFunction('nothing::here', true)).toMatchObject({ deletedCount: 0 })
    expect((await db.listUserFunctions()).map((f) => f.name)).toEqual(['other::d'])
  })

  it('rejects invalid names with 1580 and invalid code with 1581 (HTTP 400)', async () => {
    const db = target.db
    for (const name of ['nonamespace', '_hidden::f', 'a::', 'bad-char::f', '']) {
      expect(await failure(db.createUserFunction(name, C2F)), name).toMatchObject({
        errorNum: 1580,
        code: 400,
      })
    }
    for (const code of ['', '42', 'function (', 'function () { return import("node:fs") }']) {
      expect(await failure(db.createUserFunction('ok::f', code)), code).toMatchObject({
        errorNum: 1581,
        code: 400,
      })
    }
    expect(await db.listUserFunctions()).toEqual([])
  })

  it('fails a query calling an unregistered function with 1582 when the call is evaluated', async () => {
    const db = target.db
    expect(await failure(db.query('RETURN NOPE::MISSING(1)'))).toMatchObject({ errorNum: 1582, code: 404 })
    // through CALL the error stays an error (invokeV8Function rethrows 1582), naming CALL
    const viaCall = await failure(db.query("RETURN CALL('nope::missing')"))
    expect(viaCall).toMatchObject({ errorNum: 1582, code: 404 })
    expect(viaCall.message).toBe("in function 'CALL()': user function 'NOPE::MISSING()' not found")
    // never evaluated: ArangoDB resolves user functions at call time, not while parsing
    expect(await (await db.query('FOR x IN [] RETURN NOPE::MISSING(x)')).all()).toEqual([])
  })

  it('a function that throws fails the query with 1583; through CALL it is a warning and null', async () => {
    const db = target.db
    await db.createUserFunction('err::boom', 'function () { throw new Error("kaputt") }')
    const f = await failure(db.query('RETURN ERR::BOOM()'))
    expect(f).toMatchObject({ errorNum: 1583 })
    expect(f.message).toContain("in function 'ERR::BOOM()': user function runtime error: Error: kaputt")
    const cursor = await db.query("RETURN CALL('err::boom')")
    expect(await cursor.all()).toEqual([null])
    expect(cursor.extra.warnings).toHaveLength(1)
    expect(cursor.extra.warnings[0]).toMatchObject({ code: 1583 })
    expect(cursor.extra.warnings[0]!.message).toContain("while invoking 'ERR::BOOM' via 'CALL'")
  })

  it('passes AQL_WARNING to the query warnings, this.name, and APPLY arguments', async () => {
    const db = target.db
    await db.createUserFunction(
      'w::f',
      'function (a, b) { AQL_WARNING(1541, "from " + this.name); return [a, b] }',
    )
    const cursor = await db.query("RETURN APPLY('W::F', [1, {x: 'y'}])")
    expect(await cursor.all()).toEqual([[1, { x: 'y' }]])
    expect(cursor.extra.warnings).toEqual([{ code: 1541, message: 'from W::F' }])
    // APPLY's parameters must be an array: else a 1542 warning and null (arangod functions::Apply)
    const bad = await db.query("RETURN APPLY('W::F', 'x')")
    expect(await bad.all()).toEqual([null])
    expect(bad.extra.warnings.map((w) => w.code)).toEqual([1542])
  })

  it('keeps functions per database and sees a change made through another connection at the next query', async () => {
    const db = target.db
    await db.createUserFunction('ver::f', 'function () { return 1 }')
    expect(await (await db.query('RETURN VER::F()')).all()).toEqual([1])
    await target.system.database(target.dbName).createUserFunction('ver::f', 'function () { return 2 }')
    expect(await (await db.query('RETURN VER::F()')).all()).toEqual([2])
    expect(await failure(target.system.query('RETURN VER::F()'))).toMatchObject({ errorNum: 1582 })
  })

  it('is callable inside a stream transaction that does not declare _aqlfunctions (allowImplicit false)', async () => {
    const db = target.db
    await db.createUserFunction('trx::double', 'function (x) { return x * 2 }')
    await db.createCollection('trx_c')
    const trx = await db.beginTransaction({ read: ['trx_c'] }, { allowImplicit: false })
    const cursor = await trx.step(() => db.query('RETURN TRX::DOUBLE(21)'))
    expect(await cursor.all()).toEqual([42])
    await trx.abort()
  })

  it('a function cannot reach the host: no process or require, and this.constructor.constructor is blocked', async () => {
    const db = target.db
    await db.createUserFunction(
      'sec::probe',
      `function (x) {
        var out = [typeof process, typeof require];
        try { out.push(typeof this.constructor.constructor('return process')()) } catch (e) { out.push('blocked') }
        try { out.push(typeof x.constructor.constructor('return process')()) } catch (e) { out.push('blocked') }
        return out
      }`,
    )
    const cursor = await db.query('RETURN SEC::PROBE({})')
    expect(await cursor.all()).toEqual([['undefined', 'undefined', 'blocked', 'blocked']])
  })

  it('an endless loop fails the call at the time limit (1583) and the server keeps answering', async () => {
    const db = target.db
    await db.createUserFunction('slow::spin', 'function () { while (true) {} }')
    const t0 = Date.now()
    const f = await failure(db.query('RETURN SLOW::SPIN()'))
    expect(f).toMatchObject({ errorNum: 1583 })
    expect(f.message).toContain('timed out')
    expect(Date.now() - t0).toBeLessThan(5000)
    expect((await db.version()).server).toBe('arango')
  })
})
