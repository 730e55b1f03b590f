/**
 * Running the JavaScript of a user-defined AQL function, isolated from the host.
 *
 * node:vm alone is no sandbox: any object of the host realm that reaches the function's code
 * leads back to the host's `Function` (`obj.constructor.constructor('return process')()`). So no
 * host object ever enters the context: the context's global is a fresh null-prototype object,
 * arguments go in as JSON text that the context's own `JSON.parse` turns into values, the result
 * and the function's warnings come out as JSON text made by the context's `JSON.stringify` (the
 * host accepts only a string primitive and parses it with its own JSON). Code generation from
 * strings and WebAssembly are off in the context (no `eval`, no `Function(...)`), so the only
 * code that runs is the code compiled here. `import()` is refused before compiling: Node 20 (no
 * --experimental-vm-modules) rejects it with an error object of the host realm. Promises are not
 * available (no `Promise`, `async` refused like `import`): a rejection nobody handles would reach
 * the host's unhandledRejection machinery, which by default ends the process (and ArangoDB's V8
 * has no event loop for a function's promises anyway). Whatever could run later, outside a
 * call's time limit (FinalizationRegistry and WeakRef callbacks, Atomics waits on shared memory),
 * is removed from the context before the user's code runs. Each call runs under a vm `timeout`
 * (`microtaskMode: 'afterEvaluate'` keeps any queued job inside it), with `displayErrors` off so
 * Node never inspects a thrown value on the host. Not bounded: memory (docs/engine.md).
 */
import { types } from 'node:util'
import vm from 'node:vm'

/** What one call answered, as the context reported it. */
export type CallOutcome =
  | { ok: true; value: unknown; warnings: [number, string][] }
  | { ok: false; message: string; warnings: [number, string][]; timedOut?: boolean }

/** The code cannot be used as a function: ArangoDB's 1581 with this detail. */
export class InvalidFunctionCode extends Error {}

/**
 * `import` or `async` used other than as a property name after a single `.`: the only ways to
 * `import()` and to async functions (keywords cannot be written with escapes, `import.meta` is a
 * syntax error in a script). Refuses the words in strings and comments too, a price paid for
 * not parsing here.
 */
const FORBIDDEN_WORD =
  /(?<![\p{ID_Continue}$\u200c\u200d])(?<!(?:^|[^.])\.)(?:import|async)(?![\p{ID_Continue}$\u200c\u200d])/u

/**
 * Runs in the fresh context before any user code: captures the built-ins it relies on, removes
 * the deferred-work globals, defines AQL_WARNING and the call entry point. Returns the host's
 * handles (functions of the context; they take and return only primitives).
 */
const BOOTSTRAP = `(function (fnName, maxWarnings) {
  'use strict';
  var g = globalThis;
  ['FinalizationRegistry', 'WeakRef', 'Atomics', 'SharedArrayBuffer', 'WebAssembly', 'console', 'Promise'].forEach(function (k) { delete g[k]; });
  delete Array.fromAsync;
  // Node builds its timeout error in this realm and assigns its "code" with [[Set]]: a setter the
  // function put on Object.prototype would then run on the host after the time limit. A data
  // property on the intrinsic Error.prototype, which the function cannot remove, shadows it.
  Object.defineProperty(Error.prototype, 'code', { value: undefined, writable: true, enumerable: false, configurable: false });
  var parse = JSON.parse, stringify = JSON.stringify, keys = Object.keys, isArray = Array.isArray;
  var isFiniteNumber = Number.isFinite, toString = String, apply = Reflect.apply;
  var warnings = [], fn = null, input = '[]';
  var FAILED = '{"ok":false,"message":"the function could not be run","warnings":[]}';
  function aqlWarning(code, message) {
    if (warnings.length < maxWarnings) warnings.push([Number(code) | 0, toString(message)]);
  }
  Object.defineProperty(g, 'AQL_WARNING', { value: aqlWarning, writable: false, configurable: false });
  // ArangoDB's FIX_VALUE (js/server/modules/@arangodb/aql.js): undefined, NaN, Infinity and
  // anything that is not JSON data become null; functions inside objects are left out.
  function fix(v) {
    var t = typeof v;
    if (v === undefined || v === null || (t === 'number' && !isFiniteNumber(v))) return null;
    if (t === 'boolean' || t === 'string' || t === 'number') return v;
    if (isArray(v)) { var a = []; for (var i = 0; i < v.length; i++) a.push(fix(v[i])); return a; }
    if (t === 'object') {
      var o = {}, ks = keys(v);
      for (var j = 0; j < ks.length; j++) { var x = v[ks[j]]; if (typeof x !== 'function') o[ks[j]] = fix(x); }
      return o;
    }
    return null;
  }
  function describe(e) {
    try {
      var s = (e !== null && typeof e === 'object' && e.stack) || toString(e);
      return typeof s === 'string' ? s : stringify(s);
    } catch (x) { return 'unknown error'; }
  }
  // Nothing may leave run() but a string: a thrown value reaching the host could be a Proxy whose
  // traps would run there, outside the time limit. Objects are built as literals (no inherited
  // setters run), and whatever still throws ends in the constant answer.
  function run() {
    try {
      warnings = [];
      var out;
      try { out = { ok: true, value: fix(apply(fn, { name: fnName }, parse(input))), warnings: warnings }; }
      catch (e) { out = { ok: false, message: describe(e), warnings: warnings }; }
      var text = stringify(out);
      return typeof text === 'string' ? text : FAILED;
    } catch (e) { return FAILED; }
  }
  Object.defineProperty(g, '__graphpipeRun', { value: run, writable: false, configurable: false });
  return {
    setFunction: function (f) { fn = f; return typeof f === 'function'; },
    setInput: function (s) { input = s; },
  };
})`

