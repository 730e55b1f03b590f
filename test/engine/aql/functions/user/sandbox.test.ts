/**
 * The user-function sandbox against the known node:vm escapes. Each probe tries to reach the
 * host (its `process`, its `Function`, a sentinel on the host's globalThis) and reports what it
 * got as data; the assertions check that it got nothing of the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  InvalidFunctionCode,
  SandboxedFunction,
} from '../../../../../src/engine/aql/functions/user/sandbox.js'

const SENTINEL = '__graphpipeHostSentinel'
const host = globalThis as Record<string, unknown>

/** A probe body returning what it reached: 'host' when it got at the host, else a reason. */
function probe(body: string): SandboxedFunction {
  return new SandboxedFunction('TEST::PROBE', `function () { ${body} }`, 200)
}

/** Judge a reached value inside the context: the host's process/sentinel show up as 'host'. */
const JUDGE = `function judge(p) {
  try { if (p && typeof p === 'object' && typeof p.pid === 'number') return 'host' } catch (e) {}
  try { if (typeof p === 'string' && p.indexOf('host-only') >= 0) return 'host' } catch (e) {}
  return 'contained'
}`

function value(fn: SandboxedFunction, args: unknown[] = []): unknown {
  const out = fn.call(args)
  return out.ok ? out.value : `threw: ${out.message.split('\n')[0]}`
}

