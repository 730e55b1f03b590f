/**
 * fast-check arbitraries for AQL: queries built from the grammar (FOR/LET/FILTER/SORT/LIMIT/
 * COLLECT/WINDOW/RETURN, subqueries, traversals, writes; expressions with every operator, array
 * expansion `[*]` `[**]` `[? …]`, calls of the engine's functions with random arguments, bind
 * parameters), mutations of real queries (token deletion/duplication/insertion/swap) and
 * pathological shapes (thousands of nested parentheses, arrays, objects, subqueries, FILTERs,
 * AND/OR chains). The data they run against is `FUZZ_SETUP` (collection `c`, edges `e`).
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { FUNCTIONS } from '../../src/engine/aql/functions/index.js'

export interface AqlCase {
  query: string
  bindVars: Record<string, unknown>
}

/** Functions that wait or block on purpose; called with small arguments only (maxRuntime bounds them). */
const SLOW = new Set(['SLEEP'])
const FUNCTION_NAMES = Object.keys(FUNCTIONS).filter((f) => !SLOW.has(f))

const VARS = ['x', 'y', 'doc', 'v', 'e', 'p', 'g', 'CURRENT', 'i', 'unknownVar']
const COLLECTIONS = ['c', 'e', 'missing', '_graphs']
const BIND_NAMES = ['p0', 'p1', 'p2']

export const jsonValue: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 })

const literal: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -5, max: 100 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
  fc.constantFrom('0', '-0', '1e308', '1e-400', '0x1F', '0b101', '0b', '0x', '.5', '1.', '00'),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/['\\]/g, '')}'`),
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '"c/1"', '"e/1"', '"2020-01-01"', '"🥑"'),
)

const BINARY = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'IN',
  'NOT IN',
  'LIKE',
  'NOT LIKE',
  '=~',
  '!~',
  'AND',
  'OR',
  '&&',
  '||',
  '..',
  'ALL ==',
  'ANY <',
  'NONE IN',
  'AT LEAST (1) ==',
  '??',
]

const exprArb: fc.Memo<string> = fc.memo((n) => {
  // mostly names the preamble of `queryCase` declares, so most queries get past name resolution
  const leaf = fc.oneof(
    { weight: 4, arbitrary: literal },
    { weight: 4, arbitrary: fc.constantFrom('x', 'y', 'doc') },
    { weight: 1, arbitrary: fc.constantFrom(...VARS) },
    { weight: 1, arbitrary: fc.constantFrom(...BIND_NAMES).map((b) => '@' + b) },
    { weight: 1, arbitrary: fc.constantFrom(...COLLECTIONS) },
  )
  if (n <= 1) return leaf
  const sub = exprArb(n - 1)
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    fc.tuple(sub, fc.constantFrom(...BINARY), sub).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('-', '+', '!', 'NOT '), sub).map(([op, a]) => `${op}${a}`),
    fc.tuple(sub, sub, sub).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.tuple(sub, sub).map(([a, b]) => `(${a} ?: ${b})`),
    fc.array(sub, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '_key', '"q r"', '[x]', '@p0'), sub), { maxLength: 3 })
      .map((es) => `{${es.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc.tuple(sub, fc.constantFrom('a', 'b', '_key', '_id', 'o', 'k')).map(([a, k]) => `${a}.${k}`),
    fc.tuple(sub, sub).map(([a, i]) => `${a}[${i}]`),
    fc
      .tuple(sub, fc.constantFrom('[*]', '[**]', '[***]'), fc.constantFrom('', '.a', '.b[*]', '[*].a'))
      .map(([a, s, rest]) => `${a}${s}${rest}`),
    fc.tuple(sub, sub, sub).map(([a, f, r]) => `${a}[* FILTER ${f} LIMIT 1 RETURN ${r}]`),
    fc.tuple(sub, sub).map(([a, l]) => `${a}[* LIMIT ${l}]`),
    fc
      .tuple(sub, fc.constantFrom('', 'ANY', 'ALL', 'NONE', '2', 'AT LEAST (1)'), sub)
      .map(([a, q, f]) => `${a}[? ${q} FILTER ${f}]`),
    fc
      .tuple(fc.constantFrom(...FUNCTION_NAMES), fc.array(sub, { maxLength: 4 }))
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(
        fc.constantFrom('SLEEP', 'NOOPT', 'NOEVAL', 'PASSTHRU', 'FAIL', 'ASSERT', 'WARN', 'NS::UDF'),
        sub,
      )
      .map(([f, a]) => (f === 'SLEEP' ? 'SLEEP(0.01)' : `${f}(${a})`)),
    queryArb(n - 1).map((q) => `(${q})`),
  )
})