const RUN = new vm.Script('__graphpipeRun()', { filename: 'graphpipe:udf-call' })

/** One user function, compiled in its own context, called any number of times. */
export class SandboxedFunction {
  private readonly context: vm.Context
  private readonly setInput: (json: string) => void
  /** A call ran out of time: the context may hold queued jobs; the owner should recompile. */
  spoiled = false

  /**
   * `code` as stored: a string that evaluates to a function (ArangoDB keeps `(code\n)`).
   * Throws InvalidFunctionCode for syntax errors, code that is not a function, or import().
   */
  constructor(
    readonly name: string,
    code: string,
    private readonly timeoutMs: number,
    maxWarnings = 10,
  ) {
    if (FORBIDDEN_WORD.test(code))
      throw new InvalidFunctionCode('import() and async functions are not available to user functions')
    this.context = vm.createContext(Object.create(null), {
      name: `AQL user function ${name}`,
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
    })
    const boot = vm.runInContext(BOOTSTRAP, this.context, { filename: 'graphpipe:udf-bootstrap' }) as (
      n: string,
      m: number,
    ) => { setFunction(f: unknown): boolean; setInput(s: string): void }
    const handles = boot(name, maxWarnings)
    const setFunction = handles.setFunction
    this.setInput = handles.setInput
    // ArangoDB's registration check (AqlUserFunctions.cpp): the code must evaluate to a function.
    let script: vm.Script
    try {
      script = new vm.Script(`(function() { var callback = ${code}; return callback; })()`, {
        filename: `(user function ${name})`,
      })
    } catch (e) {
      throw new InvalidFunctionCode(e instanceof Error ? `${e.name}: ${e.message}` : String(e))
    }
    let evaluated: unknown
    // displayErrors false: else Node "decorates" a thrown value by reading its `stack` on the host,
    // after the time limit, which would run a getter of the function's choosing
    try {
      evaluated = script.runInContext(this.context, { timeout: timeoutMs, displayErrors: false })
    } catch {
      // an error of the context's realm: never inspected on the host
      throw new InvalidFunctionCode('evaluating the code threw an exception')
    }
    if (!setFunction(evaluated)) throw new InvalidFunctionCode('the code does not evaluate to a function')
  }

  /** Call with AQL values (JSON data); never throws for what the function does. */
  call(args: unknown[]): CallOutcome {
    this.setInput(JSON.stringify(args))
    let text: unknown
    try {
      text = RUN.runInContext(this.context, { timeout: this.timeoutMs, displayErrors: false })
    } catch (e) {
      // Only the vm's timeout error gets here (run() never throws). Node creates it in the
      // context's realm, so it is read without running any code: no getters, no Proxy traps.
      this.spoiled = true
      const timedOut =
        types.isNativeError(e) &&
        Object.getOwnPropertyDescriptor(e, 'code')?.value === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
      return {
        ok: false,
        timedOut,
        message: timedOut ? `timed out after ${this.timeoutMs} ms` : 'the function could not be run',
        warnings: [],
      }
    }
    if (typeof text !== 'string') return { ok: false, message: 'the function could not be run', warnings: [] }
    return parseOutcome(text)
  }
}

function parseOutcome(text: string): CallOutcome {
  const o = JSON.parse(text) as { ok?: unknown; value?: unknown; message?: unknown; warnings?: unknown }
  const warnings = Array.isArray(o.warnings)
    ? (o.warnings as unknown[]).filter(
        (w): w is [number, string] =>
          Array.isArray(w) && typeof w[0] === 'number' && typeof w[1] === 'string',
      )
    : []
  if (o.ok === true) return { ok: true, value: o.value ?? null, warnings }
  return { ok: false, message: typeof o.message === 'string' ? o.message : 'unknown error', warnings }
}