describe('user function sandbox', () => {
  beforeAll(() => {
    host[SENTINEL] = 'host-only secret'
  })
  afterAll(() => {
    delete host[SENTINEL]
  })

  it('runs a function on its arguments and returns JSON data (the manual example: celsius to fahrenheit)', () => {
    const f = new SandboxedFunction('T::C2F', 'function (celsius) { return celsius * 1.8 + 32; }', 200)
    expect(f.call([100])).toEqual({ ok: true, value: 212, warnings: [] })
  })

  it('sees this.name as the registered name and collects AQL_WARNING calls (manual, "Registering an AQL user function")', () => {
    const f = new SandboxedFunction(
      'T::W',
      'function () { AQL_WARNING(1541, "w " + this.name); return 1 }',
      200,
    )
    expect(f.call([])).toEqual({ ok: true, value: 1, warnings: [[1541, 'w T::W']] })
  })

  it("turns what is not JSON data into null as ArangoDB's FIX_VALUE does", () => {
    const f = new SandboxedFunction(
      'T::FIX',
      'function () { return [undefined, NaN, Infinity, function () {}, Symbol("s"), 10n, { a: 1, f: function () {} }] }',
      200,
    )
    expect(f.call([])).toMatchObject({ ok: true, value: [null, null, null, null, null, null, { a: 1 }] })
  })

  it('has no require, process, module, console or timers', () => {
    const f = probe(
      `return [typeof require, typeof process, typeof module, typeof console, typeof setTimeout, typeof setImmediate, typeof queueMicrotask === 'function' ? 'q' : 'none', typeof globalThis.${SENTINEL}]`,
    )
    expect(value(f)).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'none',
      'undefined',
    ])
  })

  it("cannot reach the host through this.constructor.constructor('return process')()", () => {
    const f = probe(
      `${JUDGE}; try { return judge(this.constructor.constructor('return process')()) } catch (e) { return 'blocked' }`,
    )
    expect(value(f)).toBe('blocked')
  })

  it('cannot reach the host through the global object or its prototype chain', () => {
    const f = probe(`${JUDGE}; var out = [];
      var o = globalThis; while (o) { try { out.push(judge(o.constructor.constructor('return process')())) } catch (e) { out.push('blocked') } o = Object.getPrototypeOf(o) }
      return out`)
    const got = value(f) as string[]
    expect(got.length).toBeGreaterThan(0)
    expect(got.every((r) => r === 'blocked')).toBe(true)
  })

  it("cannot reach the host through an argument's constructor", () => {
    const f = probe(`${JUDGE}; var out = []; for (var i = 0; i < arguments.length; i++) {
      var a = arguments[i]; if (a === null || a === undefined) continue;
      try { out.push(judge(a.constructor.constructor('return process')())) } catch (e) { out.push('blocked') } }
      return out`)
    expect(value(f, [{ a: 1 }, [1, 2], 'text', 3, true, null])).toEqual([
      'blocked',
      'blocked',
      'blocked',
      'blocked',
      'blocked',
    ])
  })

  it('cannot climb out through arguments.callee.caller or a sloppy function.caller', () => {
    const f = probe(`${JUDGE}; var c = arguments.callee.caller; var d = (function g() { return g.caller })();
      var out = []; [c, d && d.caller].forEach(function (x) { if (!x) { out.push('none'); return }
        try { out.push(judge(x.constructor('return process')())) } catch (e) { out.push('blocked') } });
      return out`)
    const got = value(f) as string[]
    expect(got.every((r) => r === 'none' || r === 'blocked')).toBe(true)
  })

  it('cannot get host frames through Error.prepareStackTrace', () => {
    const f = probe(`${JUDGE}; var out = [];
      Error.prepareStackTrace = function (e, frames) { frames.forEach(function (fr) {
        var t, fn; try { t = fr.getThis(); fn = fr.getFunction() } catch (x) {}
        [t, fn].forEach(function (v) { if (v == null) return; try { out.push(judge((v.constructor.constructor || v.constructor)('return process')())) } catch (x) { out.push('blocked') } }) }); return 'x' };
      new Error('probe').stack; Error.prepareStackTrace = undefined; return out`)
    const got = value(f) as string[]
    expect(got.every((r) => r === 'blocked')).toBe(true)
  })

  it('cannot reach the host through the RangeError of a stack overflow', () => {
    const f = probe(`${JUDGE}; function deep() { return deep() + 1 }
      try { deep() } catch (e) { try { return judge(e.constructor.constructor('return process')()) } catch (x) { return 'blocked' } } return 'no overflow'`)
    expect(value(f)).toBe('blocked')
  })

  it('refuses import() when the code is compiled (its rejection would carry a host-realm error)', () => {
    expect(() => probe(`return import('node:fs')`)).toThrow(InvalidFunctionCode)
    expect(() => probe(`return [...import/* */('node:fs')]`)).toThrow(InvalidFunctionCode)
    // a property named import is fine
    expect(value(probe(`var o = { x: 1 }; o.import = 2; return o.import`))).toBe(2)
  })

  it('cannot smuggle host objects out through a Proxy or Symbol result, and a throwing Proxy is a runtime error', () => {
    const res = probe(
      `return new Proxy({}, { get: function () { throw new Error('trap') }, ownKeys: function () { throw new Error('keys') } })`,
    )
    expect(res.call([])).toMatchObject({ ok: false })
    const thrown = probe(`throw new Proxy({}, { get: function () { throw new Error('trap') } })`)
    expect(thrown.call([])).toMatchObject({ ok: false })
    expect(value(probe(`return Symbol.for('x')`))).toBeNull()
  })

  it('lets no Proxy out to run its traps on the host: a setter on Object.prototype throwing one is contained', () => {
    const f =
      probe(`var trap = new Proxy({}, { get: function () { while (true) {} }, getPrototypeOf: function () { while (true) {} } });
      Object.defineProperty(Object.prototype, 'warnings', { set: function () { throw trap }, configurable: true });
      Object.defineProperty(Object.prototype, 'toJSON', { get: function () { throw trap }, configurable: true });
      return 1`)
    const t0 = Date.now()
    const first = f.call([])
    expect(first.ok).toBe(false)
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(f.call([]).ok).toBe(false)
  })

  it("cannot hang the host through the timeout error's code assignment (a setter on Object.prototype)", () => {
    const f =
      probe(`Object.defineProperty(Object.prototype, 'code', { set: function () { while (true) {} }, configurable: true });
      try { Object.defineProperty(Error.prototype, 'code', { set: function () { while (true) {} } }) } catch (e) {}
      while (true) {}`)
    const t0 = Date.now()
    expect(f.call([])).toMatchObject({ ok: false, timedOut: true })
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it("cannot hang the host through a thrown value's stack getter (Node's error decoration)", () => {
    const t0 = Date.now()
    const code = `(function () { var o = {}; Object.defineProperty(o, 'stack', { get: function () { while (true) {} } }); throw o })()`
    expect(() => new SandboxedFunction('T::DECO', code, 200)).toThrow(InvalidFunctionCode)
    expect(Date.now() - t0).toBeLessThan(2000)
  })

  it('stops an infinite loop at the time limit and the host goes on', () => {
    const f = probe(`while (true) {}`)
    const t0 = Date.now()
    const out = f.call([])
    expect(out).toMatchObject({ ok: false, timedOut: true })
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(f.spoiled).toBe(true)
  })

  it('stops a catastrophically backtracking regular expression at the time limit', () => {
    const f = probe(`return /^(a+)+b$/.test('a'.repeat(40))`)
    expect(f.call([])).toMatchObject({ ok: false, timedOut: true })
  })

  it('has no promises: no Promise, async functions refused (an unhandled rejection would end the host process)', () => {
    expect(value(probe(`return typeof Promise`))).toBe('undefined')
    expect(() => probe(`var f = async function () { throw 1 }; f(); return 1`)).toThrow(InvalidFunctionCode)
    expect(() => probe(`var f = async () => 1; return 1`)).toThrow(InvalidFunctionCode)
    // a property called async is fine
    expect(value(probe(`var o = {}; o.async = 3; return o.async`))).toBe(3)
  })

  it('has no FinalizationRegistry, WeakRef, Atomics, SharedArrayBuffer or WebAssembly (work outside the time limit)', () => {
    expect(
      value(
        probe(
          `return [typeof FinalizationRegistry, typeof WeakRef, typeof Atomics, typeof SharedArrayBuffer, typeof WebAssembly]`,
        ),
      ),
    ).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined'])
  })

  it('rejects code that is not a function or does not parse', () => {
    expect(() => new SandboxedFunction('T::X', '42', 200)).toThrow(InvalidFunctionCode)
    expect(() => new SandboxedFunction('T::X', 'function (', 200)).toThrow(/SyntaxError/)
  })

  it('keeps the host global untouched by a function that writes globals', () => {
    const f = probe(`globalThis.${SENTINEL} = 'overwritten'; Object.prototype.polluted = 1; return 1`)
    expect(value(f)).toBe(1)
    expect(host[SENTINEL]).toBe('host-only secret')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