const op: fc.Memo<string> = fc.memo((n) => {
  const e = exprArb(Math.max(1, n))
  const name = fc.constantFrom('x', 'y', 'doc', 'v', 'i', 'g')
  return fc.oneof(
    fc.tuple(name, e).map(([v, x]) => `FOR ${v} IN ${x}`),
    fc.tuple(name, fc.constantFrom('c', 'e', 'missing', '@@p0')).map(([v, c]) => `FOR ${v} IN ${c}`),
    fc.tuple(name, e, e).map(([v, a, o]) => `FOR ${v} IN ${a} OPTIONS ${o}`),
    fc.tuple(name, e).map(([v, x]) => `LET ${v} = ${x}`),
    fc.tuple(e).map(([x]) => `FILTER ${x}`),
    fc.tuple(e, fc.constantFrom('', 'ASC', 'DESC', '@p1')).map(([x, d]) => `SORT ${x} ${d}`),
    fc.tuple(e).map(([x]) => `LIMIT ${x}`),
    fc.tuple(e, e).map(([a, b]) => `LIMIT ${a}, ${b}`),
    fc.tuple(name, e).map(([v, x]) => `COLLECT ${v} = ${x}`),
    fc.tuple(name, e, name).map(([v, x, g]) => `COLLECT ${v} = ${x} INTO ${g}`),
    fc.tuple(name, e).map(([v, x]) => `COLLECT AGGREGATE ${v} = SUM(${x})`),
    fc.tuple(name).map(([v]) => `COLLECT WITH COUNT INTO ${v}`),
    fc.tuple(e, name, e).map(([x, v, a]) => `WINDOW ${x} WITH { preceding: 1 } AGGREGATE ${v} = MAX(${a})`),
    fc
      .tuple(fc.constantFrom('1..3', '0..0', '2', '1..@p2'), fc.constantFrom('OUTBOUND', 'INBOUND', 'ANY'), e)
      .map(([d, dir, s]) => `FOR v, e, p IN ${d} ${dir} ${s} e`),
    fc
      .tuple(fc.constantFrom('OUTBOUND', 'ANY'), e, e)
      .map(([dir, a, b]) => `FOR v, e IN ${dir} SHORTEST_PATH ${a} TO ${b} e`),
    fc
      .tuple(fc.constantFrom('K_SHORTEST_PATHS', 'K_PATHS', 'ALL_SHORTEST_PATHS'), e, e)
      .map(([k, a, b]) => `FOR p IN OUTBOUND ${k} ${a} TO ${b} e`),
    fc.tuple(e).map(([x]) => `SEARCH ${x}`),
  )
})

const terminal: fc.Memo<string> = fc.memo((n) => {
  const e = exprArb(Math.max(1, n))
  return fc.oneof(
    { weight: 4, arbitrary: e.map((x) => `RETURN ${x}`) },
    e.map((x) => `RETURN DISTINCT ${x}`),
    e.map((x) => `INSERT ${x} INTO c`),
    fc.tuple(e, e).map(([k, x]) => `UPDATE ${k} WITH ${x} IN c OPTIONS { ignoreErrors: true }`),
    fc.tuple(e, e).map(([k, x]) => `REPLACE ${k} WITH ${x} IN c OPTIONS { ignoreErrors: true }`),
    e.map((x) => `REMOVE ${x} IN c OPTIONS { ignoreErrors: true }`),
    fc.tuple(e, e, e).map(([s, i, u]) => `UPSERT ${s} INSERT ${i} UPDATE ${u} IN c`),
    e.map((x) => `INSERT ${x} INTO c RETURN NEW`),
  )
})

