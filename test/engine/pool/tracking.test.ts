import { describe, expect, it } from 'vitest'
import { QueryTracker } from '../../../src/engine/pool/tracking.js'

describe('QueryTracker', () => {
  it('keeps at most maxSlowQueries slow queries, the newest ones', () => {
    const t = new QueryTracker()
    t.setProperties({ slowQueryThreshold: 0, maxSlowQueries: 2 })
    for (const q of ['RETURN 1', 'RETURN 2', 'RETURN 3']) t.finish(t.start('db', q, {}, false))
    expect(t.slowQueries('db').map((q) => q.query)).toEqual(['RETURN 2', 'RETURN 3'])
    expect(t.slowQueries('other')).toEqual([])
  })

  it('lists nothing and cannot kill when tracking is disabled (1591)', () => {
    const t = new QueryTracker()
    t.setProperties({ enabled: false })
    const q = t.start('db', 'RETURN 1', {}, false)
    expect(t.current('db')).toEqual([])
    expect(() => t.kill('db', q.id)).toThrow(expect.objectContaining({ errorNum: 1591 }))
  })

  it('kills a running query through its shared cancellation, only in its own database', () => {
    const t = new QueryTracker()
    const q = t.start('db', 'RETURN SLEEP(5)', {}, false)
    expect(() => t.kill('other', q.id)).toThrow(expect.objectContaining({ errorNum: 1591 }))
    t.kill('db', q.id)
    expect(q.cancel.killed).toBe(true)
    expect(() => q.cancel.check()).toThrow(expect.objectContaining({ errorNum: 1500 }))
  })

  it('cuts the query string at maxQueryStringLength and hides bindVars without trackBindVars', () => {
    const t = new QueryTracker()
    t.setProperties({ maxQueryStringLength: 6, trackBindVars: false })
    t.start('db', 'RETURN @x', { x: 1 }, true)
    expect(t.current('db')[0]).toMatchObject({ query: 'RETURN', bindVars: {}, stream: true })
  })

  it('rejects properties of the wrong type with 400', () => {
    const t = new QueryTracker()
    expect(() => t.setProperties({ maxSlowQueries: -1 })).toThrow(expect.objectContaining({ errorNum: 400 }))
    expect(() => t.setProperties([])).toThrow(expect.objectContaining({ errorNum: 400 }))
    expect(t.properties().maxSlowQueries).toBe(64)
  })
})
