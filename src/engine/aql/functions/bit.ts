/**
 * Bit functions (docs.arangodb.com/3.12/aql/functions/bit/): unsigned 32-bit integers only;
 * anything else gives null plus warning 1542.
 */
import type { AqlValue } from '../values.js'
import type { FunctionContext } from './types.js'
import { def, invalidArg, isArray, type FnTable } from './util.js'

const MAX = 0xffffffff
const isU32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX
const isBits = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 32
const mask = (bits: number): number => (bits >= 32 ? MAX : 2 ** bits - 1)

/** BIT_AND/OR/XOR take either one array (nulls skipped, empty gives null) or two numbers. */
function reduceBits(name: string, op: (a: number, b: number) => number) {
  return def(1, 2, (ctx: FunctionContext, args: AqlValue[]) => {
    let values: AqlValue[]
    if (args.length === 1) {
      if (!isArray(args[0])) return invalidArg(ctx, name)
      values = args[0].filter((v) => v !== null)
    } else values = args
    let acc: number | null = null
    for (const v of values) {
      if (!isU32(v)) return invalidArg(ctx, name)
      acc = acc === null ? v : op(acc, v) >>> 0
    }
    return acc
  })
}

export const BIT_FUNCTIONS: FnTable = {
  BIT_AND: reduceBits('BIT_AND', (a, b) => a & b),
  BIT_OR: reduceBits('BIT_OR', (a, b) => a | b),
  BIT_XOR: reduceBits('BIT_XOR', (a, b) => a ^ b),
  BIT_NEGATE: def(2, 2, (ctx, [v, bits]) => {
    if (!isU32(v) || !isBits(bits)) return invalidArg(ctx, 'BIT_NEGATE')
    return (~v & mask(bits)) >>> 0
  }),
  BIT_TEST: def(2, 2, (ctx, [v, i]) => {
    if (!isU32(v) || typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 31) {
      return invalidArg(ctx, 'BIT_TEST')
    }
    return ((v >>> i) & 1) === 1
  }),
  BIT_POPCOUNT: def(1, 1, (ctx, [v]) => {
    if (!isU32(v)) return invalidArg(ctx, 'BIT_POPCOUNT')
    let n = 0
    for (let x = v; x; x >>>= 1) n += x & 1
    return n
  }),
  BIT_SHIFT_LEFT: def(3, 3, (ctx, [v, shift, bits]) => {
    if (!isU32(v) || !isBits(shift) || !isBits(bits)) return invalidArg(ctx, 'BIT_SHIFT_LEFT')
    return Number((BigInt(v) << BigInt(shift)) & BigInt(mask(bits)))
  }),
  BIT_SHIFT_RIGHT: def(3, 3, (ctx, [v, shift, bits]) => {
    if (!isU32(v) || !isBits(shift) || !isBits(bits)) return invalidArg(ctx, 'BIT_SHIFT_RIGHT')
    return Number((BigInt(v) >> BigInt(shift)) & BigInt(mask(bits)))
  }),
  BIT_CONSTRUCT: def(1, 1, (ctx, [v]) => {
    if (!isArray(v)) return invalidArg(ctx, 'BIT_CONSTRUCT')
    let out = 0
    for (const p of v) {
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 31)
        return invalidArg(ctx, 'BIT_CONSTRUCT')
      out = (out | (1 << p)) >>> 0
    }
    return out
  }),
  BIT_DECONSTRUCT: def(1, 1, (ctx, [v]) => {
    if (!isU32(v)) return invalidArg(ctx, 'BIT_DECONSTRUCT')
    const out: number[] = []
    for (let i = 0; i < 32; i++) if ((v >>> i) & 1) out.push(i)
    return out
  }),
  BIT_TO_STRING: def(2, 2, (ctx, [v, bits]) => {
    if (!isU32(v) || !isBits(bits)) return invalidArg(ctx, 'BIT_TO_STRING')
    if (bits === 0) return ''
    return ((v & mask(bits)) >>> 0).toString(2).padStart(bits, '0').slice(-bits)
  }),
  BIT_FROM_STRING: def(1, 1, (ctx, [v]) => {
    if (typeof v !== 'string' || !/^[01]{0,32}$/.test(v)) return invalidArg(ctx, 'BIT_FROM_STRING')
    return v === '' ? 0 : parseInt(v, 2)
  }),
}