export const queryArb: fc.Memo<string> = fc.memo((n) =>
  fc
    .tuple(fc.array(op(n - 1), { maxLength: n > 2 ? 4 : 1 }), terminal(n - 1))
    .map(([ops, t]) => [...ops, t].join(' ')),
)

const bindArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    p0: fc.oneof(fc.constantFrom('c', 'e', 'missing', ''), jsonValue),
    p1: fc.oneof(fc.constantFrom('ASC', 'DESC', 'asc', 'x'), jsonValue),
    p2: fc.oneof(fc.integer({ min: -1, max: 4 }), jsonValue),
  },
  { requiredKeys: [] },
)

/** Bind variables: the declared ones usually, sometimes missing, extra or of the wrong type. */
export function withBinds(query: fc.Arbitrary<string>): fc.Arbitrary<AqlCase> {
  const exactly = fc.oneof(
    { weight: 5, arbitrary: fc.constant(true) },
    { weight: 1, arbitrary: fc.constant(false) },
  )
  return fc.tuple(query, bindArb, exactly).map(([q, b, exact]) => {
    if (!exact) return { query: q, bindVars: b }
    const used = new Set([...q.matchAll(/@(@?)(p\d)/g)].map((m) => m[2]!))
    const bindVars: Record<string, unknown> = {}
    for (const k of used) bindVars[k] = b[k] ?? 'c'
    for (const m of q.matchAll(/@@(p\d)/g)) bindVars['@' + m[1]!] = 'c'
    for (const m of q.matchAll(/@@(p\d)/g)) delete bindVars[m[1]!]
    return { query: q, bindVars }
  })
}

const PREAMBLES = [
  '',
  'FOR doc IN c LET x = doc.a LET y = doc.o ',
  'LET doc = DOCUMENT("c/1") LET x = [1, 2, 3] LET y = {a: 1, b: [2]} ',
  'FOR x IN 1..3 LET y = x * 2 LET doc = {a: x, b: [y]} ',
  'FOR doc IN c FOR x IN doc.b LET y = x ',
]

export const generatedCase: fc.Arbitrary<AqlCase> = withBinds(
  fc.tuple(fc.constantFrom(...PREAMBLES), queryArb(4)).map(([pre, q]) => pre + q),
)

// ------------------------------------------------------------------ mutations of real queries

/** The queries of ../shared/conformance/ and the AQL strings of the engine's tests. */
export function seedQueries(root: string): string[] {
  const out = new Set<string>()
  const conf = path.join(root, '..', 'shared', 'conformance')
  for (const f of ['aql-queries.jsonl', 'aql-functions.jsonl']) {
    const file = path.join(conf, f)
    if (!fs.existsSync(file)) continue
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue
      const q = (JSON.parse(line) as { query?: unknown }).query
      if (typeof q === 'string') out.add(q)
    }
  }
  const testDir = path.join(root, 'test', 'engine', 'aql')
  for (const file of walk(testDir)) {
    const text = fs.readFileSync(file, 'utf8')
    for (const m of text.matchAll(/'((?:FOR|LET|RETURN|WITH|INSERT|UPSERT) [^'\\\n]{4,300})'/g))
      out.add(m[1]!)
  }
  return [...out].sort()
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name)
    return d.isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })
}

const TOKEN =
  /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[A-Za-z_@][\w:]*|\d+(?:\.\d+)?|\.\.|[=!<>]=|&&|\|\||\[\*+\]|./gs
const INSERTABLE = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  '..',
  '*',
  '?',
  ':',
  'FOR',
  'IN',
  'RETURN',
  'FILTER',
  'LET',
  '=',
  'COLLECT',
  'INTO',
  'SORT',
  'LIMIT',
  '[*]',
  '[**]',
  '@p0',
  '@@p0',
  'NULL',
  '"',
  "'",
  '`',
  '/*',
  '//',
  'OUTBOUND',
  'GRAPH',
  'WITH',
  'DISTINCT',
  'OPTIONS',
  'NEW',
  'OLD',
  '\\',
  '\u0000',
  '\uD800',
  '1e999',
]

