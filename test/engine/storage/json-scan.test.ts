/**
 * The import's JSON scanner against its oracle, JSON.parse of the decoded text: a text it calls
 * a plain object must parse to an object without a top-level `_key` whose `_from`/`_to` are
 * what it reports; every object JSON.parse accepts (and that has no `_key`) must be called
 * plain; nothing JSON.parse rejects may be. Generated documents, their serializations with
 * random whitespace and escapes, and single-character mutations of them, as UTF-8.
 */
import { describe, expect, it } from 'vitest'
import {
  DocumentScanner,
  SCAN_GENERAL,
  SCAN_INVALID,
  SCAN_PLAIN,
} from '../../../src/engine/storage/json-scan.js'

let seed = 12345
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  // the high bits: the low bits of this generator repeat with a short period
  return (seed >>> 12) % n
}
const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]

const NAMES = ['_key', '_from', '_to', '_id', '_rev', 'a', 'name', '', 'ü', '_k', '_fro', '_toX', '__proto__']
const STRINGS = ['x', 'airports/LAX', 'a/b', '', 'é', '"q"', 'tab\t', 'nl\n', '\u2028', '\ud800', '/', '\\']

function value(depth: number): unknown {
  const k = rnd(depth > 3 ? 6 : 9)
  switch (k) {
    case 0:
      return null
    case 1:
      return rnd(2) === 0
    case 2:
      return pick([0, -1, 1.5, 1e21, -0.000123, 42, 1e-7])
    case 3:
    case 4:
    case 5:
      return pick(STRINGS)
    case 6:
    case 7:
      return object(depth + 1)
    default:
      return Array.from({ length: rnd(4) }, () => value(depth + 1))
  }
}

function object(depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (let i = rnd(5); i > 0; i--) o[pick(NAMES)] = value(depth)
  return o
}

