/** Calls library functions directly, as the executor does, collecting warnings. */
import { FUNCTIONS } from '../../../../src/engine/aql/functions/index.js'
import type { FunctionContext } from '../../../../src/engine/aql/functions/types.js'
import type { Store } from '../../../../src/engine/storage/types.js'
import type { AqlValue } from '../../../../src/engine/aql/values.js'

export interface Called {
  value: AqlValue
  warnings: { code: number; message: string }[]
}

export function callWith(opts: { store?: Store; now?: number }, name: string, ...args: AqlValue[]): Called {
  const def = FUNCTIONS[name]
  if (!def) throw new Error(`no function ${name}`)
  if (args.length < def.minArgs || args.length > def.maxArgs) throw new Error(`arity of ${name}`)
  const warnings: Called['warnings'] = []
  const ctx: FunctionContext = {
    warn: (code, message) => warnings.push({ code, message }),
    store: opts.store ?? (null as unknown as Store),
    db: '_system',
    now: opts.now ?? 1_700_000_000_000,
  }
  return { value: def.fn(ctx, args), warnings }
}

export const call = (name: string, ...args: AqlValue[]): Called => callWith({}, name, ...args)

/** The value, asserting no warning was raised. */
export function v(name: string, ...args: AqlValue[]): AqlValue {
  const r = call(name, ...args)
  if (r.warnings.length) throw new Error(`${name} warned: ${JSON.stringify(r.warnings)}`)
  return r.value
}

/** The warning codes of a call whose value is null. */
export function warned(name: string, ...args: AqlValue[]): number[] {
  const r = call(name, ...args)
  if (r.value !== null) throw new Error(`${name} returned ${JSON.stringify(r.value)}, expected null`)
  return r.warnings.map((w) => w.code)
}