export function mutatedCase(seeds: string[]): fc.Arbitrary<AqlCase> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), tok: fc.constantFrom(...INSERTABLE) }),
  )
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), bindArb)
    .map(([seed, muts, bindVars]) => {
      const toks = seed.match(TOKEN) ?? []
      for (const m of muts) {
        const i = toks.length === 0 ? 0 : m.at % toks.length
        if (m.kind === 'delete') toks.splice(i, 1)
        else if (m.kind === 'duplicate' && toks[i] !== undefined) toks.splice(i, 0, toks[i]!)
        else if (m.kind === 'swap' && i + 1 < toks.length) [toks[i], toks[i + 1]] = [toks[i + 1]!, toks[i]!]
        else if (m.kind === 'insert') toks.splice(i, 0, ' ', m.tok, ' ')
      }
      return { query: toks.join(''), bindVars }
    })
}

// ------------------------------------------------------------------ pathological shapes

/** Deep nesting and long condition lists, on both sides of the 500-level / 4000-node limits. */
export const pathologicalCase: fc.Arbitrary<AqlCase> = fc
  .tuple(
    fc.constantFrom(
      (n: number) => 'RETURN ' + '('.repeat(n) + '1' + ')'.repeat(n),
      (n: number) => 'RETURN ' + '['.repeat(n) + '1' + ']'.repeat(n),
      (n: number) => 'RETURN ' + '{a:'.repeat(n) + '1' + '}'.repeat(n),
      (n: number) => 'RETURN ' + '(FOR q IN [1] RETURN '.repeat(n) + 'q' + ')'.repeat(n),
      (n: number) => 'RETURN ' + 'LENGTH('.repeat(n) + '[]' + ')'.repeat(n),
      (n: number) => 'RETURN ' + '-'.repeat(n) + '1',
      (n: number) => 'RETURN ' + 'NOT '.repeat(n) + 'true',
      (n: number) => 'LET a = {} RETURN a' + '.b'.repeat(n),
      (n: number) => 'LET a = [] RETURN a' + '[*]'.repeat(n),
      (n: number) => 'RETURN ' + '1 ? '.repeat(n) + '1' + ' : 0'.repeat(n),
      (n: number) => 'FOR x IN c ' + 'FILTER x.a > 0 '.repeat(n) + 'RETURN x._key',
      (n: number) => 'FOR x IN c FILTER ' + Array(n).fill('x.a > 0').join(' AND ') + ' RETURN x._key',
      (n: number) => 'FOR x IN c FILTER ' + Array(n).fill('x.a < 0').join(' OR ') + ' RETURN x._key',
      (n: number) => 'RETURN ' + Array(n).fill('1').join(' + '),
      (n: number) =>
        'FOR x IN 1..2 ' + Array.from({ length: n }, (_, k) => `LET l${k} = x`).join(' ') + ' RETURN x',
      (n: number) => 'FOR x IN 1..2 ' + 'SORT x '.repeat(n) + 'RETURN x',
      (n: number) => Array.from({ length: n }, (_, k) => `FOR f${k} IN [1]`).join(' ') + ' RETURN 1',
      (n: number) => 'RETURN [' + Array(n).fill('1').join(',') + ']',
      (n: number) => 'RETURN {' + Array.from({ length: n }, (_, k) => `k${k}: ${k}`).join(',') + '}',
    ),
    fc.constantFrom(10, 200, 499, 501, 1000, 1999, 2500, 4000, 10_000),
  )
  .map(([shape, n]) => ({ query: shape(n), bindVars: {} }))

/** Random bytes and near-AQL text (the lexer's input space). */
export const garbageCase: fc.Arbitrary<AqlCase> = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.stringMatching(/^[A-Z @()[\]{}.,*?:'"`\\/0-9=!<>-]{0,60}$/),
  )
  .map((query) => ({ query, bindVars: {} }))

/** Collections and documents the queries run against. */
export const FUZZ_SETUP = {
  docs: Array.from({ length: 12 }, (_, i) => ({
    _key: String(i + 1),
    a: i,
    b: [i, String(i), null],
    o: { k: i % 3, s: 'x'.repeat(i) },
    tags: i % 2 ? ['red', 'blue'] : [],
  })),
  edges: Array.from({ length: 12 }, (_, i) => ({
    _from: `c/${i + 1}`,
    _to: `c/${((i * 5) % 12) + 1}`,
    w: i - 3,
  })),
}