/** JSON.stringify with random whitespace between tokens and some characters \u-escaped. */
function serialize(v: unknown): string {
  const sp = () => pick(['', '', '', ' ', '\n', '\t ', '\r\n'])
  const str = (s: string) =>
    JSON.stringify(s).replace(/[a-z_/]/g, (c) =>
      rnd(8) === 0 ? (c === '/' ? '\\/' : '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : c,
    )
  const go = (x: unknown): string => {
    if (x === null || typeof x !== 'object') return typeof x === 'string' ? str(x) : JSON.stringify(x)
    if (Array.isArray(x)) return '[' + sp() + x.map(go).join(sp() + ',' + sp()) + sp() + ']'
    return (
      '{' +
      sp() +
      Object.entries(x)
        .map(([k, y]) => str(k) + sp() + ':' + sp() + go(y))
        .join(sp() + ',' + sp()) +
      sp() +
      '}'
    )
  }
  return sp() + go(v) + sp()
}

const MUTATIONS = [
  '',
  '"',
  '\\',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '0',
  '-',
  '.',
  'e',
  '+',
  ' ',
  '\u0001',
  '\u001f',
  '\u007f',
  '\t',
  'x',
  'u',
  't',
  'n',
]

function mutate(s: string): string {
  const i = rnd(s.length + 1)
  const m = rnd(3)
  const c = pick(MUTATIONS)
  if (m === 0) return s.slice(0, i) + c + s.slice(i)
  if (m === 1) return s.slice(0, i) + s.slice(i + 1)
  return s.slice(0, i) + c + s.slice(i + 1)
}

/** Scan `text` as the engine gets it: UTF-8 bytes, here inside a larger buffer. */
function scan(scanner: DocumentScanner, text: string): number {
  const b = Buffer.from('{"x":\n' + text + '1}')
  return scanner.scan(b, 6, b.length - 2)
}

/** The top-level _from/_to the scanner found as plain strings. */
function found(s: DocumentScanner, text: string): (string | undefined)[] {
  const b = Buffer.from('{"x":\n' + text + '1}')
  const at = (a: number, z: number) => (a < 0 ? undefined : b.toString('utf8', a, z))
  return [at(s.fromStart, s.fromEnd), at(s.toStart, s.toEnd)]
}

function check(scanner: DocumentScanner, raw: string): void {
  // what the engine decodes: lone surrogates become U+FFFD in UTF-8
  const text = Buffer.from(raw).toString()
  let parsed: unknown
  let ok = true
  try {
    parsed = JSON.parse(text)
  } catch {
    ok = false
  }
  const r = scan(scanner, text)
  const isObj = ok && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
  if (!isObj) {
    expect(r, text).not.toBe(SCAN_PLAIN)
    return
  }
  const o = parsed as Record<string, unknown>
  if (Object.hasOwn(o, '_key')) {
    expect(r, text).toBe(SCAN_GENERAL)
    return
  }
  expect(r, text).toBe(SCAN_PLAIN)
  const [from, to] = found(scanner, text)
  for (const [name, plain, other] of [
    ['_from', from, scanner.fromOther],
    ['_to', to, scanner.toOther],
  ] as const) {
    if (!Object.hasOwn(o, name)) {
      expect([plain, other], `${name} of ${text}`).toEqual([undefined, false])
    } else if (plain !== undefined) {
      expect(plain, `${name} of ${text}`).toBe(o[name])
      expect(other).toBe(false)
    } else expect(other, `${name} of ${text}`).toBe(true)
  }
}

describe('DocumentScanner (the import fast path) against JSON.parse', () => {
  it('agrees on 20,000 generated documents and 60,000 mutations of them', () => {
    const scanner = new DocumentScanner()
    for (let i = 0; i < 20_000; i++) {
      const text = serialize(object(0))
      check(scanner, text)
      for (let j = 0; j < 3; j++) check(scanner, mutate(text))
    }
  })

  /** [code, _from, _to, fromOther, toOther] of one text. */
  const parts = (s: DocumentScanner, text: string) => [
    scan(s, text),
    ...found(s, text),
    s.fromOther,
    s.toOther,
  ]

  it('reports plain top-level _from/_to, and leaves escaped or non-string ones to the general path', () => {
    const s = new DocumentScanner()
    expect(parts(s, '{"_from":"a/1","x":{"_to":"n/1"},"_to":"b/2"}')).toEqual([
      SCAN_PLAIN,
      'a/1',
      'b/2',
      false,
      false,
    ])
    expect(parts(s, '{"_from":"a\\/1","_to":7}')).toEqual([SCAN_PLAIN, undefined, undefined, true, true])
    // the last of repeated members counts, as in JSON.parse
    expect(parts(s, '{"_from":"a/1","_from":"b/2"}')).toEqual([SCAN_PLAIN, 'b/2', undefined, false, false])
    expect(parts(s, '{"_from":"a/1","_from":null}')).toEqual([SCAN_PLAIN, undefined, undefined, true, false])
  })

  it('finds _key however it is spelled at the top level, and only there', () => {
    const s = new DocumentScanner()
    expect(scan(s, '{"_key":"k"}')).toBe(SCAN_GENERAL)
    expect(scan(s, '{"a":1, "\\u005fkey":"k"}')).toBe(SCAN_GENERAL)
    expect(scan(s, '{"_\\u006bey":null}')).toBe(SCAN_GENERAL)
    expect(scan(s, '{"o":{"_key":"inner"},"l":[{"_key":1}]}')).toBe(SCAN_PLAIN)
    // an escaped name is decoded: this is _from, its value a plain string
    expect(parts(s, '{"\\u005ffrom":"a/1"}')).toEqual([SCAN_PLAIN, 'a/1', undefined, false, false])
  })

  it('reads only its range of the buffer', () => {
    const s = new DocumentScanner()
    const b = Buffer.from('{"a":1}{"b":12}')
    expect(s.scan(b, 0, 7)).toBe(SCAN_PLAIN)
    expect(s.scan(b, 7, 14)).toBe(SCAN_INVALID)
    expect(s.scan(b, 7, 13)).toBe(SCAN_INVALID)
    expect(s.scan(Buffer.from('{"a":tru}'), 0, 8)).toBe(SCAN_INVALID)
  })

  it('rejects what JSON.parse rejects, and non-objects', () => {
    const s = new DocumentScanner()
    for (const bad of [
      '',
      '   ',
      '[1,2]',
      '"x"',
      '{"name":"b",}',
      '{"a":01}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":+1}',
      '{"a":-}',
      '{"a":"\\x"}',
      '{"a":"\\u12G4"}',
      '{"a":"tab\there"}',
      '{"a":tru}',
      '{"a":nulls}',
      '{"a":1} x',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a":1',
      '\ufeff{"a":1}',
      '{"a":"unterminated}',
    ]) {
      expect(scan(s, bad), bad).toBe(SCAN_INVALID)
    }
    for (const good of [
      '{}',
      ' {"a":[]} \r',
      '{"a":-0.5e+10,"b":[true,false,null,{}]}',
      '{"\\ud800":"\u2028"}',
    ])
      expect(scan(s, good), good).toBe(SCAN_PLAIN)
  })

  it('leaves nesting deeper than 512 to JSON.parse', () => {
    const s = new DocumentScanner()
    const deep = '{"a":' + '['.repeat(600) + ']'.repeat(600) + '}'
    expect(JSON.parse(deep)).toBeTruthy()
    expect(scan(s, deep)).toBe(SCAN_GENERAL)
    expect(scan(s, '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}')).toBe(SCAN_PLAIN)
  })
})
