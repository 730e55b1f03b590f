/**
 * AQL executor: compiles the AST into closures over slot-array frames and a pipeline of lazy
 * generator stages (FOR multiplies, FILTER drops, LET extends; SORT, COLLECT and WINDOW block).
 * A frame is an immutable array of variable values; a stage that binds a variable copies it.
 */
import { ArangoError, arangoError, notImplemented } from '../errors.js'
import type { Doc, IndexCondition, Store, WriteOptions, WriteResult } from '../storage/types.js'
import { GRAPHS_COLLECTION } from '../storage/types.js'
import type { BinaryOp, CollRef, Direction, Expr, GraphSpec, Op, Pattern, Query } from './ast.js'
import type { AqlFunctionDef, FunctionContext } from './functions/types.js'
import { exprNode } from './ast-json.js'
import { parseQuery } from './parser.js'
import { readSnapshot } from './snapshot.js'
import {
  allShortestPaths,
  kPaths,
  kShortestPaths,
  shortestPath,
  traverse,
  type EdgeSource,
  type FoundPath,
  type GraphAccess,
  type PathValue,
} from './traversal.js'
import { NEVER_CANCELLED, type Cancellation } from './cancel.js'
import {
  canonicalKey,
  compare,
  equals,
  toBool,
  toNumber,
  toStringValue,
  typeName,
  type AqlValue,
} from './values.js'

export type Frame = AqlValue[]
type Fn = (f: Frame) => AqlValue
type Stage = (input: Iterable<Frame>, base: Frame) => Iterable<Frame>

export interface QueryOptions {
  fullCount?: boolean
  failOnWarning?: boolean
  maxWarningCount?: number
  /** Count calls, items and runtime per plan node (`options.profile: 2` -> `extra.stats.nodes`). */
  profileNodes?: boolean
  /** Bytes the blocking stages (SORT, COLLECT, DISTINCT, WINDOW) may hold; 0 or absent = no limit. */
  memoryLimit?: number
  /** Kill / maxRuntime state, checked by the scans and SLEEP (src/engine/aql/cancel.ts). */
  cancel?: Cancellation
}

/** A rough size of a row held by a blocking stage: the frame plus the shallow size of its values. */
function rowBytes(f: Frame): number {
  let n = 64 + f.length * 16
  for (const v of f) if (typeof v === 'string') n += v.length * 2
  return n
}

/** Per-node profile counters, as ArangoDB reports them in `extra.stats.nodes`. */
export interface NodeStats {
  id: number
  calls: number
  parallel: number
  items: number
  filtered: number
  runtime: number
  fetching: number
}

function profiled<T>(st: NodeStats, make: () => Iterable<T>): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      st.calls++
      let t0 = performance.now()
      const it = make()[Symbol.iterator]()
      st.runtime += (performance.now() - t0) / 1000
      for (;;) {
        t0 = performance.now()
        const r = it.next()
        st.runtime += (performance.now() - t0) / 1000
        if (r.done) return
        st.items++
        yield r.value
      }
    },
  }
}

export interface QueryStats {
  writesExecuted: number
  writesIgnored: number
  documentLookups: number
  seeks: number
  scannedFull: number
  scannedIndex: number
  searchParallelism: number
  cursorsCreated: number
  cursorsRearmed: number
  cacheHits: number
  cacheMisses: number
  filtered: number
  httpRequests: number
  fullCount?: number
  executionTime: number
  peakMemoryUsage: number
  intermediateCommits: number
}

export interface Warning {
  code: number
  message: string
}

export interface FunctionLibrary {
  functions: Record<string, AqlFunctionDef>
  unsupported: ReadonlySet<string>
}

/** One node of the plan `/_api/explain` reports. */
export interface PlanNode {
  type: string
  id: number
  dependencies: number[]
  [k: string]: unknown
}

export function newStats(): QueryStats {
  return {
    writesExecuted: 0,
    writesIgnored: 0,
    documentLookups: 0,
    seeks: 0,
    scannedFull: 0,
    scannedIndex: 0,
    searchParallelism: 1,
    cursorsCreated: 0,
    cursorsRearmed: 0,
    cacheHits: 0,
    cacheMisses: 0,
    filtered: 0,
    httpRequests: 0,
    executionTime: 0,
    peakMemoryUsage: 0,
    intermediateCommits: 0,
  }
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k)
const isObject = (v: unknown): v is Record<string, AqlValue> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

function getAttr(v: AqlValue, name: string): AqlValue {
  if (isObject(v) && hasOwn(v, name)) {
    const x = v[name]
    return x === undefined ? null : x
  }
  return null
}

function setKey(o: Record<string, AqlValue>, k: string, v: AqlValue): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  else o[k] = v
}

function likeToRegex(pattern: string, caseInsensitive = false): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    } else if (c === '%') re += '[\\s\\S]*'
    else if (c === '_') re += '[\\s\\S]'
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp('^' + re + '$', caseInsensitive ? 'iu' : 'u')
}

const likeCache = new Map<string, RegExp>()
export function aqlLike(value: AqlValue, pattern: AqlValue): boolean {
  const p = toStringValue(pattern)
  let re = likeCache.get(p)
  if (!re) {
    re = likeToRegex(p)
    if (likeCache.size > 1000) likeCache.clear()
    likeCache.set(p, re)
  }
  return re.test(toStringValue(value))
}

function inArray(x: AqlValue, arr: AqlValue): boolean {
  if (!Array.isArray(arr)) return false
  if (x === null || typeof x !== 'object') {
    for (const y of arr) if (y === x) return true
    return false
  }
  for (const y of arr) if (equals(x, y)) return true
  return false
}

function* rangeIter(from: AqlValue, to: AqlValue): Generator<number> {
  const a = Math.trunc(toNumber(from))
  const b = Math.trunc(toNumber(to))
  if (a <= b) for (let i = a; i <= b; i++) yield i
  else for (let i = a; i >= b; i--) yield i
}

function flatten(v: AqlValue[], depth: number): AqlValue[] {
  const out: AqlValue[] = []
  for (const x of v) {
    if (Array.isArray(x) && depth > 0) out.push(...flatten(x, depth - 1))
    else out.push(x)
  }
  return out
}

/** Names an expression reads (for index planning: does a condition depend on the loop variable?). */
function freeNames(e: Expr, out: Set<string>): boolean {
  switch (e.type) {
    case 'value':
    case 'param':
    case 'dsparam':
    case 'current':
      return true
    case 'name':
      out.add(e.name)
      return true
    case 'array':
      return e.items.every((x) => freeNames(x, out))
    case 'object':
      return e.entries.every(
        (x) => (typeof x.key === 'string' || freeNames(x.key, out)) && freeNames(x.value, out),
      )
    case 'attr':
      return freeNames(e.obj, out)
    case 'index':
      return freeNames(e.obj, out) && freeNames(e.index, out)
    case 'unary':
      return freeNames(e.arg, out)
    case 'binary':
    case 'and':
    case 'or':
    case 'quant':
      return freeNames(e.left, out) && freeNames(e.right, out)
    case 'ternary':
      return freeNames(e.cond, out) && (!e.then || freeNames(e.then, out)) && freeNames(e.else, out)
    case 'range':
      return freeNames(e.from, out) && freeNames(e.to, out)
    case 'call':
      return e.args.every((x) => freeNames(x, out))
    default:
      // subqueries and expansions: too complex to hoist into an index lookup
      return false
  }
}

function conjuncts(e: Expr, out: Expr[]): Expr[] {
  if (e.type === 'and') {
    conjuncts(e.left, out)
    conjuncts(e.right, out)
  } else out.push(e)
  return out
}

/** `v.a.b` -> ['a','b'] when rooted at variable `v`. */
function attrPath(e: Expr, v: string): string[] | null {
  const path: string[] = []
  let cur = e
  while (cur.type === 'attr') {
    path.unshift(cur.name)
    cur = cur.obj
  }
  if (cur.type === 'name' && cur.name === v && path.length > 0) return path
  return null
}

const FLIP: Record<string, BinaryOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' }

class Scope {
  constructor(
    readonly vars: Map<string, number>,
    /** Variables of enclosing queries: they survive a COLLECT. */
    readonly outer: Map<string, number>,
  ) {}
  with(name: string, slot: number): Scope {
    const m = new Map(this.vars)
    m.set(name, slot)
    return new Scope(m, this.outer)
  }
  get(name: string): number | undefined {
    return this.vars.get(name)
  }
}

/** Functions whose bare-collection arguments are passed as collection names. */
const COLLECTION_NAME_FUNCTIONS = new Set([
  'DOCUMENT',
  'COLLECTION_COUNT',
  'FULLTEXT',
  'NEAR',
  'WITHIN',
  'WITHIN_RECTANGLE',
  'NEIGHBORS',
])

export class QueryContext implements FunctionContext {
  warnings: Warning[] = []
  stats = newStats()
  readonly now = Date.now()
  constructor(
    readonly store: Store,
    readonly db: string,
    readonly options: QueryOptions = {},
  ) {
    this.cancel = options.cancel ?? NEVER_CANCELLED
  }
  readonly cancel: Cancellation
  private memoryUsed = 0
  /** Account memory held by a blocking stage; over `memoryLimit` -> ArangoDB's error 32. */
  useMemory(bytes: number): void {
    this.memoryUsed += bytes
    if (this.stats.peakMemoryUsage < this.memoryUsed) this.stats.peakMemoryUsage = this.memoryUsed
    const limit = this.options.memoryLimit
    if (limit && this.memoryUsed > limit) {
      throw new ArangoError(32, 500, 'AQL: query would use more memory than allowed (while executing)')
    }
  }
  warn(code: number, message: string): void {
    if (this.options.failOnWarning) throw new ArangoError(code, 400, message)
    if (this.warnings.length < (this.options.maxWarningCount ?? 10)) this.warnings.push({ code, message })
  }
}

export interface CompiledQuery {
  ctx: QueryContext
  isModification: boolean
  plan: PlanNode[]
  /** With `profileNodes`: counters per plan node, filled while the query runs. */
  nodeStats: NodeStats[]
  collections: { name: string; type: 'read' | 'write' }[]
  /** Lazy result; modification queries must be consumed inside `store.transaction`. */
  run(): Iterable<AqlValue>
  /** The whole result: writes atomically in one transaction, reads in one read snapshot. */
  all(): AqlValue[]
}

export function compileQuery(
  store: Store,
  db: string,
  text: string,
  bindVars: Record<string, unknown>,
  lib: FunctionLibrary,
  options: QueryOptions = {},
): CompiledQuery {
  const parsed = parseQuery(text)
  const declared = new Set(parsed.bindParams)
  for (const p of declared) {
    if (!hasOwn(bindVars, p)) {
      throw arangoError(
        'QUERY_BIND_PARAMETER_MISSING',
        `no value specified for declared bind parameter '${p}' (while parsing)`,
      )
    }
  }
  for (const k of Object.keys(bindVars)) {
    if (!declared.has(k)) {
      throw arangoError(
        'QUERY_BIND_PARAMETER_UNDECLARED',
        `bind parameter '${k}' was not declared in the query`,
      )
    }
  }
  for (const p of declared) {
    if (p.startsWith('@')) {
      const v = bindVars[p]
      if (typeof v !== 'string' || v === '') {
        throw arangoError(
          'QUERY_BIND_PARAMETER_TYPE',
          `bind parameter '${p}' has an invalid value or type (while parsing)`,
        )
      }
    }
  }
  const ctx = new QueryContext(store, db, options)
  const c = new Compiler(ctx, bindVars, lib)
  const run = c.compileTop(parsed.query)
  return {
    ctx,
    isModification: c.isModification,
    plan: c.plan,
    nodeStats: c.nodeStats,
    collections: [...c.collectionsUsed].map(([name, type]) => ({ name, type })),
    run: () => run([]),
    all: () =>
      c.isModification ? store.transaction(() => [...run([])]) : readSnapshot(store, () => [...run([])]),
  }
}

type Aggregator = { add(v: AqlValue): void; result(): AqlValue }

function makeAggregator(fn: string): Aggregator | null {
  switch (fn) {
    case 'LENGTH':
    case 'COUNT': {
      let n = 0
      return { add: () => void n++, result: () => n }
    }
    case 'MIN':
    case 'MAX': {
      let best: AqlValue = null
      let has = false
      const sign = fn === 'MIN' ? -1 : 1
      return {
        add(v) {
          if (v === null) return
          if (!has || compare(v, best) * sign > 0) {
            best = v
            has = true
          }
        },
        result: () => best,
      }
    }
    case 'SUM': {
      let s = 0
      return { add: (v) => void (v !== null && (s += toNumber(v))), result: () => s }
    }
    case 'AVG':
    case 'AVERAGE': {
      let s = 0
      let n = 0
      return {
        add(v) {
          if (v === null) return
          s += toNumber(v)
          n++
        },
        result: () => (n === 0 ? null : s / n),
      }
    }
    case 'UNIQUE':
    case 'SORTED_UNIQUE':
    case 'COUNT_DISTINCT':
    case 'COUNT_UNIQUE': {
      const m = new Map<string, AqlValue>()
      return {
        add(v) {
          if (v === null) return
          const k = canonicalKey(v)
          if (!m.has(k)) m.set(k, v)
        },
        result() {
          if (fn === 'COUNT_DISTINCT' || fn === 'COUNT_UNIQUE') return m.size
          const vals = [...m.values()]
          if (fn === 'SORTED_UNIQUE') vals.sort(compare)
          return vals
        },
      }
    }
    case 'PUSH': {
      const a: AqlValue[] = []
      return { add: (v) => void a.push(v), result: () => a }
    }
    case 'STDDEV':
    case 'STDDEV_POPULATION':
    case 'STDDEV_SAMPLE':
    case 'VARIANCE':
    case 'VARIANCE_POPULATION':
    case 'VARIANCE_SAMPLE': {
      let n = 0
      let mean = 0
      let m2 = 0
      const sample = fn.endsWith('SAMPLE')
      const sqrt = fn.startsWith('STDDEV')
      return {
        add(v) {
          if (v === null) return
          const x = toNumber(v)
          n++
          const d = x - mean
          mean += d / n
          m2 += d * (x - mean)
        },
        result() {
          if (n === 0 || (sample && n < 2)) return null
          const variance = m2 / (sample ? n - 1 : n)
          return sqrt ? Math.sqrt(variance) : variance
        },
      }
    }
    case 'BIT_AND':
    case 'BIT_OR':
    case 'BIT_XOR': {
      let acc: number | null = null
      return {
        add(v) {
          if (typeof v !== 'number') return
          if (acc === null) acc = v
          else if (fn === 'BIT_AND') acc = (acc & v) >>> 0
          else if (fn === 'BIT_OR') acc = (acc | v) >>> 0
          else acc = (acc ^ v) >>> 0
        },
        result: () => acc,
      }
    }
    default:
      return null
  }
}

class Compiler {
  nslots = 0
  isModification = false
  plan: PlanNode[] = []
  nodeStats: NodeStats[] = []
  collectionsUsed = new Map<string, 'read' | 'write'>()
  private nodeId = 1
  private modified = new Map<string, string>()
  private currentStack: AqlValue[] = []
  private readonly g: GraphAccess

  constructor(
    readonly ctx: QueryContext,
    readonly bind: Record<string, unknown>,
    readonly lib: FunctionLibrary,
  ) {
    this.g = { store: ctx.store, db: ctx.db, stats: ctx.stats }
  }

  private node(type: string, extra: Record<string, unknown> = {}): number {
    const id = ++this.nodeId
    this.plan.push({ type, id, dependencies: [id - 1], ...extra })
    return id
  }

  private slot(): number {
    return this.nslots++
  }

  compileTop(q: Query): (base: Frame) => Iterable<AqlValue> {
    this.plan.push({ type: 'SingletonNode', id: 1, dependencies: [] })
    if (this.ctx.options.profileNodes) {
      this.nodeStats.push({ id: 1, calls: 1, parallel: 0, items: 1, filtered: 0, runtime: 0, fetching: 0 })
    }
    const scope = new Scope(new Map(), new Map())
    const run = this.compileQuery(q, scope, true)
    return run
  }

  private collName(ref: CollRef): string {
    if ('name' in ref) return ref.name
    return this.bind['@' + ref.param] as string
  }

  private requireColl(name: string, access: 'read' | 'write' = 'read') {
    const info = this.ctx.store.getCollection(this.ctx.db, name)
    if (!info) throw arangoError('ARANGO_DATA_SOURCE_NOT_FOUND', `collection or view not found: ${name}`)
    // a collection can be modified once per query and not read after it (docs: data-modification queries)
    if (this.modified.has(name)) {
      throw arangoError(
        'QUERY_ACCESS_AFTER_MODIFICATION',
        `access after data-modification by ${this.modified.get(name)} (while parsing)`,
      )
    }
    if (access === 'write' || !this.collectionsUsed.has(name)) this.collectionsUsed.set(name, access)
    return info
  }

  // ------------------------------------------------------------------ queries

  compileQuery(q: Query, scope: Scope, top: boolean): (base: Frame) => Iterable<AqlValue> {
    const stages: Stage[] = []
    const baseScope = scope
    let sc = new Scope(new Map(scope.vars), new Map(scope.vars))
    const ops = q.ops
    let output: ((input: Iterable<Frame>, base: Frame) => Iterable<AqlValue>) | null = null
    // the LIMIT fullCount refers to: the last top-level LIMIT
    let lastLimit = -1
    if (top && this.ctx.options.fullCount) {
      for (let i = 0; i < ops.length; i++) if (ops[i]!.type === 'limit') lastLimit = i
    }
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!
      const r = this.compileOp(op, sc, ops, i, i === lastLimit, baseScope, lastLimit)
      const st: NodeStats | null = this.ctx.options.profileNodes
        ? { id: this.nodeId, calls: 0, parallel: 0, items: 0, filtered: 0, runtime: 0, fetching: 0 }
        : null
      if (st) this.nodeStats.push(st)
      if ('output' in r) {
        const o = r.output
        output = st ? (input, base) => profiled(st, () => o(input, base)) : o
      } else {
        const stage = r.stage
        stages.push(st ? (input, base) => profiled(st, () => stage(input, base)) : stage)
        sc = r.scope
      }
    }
    void baseScope
    const out = output
    return (base: Frame) => {
      let it: Iterable<Frame> = [base]
      for (const s of stages) it = s(it, base)
      if (out) return out(it, base)
      return drain(it)
    }
  }

  private compileOp(
    op: Op,
    sc: Scope,
    ops: Op[],
    i: number,
    fullCountLimit: boolean,
    baseScope: Scope,
    fullCountLimitIndex = -1,
  ):
    { stage: Stage; scope: Scope } | { output: (input: Iterable<Frame>, base: Frame) => Iterable<AqlValue> } {
    const ctx = this.ctx
    if ((op.type === 'for' || op.type === 'let') && op.destructure !== undefined) {
      const r = this.compileOp(
        { ...op, destructure: undefined },
        sc,
        ops,
        i,
        fullCountLimit,
        baseScope,
        fullCountLimitIndex,
      )
      if (!('stage' in r)) return r
      const slot = r.scope.get(op.var)!
      const d = this.destructure(op.destructure, r.scope)
      const inner = r.stage
      return {
        scope: d.scope,
        stage: function* (input, base) {
          for (const g of inner(input, base)) {
            d.assign(g, g[slot] ?? null)
            yield g
          }
        },
      }
    }
    switch (op.type) {
      case 'for':
        return this.compileFor(op, sc, ops, i)
      case 'let': {
        const fn = this.expr(op.expr, sc)
        if (op.expr.type !== 'subquery') {
          this.node('CalculationNode', { expression: exprNode(op.expr), outVariable: { name: op.var } })
        } else this.node('SubqueryNode', { outVariable: { name: op.var } })
        const slot = this.slot()
        return {
          scope: sc.with(op.var, slot),
          stage: function* (input) {
            for (const f of input) {
              const g = f.slice()
              g[slot] = fn(f)
              yield g
            }
          },
        }
      }
      case 'filter': {
        const fn = this.expr(op.expr, sc)
        const tmp = `#${this.nodeId + 1}`
        this.node('CalculationNode', { expression: exprNode(op.expr), outVariable: { name: tmp } })
        this.node('FilterNode', { inVariable: { name: tmp } })
        const stats = ctx.stats
        return {
          scope: sc,
          stage: function* (input) {
            for (const f of input) {
              if (toBool(fn(f))) yield f
              else stats.filtered++
            }
          },
        }
      }
      case 'search':
        throw notImplemented('SEARCH (ArangoSearch views)')
      case 'sort': {
        const keys = op.items.map((it) => ({ fn: this.expr(it.expr, sc), asc: it.asc }))
        this.node('SortNode', {
          elements: op.items.map((it) => ({
            inVariable: { name: it.expr.type === 'name' ? it.expr.name : JSON.stringify(exprNode(it.expr)) },
            ascending: it.asc,
            expression: exprNode(it.expr),
          })),
        })
        const cmp = (a: { k: AqlValue[]; seq: number }, b: { k: AqlValue[]; seq: number }) => {
          for (let j = 0; j < keys.length; j++) {
            const c = compare(a.k[j], b.k[j])
            if (c !== 0) return keys[j]!.asc ? c : -c
          }
          return a.seq - b.seq
        }
        // SORT directly followed by LIMIT keeps only the first offset+count rows (flat memory),
        // unless fullCount must see every row at that LIMIT
        const next = ops[i + 1]
        let topK: ((base: Frame) => number) | null = null
        if (next?.type === 'limit' && !(fullCountLimitIndex === i + 1)) {
          const offFn = this.expr(next.offset, sc)
          const cntFn = this.expr(next.count, sc)
          topK = (base) => limitValue(offFn(base)) + limitValue(cntFn(base))
        }
        return {
          scope: sc,
          stage: function* (input, base) {
            const k = topK ? topK(base) : Infinity
            const rows: { f: Frame; k: AqlValue[]; seq: number }[] = []
            let seq = 0
            if (k <= 10_000) {
              for (const f of input) {
                const row = { f, k: keys.map((x) => x.fn(f)), seq: seq++ }
                if (rows.length < k) ctx.useMemory(rowBytes(f))
                if (rows.length === k && cmp(row, rows[rows.length - 1]!) >= 0) continue
                // binary search for the insertion point in the sorted window
                let lo = 0
                let hi = rows.length
                while (lo < hi) {
                  const mid = (lo + hi) >> 1
                  if (cmp(rows[mid]!, row) <= 0) lo = mid + 1
                  else hi = mid
                }
                rows.splice(lo, 0, row)
                if (rows.length > k) rows.pop()
              }
            } else {
              for (const f of input) {
                ctx.useMemory(rowBytes(f))
                rows.push({ f, k: keys.map((x) => x.fn(f)), seq: seq++ })
              }
              rows.sort(cmp)
            }
            for (const r of rows) yield r.f
          },
        }
      }
      case 'limit': {
        const offFn = this.expr(op.offset, sc)
        const cntFn = this.expr(op.count, sc)
        this.node('LimitNode', {
          offset: op.offset.type === 'value' ? op.offset.value : null,
          limit: op.count.type === 'value' ? op.count.value : null,
        })
        const stats = ctx.stats
        return {
          scope: sc,
          stage: function* (input, base) {
            const off = limitValue(offFn(base))
            const cnt = limitValue(cntFn(base))
            let n = 0
            for (const f of input) {
              n++
              if (n > off && n <= off + cnt) yield f
              else if (n > off + cnt && !fullCountLimit) break
            }
            if (fullCountLimit) stats.fullCount = n
          },
        }
      }
      case 'return': {
        const fn = this.expr(op.expr, sc)
        let retVar = op.expr.type === 'name' ? op.expr.name : `#${this.nodeId + 1}`
        if (op.expr.type !== 'name') {
          this.node('CalculationNode', { expression: exprNode(op.expr), outVariable: { name: retVar } })
        } else retVar = op.expr.name
        this.node('ReturnNode', { inVariable: { name: retVar } })
        const distinct = op.distinct
        return {
          output: function* (input) {
            if (distinct) {
              const seen = new Set<string>()
              for (const f of input) {
                const v = fn(f)
                const k = canonicalKey(v)
                if (seen.has(k)) continue
                ctx.useMemory(64 + k.length * 2)
                seen.add(k)
                yield v
              }
            } else for (const f of input) yield fn(f)
          },
        }
      }
      case 'collect':
        return this.compileCollect(op, sc, baseScope)
      case 'window':
        return this.compileWindow(op, sc)
      case 'traversal':
        return this.compileTraversal(op, sc)
      case 'path':
        return this.compilePath(op, sc)
      case 'insert':
      case 'update':
      case 'replace':
      case 'remove':
      case 'upsert':
        return this.compileModification(op, sc)
    }
  }

  /** Slots for the names of a destructuring pattern and the assignment into a (fresh) frame. */
  private destructure(p: Pattern, scope: Scope): { scope: Scope; assign: (g: Frame, v: AqlValue) => void } {
    if (p === null) return { scope, assign: () => undefined }
    if (typeof p === 'string') {
      const slot = this.slot()
      return {
        scope: scope.with(p, slot),
        assign: (g, v) => {
          g[slot] = v
        },
      }
    }
    if ('array' in p) {
      const parts = p.array.map((x) => {
        const d = this.destructure(x, scope)
        scope = d.scope
        return d.assign
      })
      return {
        scope,
        assign: (g, v) => parts.forEach((a, j) => a(g, Array.isArray(v) ? (v[j] ?? null) : null)),
      }
    }
    const parts = p.object.map((x) => {
      const d = this.destructure(x.target, scope)
      scope = d.scope
      return { key: x.key, assign: d.assign }
    })
    return { scope, assign: (g, v) => parts.forEach((x) => x.assign(g, getAttr(v, x.key))) }
  }

  // ------------------------------------------------------------------ FOR

  private compileFor(
    op: Extract<Op, { type: 'for' }>,
    sc: Scope,
    ops: Op[],
    i: number,
  ): { stage: Stage; scope: Scope } {
    const slot = this.slot()
    const scope = sc.with(op.var, slot)
    const ctx = this.ctx
    const stats = ctx.stats
    const e = op.in
    let collection: string | null = null
    if (e.type === 'name' && sc.get(e.name) === undefined) collection = e.name
    else if (e.type === 'dsparam') collection = this.bind['@' + e.name] as string
    if (collection !== null) {
      this.requireColl(collection)
      const coll = collection
      // OPTIONS {disableIndex: true} forces the full scan (ArangoDB 3.9+)
      const forOptions = op.options ? this.constant(op.options, sc) : null
      const access =
        isObject(forOptions) && forOptions.disableIndex === true
          ? null
          : this.planIndex(coll, op.var, sc, ops, i)
      if (access) {
        this.node('IndexNode', {
          collection: coll,
          outVariable: { name: op.var },
          indexes: [access.index],
        })
        return {
          scope,
          stage: function* (input) {
            for (const f of input) {
              for (const d of access.lookup(f)) {
                stats.scannedIndex++
                const g = f.slice()
                g[slot] = d as AqlValue
                yield g
              }
            }
          },
        }
      }
      this.node('EnumerateCollectionNode', { collection: coll, outVariable: { name: op.var }, random: false })
      const store = ctx.store
      const db = ctx.db
      const cancel = ctx.cancel
      return {
        scope,
        stage: function* (input) {
          for (const f of input) {
            cancel.check()
            for (const d of store.scan(db, coll)) {
              if ((++stats.scannedFull & 1023) === 0) cancel.check()
              const g = f.slice()
              g[slot] = d as AqlValue
              yield g
            }
          }
        },
      }
    }
    // as in ArangoDB's plans, an expression to iterate over is computed by a CalculationNode
    // into a temporary variable (`LET #2 = 1 .. 3`, then `FOR i IN #2`): 3.12.10 names the
    // EnumerateListNode of `FOR i IN 1..100000 SORT i` node #3 (conformance RestCursorMemoryLimit)
    const listVar = e.type === 'name' ? e.name : `#${this.nodeId + 1}`
    if (e.type !== 'name')
      this.node('CalculationNode', { expression: exprNode(e), outVariable: { name: listVar } })
    this.node('EnumerateListNode', { outVariable: { name: op.var }, inVariable: { name: listVar } })
    if (e.type === 'range') {
      const from = this.expr(e.from, sc)
      const to = this.expr(e.to, sc)
      return {
        scope,
        stage: function* (input) {
          for (const f of input) {
            for (const n of rangeIter(from(f), to(f))) {
              const g = f.slice()
              g[slot] = n
              yield g
            }
          }
        },
      }
    }
    const fn = this.expr(e, sc)
    return {
      scope,
      stage: function* (input) {
        for (const f of input) {
          const arr = fn(f)
          if (!Array.isArray(arr)) {
            throw arangoError(
              'QUERY_ARRAY_EXPECTED',
              `collection or array expected as operand to FOR loop; you provided a value of type '${typeName(arr)}' (while executing)`,
            )
          }
          for (const v of arr) {
            const g = f.slice()
            g[slot] = v
            yield g
          }
        }
      },
    }
  }

  /**
   * Index selection for `FOR v IN coll` from the FILTERs that follow it: `_key`/`_id` equality
   * (primary index), `_from`/`_to` equality (edge index), equality prefix plus one range on the
   * fields of a persistent index. The FILTER stays in the pipeline and re-checks every candidate.
   */
  private planIndex(
    coll: string,
    v: string,
    outer: Scope,
    ops: Op[],
    i: number,
  ): { index: Record<string, unknown>; lookup: (f: Frame) => Iterable<Doc> } | null {
    const conds: { path: string[]; op: BinaryOp; value: Fn }[] = []
    for (let j = i + 1; j < ops.length; j++) {
      const o = ops[j]!
      if (o.type !== 'filter') break
      for (const c of conjuncts(o.expr, [])) {
        if (c.type !== 'binary') continue
        if (!['==', '<', '<=', '>', '>=', 'IN'].includes(c.op)) continue
        let path = attrPath(c.left, v)
        let other = c.right
        let bop = c.op
        if (!path && c.op !== 'IN') {
          path = attrPath(c.right, v)
          other = c.left
          bop = FLIP[c.op]!
        }
        if (!path) continue
        const names = new Set<string>()
        if (!freeNames(other, names)) continue
        if (names.has(v) || [...names].some((n) => outer.get(n) === undefined)) continue
        conds.push({ path, op: bop, value: this.expr(other, outer) })
      }
    }
    if (conds.length === 0) return null
    const store = this.ctx.store
    const db = this.ctx.db
    const stats = this.ctx.stats
    const primary = {
      id: `${coll}/0`,
      name: 'primary',
      type: 'primary',
      fields: ['_key'],
      unique: true,
      sparse: false,
    }
    const one = (p: string) =>
      conds.find((c) => c.path.length === 1 && c.path[0] === p && (c.op === '==' || c.op === 'IN'))
    const keyCond = one('_key')
    if (keyCond) {
      return {
        index: primary,
        lookup: (f) => {
          const val = keyCond.value(f)
          const keys = keyCond.op === 'IN' ? (Array.isArray(val) ? val : []) : [val]
          const out: Doc[] = []
          const seen = new Set<string>()
          for (const k of keys) {
            if (typeof k !== 'string' || seen.has(k)) continue
            seen.add(k)
            stats.documentLookups++
            const d = store.get(db, coll, k)
            if (d) out.push(d)
          }
          return out
        },
      }
    }
    const idCond = one('_id')
    if (idCond) {
      return {
        index: primary,
        lookup: (f) => {
          const val = idCond.value(f)
          const ids = idCond.op === 'IN' ? (Array.isArray(val) ? val : []) : [val]
          const out: Doc[] = []
          const seen = new Set<string>()
          for (const id of ids) {
            if (typeof id !== 'string' || seen.has(id)) continue
            seen.add(id)
            const slash = id.indexOf('/')
            if (slash < 0 || id.slice(0, slash) !== coll) continue
            const d = store.get(db, coll, id.slice(slash + 1))
            if (d) out.push(d)
          }
          return out
        },
      }
    }
    const indexes = store.listIndexes(db, coll)
    for (const attr of ['_from', '_to']) {
      const c = one(attr)
      const edgeIdx = indexes.find((x) => x.type === 'edge')
      if (c && edgeIdx) {
        return {
          index: { ...edgeIdx, fields: [attr] },
          lookup: (f) => {
            const val = c.value(f)
            const ids = c.op === 'IN' ? (Array.isArray(val) ? val : []) : [val]
            const out: Doc[] = []
            const seen = new Set<string>()
            for (const id of ids) {
              if (typeof id !== 'string' || seen.has(id)) continue
              seen.add(id)
              out.push(...store.edges(db, coll, attr === '_from' ? 'out' : 'in', id))
            }
            return out
          },
        }
      }
    }
    // persistent indexes: longest equality prefix, then one range
    let best: { idx: (typeof indexes)[number]; eq: typeof conds; range: typeof conds; score: number } | null =
      null
    for (const idx of indexes) {
      if (idx.type !== 'persistent') continue
      const eq: typeof conds = []
      let range: typeof conds = []
      for (const field of idx.fields) {
        const c = conds.find((x) => x.path.join('.') === field && x.op === '==')
        if (c) {
          eq.push(c)
          continue
        }
        range = conds.filter((x) => x.path.join('.') === field && ['<', '<=', '>', '>='].includes(x.op))
        break
      }
      const score = eq.length * 2 + (range.length ? 1 : 0)
      if (score === 0) continue
      if (!best || score > best.score) best = { idx, eq, range, score }
    }
    if (!best) return null
    const { idx, eq, range } = best
    return {
      index: { ...idx },
      lookup: (f) => {
        const cond: IndexCondition = { eq: eq.map((c) => c.value(f)) }
        for (const r of range) {
          const value = r.value(f)
          if (r.op === '<' || r.op === '<=') cond.upper = { value, inclusive: r.op === '<=' }
          else cond.lower = { value, inclusive: r.op === '>=' }
        }
        // a sparse index holds no nulls: equality with null cannot use it
        if (idx.sparse && cond.eq!.some((x) => x === null)) {
          return filterScan(store, db, coll, stats)
        }
        return store.indexLookup(db, coll, idx.id, cond)
      },
    }
  }

  // ------------------------------------------------------------------ COLLECT

  private compileCollect(op: Extract<Op, { type: 'collect' }>, sc: Scope, baseScope: Scope) {
    const groups = op.groups.map((g) => ({ var: g.var, fn: this.expr(g.expr, sc) }))
    const aggs = op.aggregates.map((a) => {
      if (!makeAggregator(a.fn)) {
        throw arangoError(
          'QUERY_INVALID_AGGREGATE_EXPRESSION',
          'invalid aggregate expression (while parsing)',
        )
      }
      if (a.args.length !== 1) {
        throw arangoError(
          'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
          `invalid number of arguments for function '${a.fn}()', expected number of arguments: minimum: 1, maximum: 1 (while parsing)`,
        )
      }
      return { var: a.var, name: a.fn, fn: this.expr(a.args[0]!, sc) }
    })
    let intoFn: Fn | null = null
    if (op.into) {
      if (op.into.expr) intoFn = this.expr(op.into.expr, sc)
      else {
        // every user variable of this query level (not the enclosing ones), or the KEEP list
        const names = [...sc.vars.keys()].filter(
          (n) => !n.startsWith('$') && (!baseScope.vars.has(n) || sc.get(n) !== baseScope.get(n)),
        )
        const keep = op.keep ?? names
        for (const k of keep) {
          if (sc.get(k) === undefined) {
            throw arangoError('QUERY_VARIABLE_NAME_UNKNOWN', `unknown variable '${k}' (while parsing)`)
          }
        }
        const pairs = keep.map((n) => [n, sc.get(n)!] as const)
        intoFn = (f) => {
          const o: Record<string, AqlValue> = {}
          for (const [n, s] of pairs) setKey(o, n, f[s] ?? null)
          return o
        }
      }
    }
    this.node('CollectNode', {
      groups: op.groups.map((g) => ({
        outVariable: { name: g.var },
        inVariable: { name: g.expr.type === 'name' ? g.expr.name : JSON.stringify(exprNode(g.expr)) },
      })),
      aggregates: op.aggregates.map((a) => ({ outVariable: { name: a.var }, type: a.fn })),
    })
    let scope = new Scope(new Map(sc.outer), sc.outer)
    const gslots = groups.map((g) => {
      const s = this.slot()
      scope = scope.with(g.var, s)
      return s
    })
    const aslots = aggs.map((a) => {
      const s = this.slot()
      scope = scope.with(a.var, s)
      return s
    })
    let intoSlot = -1
    if (op.into) {
      intoSlot = this.slot()
      scope = scope.with(op.into.var, intoSlot)
    }
    let countSlot = -1
    if (op.count) {
      countSlot = this.slot()
      scope = scope.with(op.count, countSlot)
    }
    const into = intoFn
    const ctx = this.ctx
    const stage: Stage = function* (input, base) {
      type G = { keys: AqlValue[]; aggs: Aggregator[]; into: AqlValue[]; count: number; base: Frame }
      const map = new Map<string, G>()
      for (const f of input) {
        const keys = groups.map((g) => g.fn(f))
        const k = groups.length === 0 ? '' : canonicalKey(keys)
        let g = map.get(k)
        if (!g) {
          ctx.useMemory(rowBytes(f) + k.length * 2)
          g = { keys, aggs: aggs.map((a) => makeAggregator(a.name)!), into: [], count: 0, base: f }
          map.set(k, g)
        }
        g.count++
        for (let j = 0; j < aggs.length; j++) g.aggs[j]!.add(aggs[j]!.fn(f))
        if (into) {
          ctx.useMemory(rowBytes(f))
          g.into.push(into(f))
        }
      }
      // COLLECT without groups yields one row even for empty input
      if (groups.length === 0 && map.size === 0) {
        map.set('', { keys: [], aggs: aggs.map((a) => makeAggregator(a.name)!), into: [], count: 0, base })
      }
      const rows = [...map.values()]
      if (groups.length > 0) rows.sort((a, b) => compare(a.keys, b.keys))
      for (const g of rows) {
        const out = g.base.slice()
        for (let j = 0; j < gslots.length; j++) out[gslots[j]!] = g.keys[j]!
        for (let j = 0; j < aslots.length; j++) out[aslots[j]!] = g.aggs[j]!.result()
        if (intoSlot >= 0) out[intoSlot] = g.into
        if (countSlot >= 0) out[countSlot] = g.count
        yield out
      }
    }
    return { stage, scope }
  }

  // ------------------------------------------------------------------ WINDOW

  private compileWindow(op: Extract<Op, { type: 'window' }>, sc: Scope) {
    const specFn = this.expr(op.spec, sc)
    const rangeFn = op.rangeExpr ? this.expr(op.rangeExpr, sc) : null
    const aggs = op.aggregates.map((a) => {
      if (!makeAggregator(a.fn)) {
        throw arangoError(
          'QUERY_INVALID_AGGREGATE_EXPRESSION',
          'invalid aggregate expression (while parsing)',
        )
      }
      return { var: a.var, name: a.fn, fn: this.expr(a.args[0] ?? { type: 'value', value: null }, sc) }
    })
    this.node('WindowNode')
    let scope = sc
    const slots = aggs.map((a) => {
      const s = this.slot()
      scope = scope.with(a.var, s)
      return s
    })
    const stage: Stage = function* (input, base) {
      const spec = specFn(base)
      let rows = [...input]
      const pre = getAttr(spec, 'preceding')
      const fol = getAttr(spec, 'following')
      const inside: (r: number, j: number) => boolean = (() => {
        if (!rangeFn) {
          const count = (x: AqlValue) => (x === 'unbounded' ? Infinity : toNumber(x))
          const p = count(pre)
          const fo = count(fol)
          return (r, j) => j >= r - p && j <= r + fo
        }
        // range-based windows see the rows in the order of the range value (ArangoDB sorts them)
        const keyed = rows.map((f) => ({ f, v: rangeFn(f) }))
        keyed.sort((a, b) => compare(a.v, b.v))
        rows = keyed.map((k) => k.f)
        const vals = keyed.map((k) => toNumber(k.v))
        const lo = vals.map((v) => windowBound(v, pre, -1))
        const hi = vals.map((v) => windowBound(v, fol, 1))
        return (r, j) => vals[j]! >= lo[r]! && vals[j]! <= hi[r]!
      })()
      for (let r = 0; r < rows.length; r++) {
        const acc = aggs.map((a) => makeAggregator(a.name)!)
        for (let j = 0; j < rows.length; j++) {
          if (!inside(r, j)) continue
          for (let a = 0; a < aggs.length; a++) acc[a]!.add(aggs[a]!.fn(rows[j]!))
        }
        const out = rows[r]!.slice()
        for (let a = 0; a < aggs.length; a++) out[slots[a]!] = acc[a]!.result()
        yield out
      }
    }
    return { stage, scope }
  }

  // ------------------------------------------------------------------ graphs

  private resolveSources(spec: GraphSpec, direction: Direction, sc: Scope): () => EdgeSource[] {
    if (spec.edgeColls) {
      const sources = spec.edgeColls.map((ec) => {
        const name = this.collName(ec.coll)
        this.requireColl(name)
        return { coll: name, direction: ec.direction ?? direction }
      })
      return () => sources
    }
    const g = spec.graph!
    let nameFn: () => AqlValue
    if ('name' in g && typeof g.name === 'string' && !('type' in g)) {
      const n = g.name
      nameFn = () => n
    } else if ('param' in g) {
      const n = this.bind['@' + g.param] as string
      nameFn = () => n
    } else {
      const fn = this.expr(g as Expr, sc)
      nameFn = () => fn([])
    }
    const store = this.ctx.store
    const db = this.ctx.db
    const graphName = nameFn()
    const doc =
      typeof graphName === 'string' && store.getCollection(db, GRAPHS_COLLECTION)
        ? store.get(db, GRAPHS_COLLECTION, graphName)
        : undefined
    if (!doc) throw arangoError('GRAPH_NOT_FOUND', `graph '${toStringValue(graphName)}' not found`)
    const defs = (doc.edgeDefinitions as { collection: string }[]) ?? []
    const sources = defs.map((d) => {
      this.requireColl(d.collection)
      return { coll: d.collection, direction }
    })
    return () => sources
  }

  private startId(v: AqlValue): string | null {
    if (typeof v === 'string' && v.indexOf('/') > 0) return v
    if (isObject(v) && typeof v._id === 'string') return v._id
    this.ctx.warn(10, 'Invalid input for traversal: Only id strings or objects with _id are allowed')
    return null
  }

  private compileTraversal(op: Extract<Op, { type: 'traversal' }>, sc: Scope) {
    const sourcesFn = this.resolveSources(op.graph, op.direction, sc)
    const minFn = this.expr(op.min, sc)
    const maxFn = this.expr(op.max, sc)
    const startFn = this.expr(op.start, sc)
    const options = op.options ? this.constant(op.options, sc) : null
    const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
    const order = ((): 'dfs' | 'bfs' | 'weighted' => {
      const o = opt('order')
      if (o === 'bfs' || o === 'weighted' || o === 'dfs') return o
      return opt('bfs') === true ? 'bfs' : 'dfs'
    })()
    const uv = opt('uniqueVertices')
    const ue = opt('uniqueEdges')
    const asSet = (x: AqlValue) =>
      x === null ? undefined : new Set((Array.isArray(x) ? x : [x]).map((y) => toStringValue(y)))
    const vertexCollections = asSet(opt('vertexCollections'))
    const edgeCollections = asSet(opt('edgeCollections'))
    const weightAttribute =
      typeof opt('weightAttribute') === 'string' ? (opt('weightAttribute') as string) : undefined
    const defaultWeight = typeof opt('defaultWeight') === 'number' ? (opt('defaultWeight') as number) : 1
    const [vName, eName, pName] = op.vars
    const vSlot = this.slot()
    let scope = sc.with(vName!, vSlot)
    const eSlot = eName ? this.slot() : -1
    if (eName) scope = scope.with(eName, eSlot)
    const pSlot = pName ? this.slot() : -1
    if (pName) scope = scope.with(pName, pSlot)
    let prune: ((f: Frame) => AqlValue) | null = null
    let pruneSlot = -1
    if (op.prune) {
      prune = this.expr(op.prune.expr, scope)
      if (op.prune.var) {
        pruneSlot = this.slot()
        scope = scope.with(op.prune.var, pruneSlot)
      }
    }
    const sources0 = sourcesFn()
    const constNum = (x: Expr) => (x.type === 'value' && typeof x.value === 'number' ? x.value : undefined)
    this.node('TraversalNode', {
      direction: op.direction,
      vertexOutVariable: { name: vName },
      edgeOutVariable: eName ? { name: eName } : undefined,
      pathOutVariable: pName ? { name: pName } : undefined,
      vertexId: op.start.type === 'value' && typeof op.start.value === 'string' ? op.start.value : undefined,
      inVariable: op.start.type === 'name' ? { name: op.start.name } : undefined,
      graph:
        op.graph.graph && 'name' in op.graph.graph && typeof op.graph.graph.name === 'string'
          ? op.graph.graph.name
          : undefined,
      edgeCollections: sources0.map((s) => s.coll),
      indexes: {
        base: sources0.map((s) => ({ type: 'edge', collection: s.coll, fields: ['_from', '_to'] })),
      },
      options: {
        order,
        uniqueVertices: uv ?? 'none',
        uniqueEdges: ue ?? 'path',
        minDepth: constNum(op.min),
        maxDepth: constNum(op.max),
      },
    })
    const g = this.g
    const startIdOf = (v: AqlValue) => this.startId(v)
    const sources = edgeCollections ? sources0.filter((s) => edgeCollections.has(s.coll)) : sources0
    const stage: Stage = function* (input) {
      for (const f of input) {
        const start = startIdOf(startFn(f))
        if (start === null) continue
        const min = Math.max(0, Math.trunc(toNumber(minFn(f))))
        const max = Math.trunc(toNumber(maxFn(f)))
        let pruneFrame: Frame | null = null
        const rows = traverse(
          g,
          {
            sources,
            min,
            max,
            order,
            uniqueVertices: uv === 'path' || uv === 'global' ? uv : 'none',
            uniqueEdges: ue === 'none' ? 'none' : 'path',
            vertexCollections,
            weightAttribute,
            defaultWeight,
            prune: prune
              ? (v, e, p) => {
                  const pf = f.slice()
                  pf[vSlot] = v as AqlValue
                  if (eSlot >= 0) pf[eSlot] = e as AqlValue
                  if (pSlot >= 0) pf[pSlot] = p() as unknown as AqlValue
                  const r = prune!(pf)
                  if (pruneSlot >= 0) pf[pruneSlot] = r
                  pruneFrame = pf
                  return toBool(r)
                }
              : undefined,
          },
          start,
        )
        for (const r of rows) {
          const out = f.slice()
          out[vSlot] = r.v as AqlValue
          if (eSlot >= 0) out[eSlot] = r.e as AqlValue
          if (pSlot >= 0) out[pSlot] = r.p() as unknown as AqlValue
          if (pruneSlot >= 0 && pruneFrame) out[pruneSlot] = (pruneFrame as Frame)[pruneSlot]!
          yield out
        }
      }
    }
    return { stage, scope }
  }

  private compilePath(op: Extract<Op, { type: 'path' }>, sc: Scope) {
    const sourcesFn = this.resolveSources(op.graph, op.direction, sc)
    const startFn = this.expr(op.start, sc)
    const targetFn = this.expr(op.target, sc)
    const minFn = op.min ? this.expr(op.min, sc) : () => 1
    const maxFn = op.max ? this.expr(op.max, sc) : minFn
    const options = op.options ? this.constant(op.options, sc) : null
    const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
    const weightAttribute =
      typeof opt('weightAttribute') === 'string' ? (opt('weightAttribute') as string) : undefined
    const defaultWeight = typeof opt('defaultWeight') === 'number' ? (opt('defaultWeight') as number) : 1
    const [vName, eName] = op.vars
    const vSlot = this.slot()
    let scope = sc.with(vName!, vSlot)
    const eSlot = eName ? this.slot() : -1
    if (eName) scope = scope.with(eName, eSlot)
    const sources = sourcesFn()
    this.node(op.kind === 'SHORTEST_PATH' ? 'ShortestPathNode' : 'EnumeratePathsNode', {
      indexes: { base: sources.map((s) => ({ type: 'edge', collection: s.coll })) },
    })
    const g = this.g
    const startIdOf = (v: AqlValue) => this.startId(v)
    const kind = op.kind
    const spec = { sources, weightAttribute, defaultWeight }
    const pathObj = (p: FoundPath): AqlValue => {
      const o: Record<string, AqlValue> = { edges: p.edges as AqlValue[], vertices: p.vertices as AqlValue[] }
      if (kind === 'K_SHORTEST_PATHS') o.weight = p.weight
      return o
    }
    const stage: Stage = function* (input) {
      for (const f of input) {
        const from = startIdOf(startFn(f))
        const to = startIdOf(targetFn(f))
        if (from === null || to === null) continue
        if (kind === 'SHORTEST_PATH') {
          const p = shortestPath(g, spec, from, to)
          if (!p) continue
          for (let j = 0; j < p.vertices.length; j++) {
            const out = f.slice()
            out[vSlot] = p.vertices[j] as AqlValue
            if (eSlot >= 0) out[eSlot] = j === 0 ? null : (p.edges[j - 1] as AqlValue)
            yield out
          }
          continue
        }
        let it: Iterable<FoundPath>
        if (kind === 'K_SHORTEST_PATHS') it = kShortestPaths(g, spec, from, to)
        else if (kind === 'ALL_SHORTEST_PATHS') it = allShortestPaths(g, spec, from, to)
        else it = kPaths(g, spec, from, to, Math.trunc(toNumber(minFn(f))), Math.trunc(toNumber(maxFn(f))))
        for (const p of it) {
          const out = f.slice()
          out[vSlot] = pathObj(p)
          yield out
        }
      }
    }
    return { stage, scope }
  }

  // ------------------------------------------------------------------ data modification

  private compileModification(
    op: Extract<Op, { type: 'insert' | 'update' | 'replace' | 'remove' | 'upsert' }>,
    sc: Scope,
  ) {
    this.isModification = true
    const coll = this.collName(op.coll)
    this.requireColl(coll, 'write')
    const options = op.options ? this.constant(op.options, sc) : null
    const opt = (k: string) => (isObject(options) ? getAttr(options, k) : null)
    const ignoreErrors = opt('ignoreErrors') === true
    const wopts: WriteOptions = {}
    if (typeof opt('overwriteMode') === 'string')
      wopts.overwriteMode = opt('overwriteMode') as WriteOptions['overwriteMode']
    else if (opt('overwrite') === true) wopts.overwriteMode = 'replace'
    if (opt('keepNull') === false) wopts.keepNull = false
    if (opt('mergeObjects') === false) wopts.mergeObjects = false
    if (opt('ignoreRevs') === false) wopts.ignoreRevs = false
    if (opt('waitForSync') === true) wopts.waitForSync = true
    const ctx = this.ctx
    const store = ctx.store
    const db = ctx.db
    const stats = ctx.stats
    const nodeType = {
      insert: 'InsertNode',
      update: 'UpdateNode',
      replace: 'ReplaceNode',
      remove: 'RemoveNode',
      upsert: 'UpsertNode',
    }[op.type]
    const exprOf = op.type === 'remove' ? op.key : op.type === 'upsert' ? op.search : op.doc
    if (exprOf.type !== 'name') this.nodeId++
    const nodeId = this.node(nodeType, { collection: coll })
    const fail = (e: unknown): never => {
      if (e instanceof ArangoError && !e.message.endsWith('(while executing)')) {
        throw new ArangoError(
          e.errorNum,
          e.code === 412 ? 409 : e.code,
          `AQL: ${e.message} [node #${nodeId}: ${nodeType}] (while executing)`,
          e.extra,
        )
      }
      throw e
    }
    const write = (fn: () => WriteResult): WriteResult | null => {
      try {
        const r = fn()
        if (r.ignored) stats.writesIgnored++
        else stats.writesExecuted++
        return r
      } catch (e) {
        if (ignoreErrors && e instanceof ArangoError) {
          stats.writesIgnored++
          return null
        }
        return fail(e)
      }
    }
    const keyOf = (v: AqlValue): string => {
      if (typeof v === 'string') return v
      if (isObject(v)) {
        const k = v._key
        if (typeof k === 'string') return k
        throw new ArangoError(1226, 400, 'missing document key')
      }
      throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    }
    const asDoc = (v: AqlValue): Record<string, unknown> => {
      if (!isObject(v)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
      return v
    }
    let scope = sc
    const newSlot = this.slot()
    const oldSlot = this.slot()
    let run: (f: Frame) => WriteResult | null
    switch (op.type) {
      case 'insert': {
        const docFn = this.expr(op.doc, sc)
        run = (f) => {
          let d: Record<string, unknown>
          try {
            d = asDoc(docFn(f))
          } catch (e) {
            if (ignoreErrors) {
              stats.writesIgnored++
              return null
            }
            return fail(e)
          }
          return write(() => store.insert(db, coll, d, wopts))
        }
        break
      }
      case 'update':
      case 'replace': {
        const docFn = this.expr(op.doc, sc)
        const keyFn = op.key ? this.expr(op.key, sc) : null
        const isUpdate = op.type === 'update'
        run = (f) => {
          let key: string
          let d: Record<string, unknown>
          try {
            const doc = docFn(f)
            d = asDoc(doc)
            const kv = keyFn ? keyFn(f) : doc
            key = keyOf(kv)
            if (
              keyFn &&
              isObject(kv) &&
              wopts.ignoreRevs === false &&
              typeof kv._rev === 'string' &&
              d._rev === undefined
            ) {
              d = { ...d, _rev: kv._rev }
            }
          } catch (e) {
            if (ignoreErrors) {
              stats.writesIgnored++
              return null
            }
            return fail(e)
          }
          return write(() =>
            isUpdate ? store.update(db, coll, key, d, wopts) : store.replace(db, coll, key, d, wopts),
          )
        }
        break
      }
      case 'remove': {
        const keyFn = this.expr(op.key, sc)
        run = (f) => {
          let key: string
          let rev: string | undefined
          try {
            const kv = keyFn(f)
            key = keyOf(kv)
            if (isObject(kv) && typeof kv._rev === 'string') rev = kv._rev
          } catch (e) {
            if (ignoreErrors) {
              stats.writesIgnored++
              return null
            }
            return fail(e)
          }
          const o = wopts.ignoreRevs === false && rev ? { ...wopts, ifMatch: rev } : wopts
          return write(() => store.remove(db, coll, key, o))
        }
        break
      }
      case 'upsert': {
        const searchFn = this.expr(op.search, sc)
        const insertFn = this.expr(op.insert, sc)
        const oldInScope = sc.with('OLD', oldSlot)
        const updateFn = this.expr(op.update, oldInScope)
        const isReplace = op.replace
        const upsertFind = (c: string, s: AqlValue) => this.upsertFind(c, s)
        const stack = this.currentStack
        // UPSERT FILTER cond (3.12): the first document for which cond holds, CURRENT being the document
        const upsertFilter = (f: Frame): Doc | null => {
          for (const d of store.scan(db, coll)) {
            stats.scannedFull++
            stack.push(d as AqlValue)
            try {
              if (toBool(searchFn(f))) return d
            } finally {
              stack.pop()
            }
          }
          return null
        }
        run = (f) => {
          const found = op.searchVar ? upsertFilter(f) : upsertFind(coll, searchFn(f))
          if (!found) {
            const d = insertFn(f)
            return write(() => store.insert(db, coll, asDoc(d), wopts))
          }
          const g = f.slice()
          g[oldSlot] = found as AqlValue
          const d = asDoc(updateFn(g))
          return write(() =>
            isReplace
              ? store.replace(db, coll, found._key, d, wopts)
              : store.update(db, coll, found._key, d, wopts),
          )
        }
        break
      }
    }
    scope = scope.with('NEW', newSlot).with('OLD', oldSlot)
    this.modified.set(coll, nodeType)
    const runFn = run
    const stage: Stage = function* (input) {
      for (const f of input) {
        const r = runFn(f)
        if (!r) continue
        const g = f.slice()
        g[newSlot] = (r.new ?? null) as AqlValue
        g[oldSlot] = (r.old ?? null) as AqlValue
        yield g
      }
    }
    return { stage, scope }
  }

  private upsertFind(coll: string, search: AqlValue): Doc | null {
    const store = this.ctx.store
    const db = this.ctx.db
    if (!isObject(search)) throw arangoError('ARANGO_DOCUMENT_TYPE_INVALID')
    const matches = (d: Doc) =>
      Object.keys(search).every((k) => equals(getAttr(d as AqlValue, k), search[k]!))
    if (typeof search._key === 'string') {
      this.ctx.stats.scannedIndex++
      const d = store.get(db, coll, search._key)
      return d && matches(d) ? d : null
    }
    for (const idx of store.listIndexes(db, coll)) {
      if (idx.type !== 'persistent') continue
      if (!idx.fields.every((fl) => hasOwn(search, fl))) continue
      const cands = store.indexLookup(db, coll, idx.id, { eq: idx.fields.map((fl) => search[fl] ?? null) })
      this.ctx.stats.scannedIndex += cands.length
      for (const d of cands) if (matches(d)) return d
      return null
    }
    for (const d of store.scan(db, coll)) {
      this.ctx.stats.scannedFull++
      if (matches(d)) return d
    }
    return null
  }

  // ------------------------------------------------------------------ expressions

  /** Evaluate an expression that must be known at compile time (OPTIONS). */
  private constant(e: Expr, sc: Scope): AqlValue {
    const fn = this.expr(e, sc)
    try {
      return fn([])
    } catch {
      throw arangoError('QUERY_COMPILE_TIME_OPTIONS')
    }
  }

  expr(e: Expr, sc: Scope): Fn {
    const ctx = this.ctx
    switch (e.type) {
      case 'value': {
        const v = e.value
        return () => v
      }
      case 'param': {
        const v = (this.bind[e.name] ?? null) as AqlValue
        return () => v
      }
      case 'dsparam':
        return this.collectionValue(this.bind['@' + e.name] as string)
      case 'name': {
        const s = sc.get(e.name)
        if (s !== undefined) return (f) => f[s] ?? null
        return this.collectionValue(e.name)
      }
      case 'current': {
        const stack = this.currentStack
        return () => stack[stack.length - 1] ?? null
      }
      case 'array': {
        const items = e.items.map((x) => this.expr(x, sc))
        return (f) => items.map((x) => x(f))
      }
      case 'object': {
        const entries = e.entries.map((x) => ({
          key: typeof x.key === 'string' ? x.key : this.expr(x.key, sc),
          value: this.expr(x.value, sc),
        }))
        return (f) => {
          const o: Record<string, AqlValue> = {}
          for (const en of entries) {
            const k = typeof en.key === 'string' ? en.key : toStringValue(en.key(f))
            // ArangoDB keeps the first of duplicate attribute names
            if (hasOwn(o, k)) continue
            setKey(o, k, en.value(f))
          }
          return o
        }
      }
      case 'attr': {
        const obj = this.expr(e.obj, sc)
        const name = e.name
        return (f) => getAttr(obj(f), name)
      }
      case 'index': {
        const obj = this.expr(e.obj, sc)
        const idx = this.expr(e.index, sc)
        return (f) => {
          const o = obj(f)
          const i = idx(f)
          if (Array.isArray(o)) {
            let n: number
            if (typeof i === 'number') n = Math.trunc(i)
            else if (typeof i === 'string' && /^-?\d+$/.test(i.trim())) n = Number(i)
            else return null
            if (n < 0) n += o.length
            return n >= 0 && n < o.length ? (o[n] ?? null) : null
          }
          if (isObject(o)) return getAttr(o, toStringValue(i))
          return null
        }
      }
      case 'expand': {
        const obj = this.expr(e.obj, sc)
        const filter = e.filter ? this.expr(e.filter, sc) : null
        const offFn = e.limit ? this.expr(e.limit.offset, sc) : null
        const cntFn = e.limit ? this.expr(e.limit.count, sc) : null
        const ret = e.ret ? this.expr(e.ret, sc) : null
        const inner = e.inner ? this.expr(e.inner, sc) : null
        const depth = e.depth
        const stack = this.currentStack
        return (f) => {
          let arr = obj(f)
          if (!Array.isArray(arr)) return []
          if (depth > 1) arr = flatten(arr, depth - 1)
          const out: AqlValue[] = []
          const off = offFn ? limitValue(offFn(f)) : 0
          const cnt = cntFn ? limitValue(cntFn(f)) : Infinity
          let passed = 0
          for (const x of arr) {
            stack.push(x)
            try {
              if (filter && !toBool(filter(f))) continue
              passed++
              if (passed <= off) continue
              if (passed > off + cnt) break
              let v = ret ? ret(f) : x
              if (inner) {
                stack.push(v)
                try {
                  v = inner(f)
                } finally {
                  stack.pop()
                }
              }
              out.push(v)
            } finally {
              stack.pop()
            }
          }
          return out
        }
      }
      case 'unary': {
        const a = this.expr(e.arg, sc)
        if (e.op === '!') return (f) => !toBool(a(f))
        if (e.op === '-') return (f) => num(-toNumber(a(f)))
        return (f) => toNumber(a(f))
      }
      case 'and': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        return (f) => {
          const x = l(f)
          return toBool(x) ? r(f) : x
        }
      }
      case 'or': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        return (f) => {
          const x = l(f)
          return toBool(x) ? x : r(f)
        }
      }
      case 'ternary': {
        const c = this.expr(e.cond, sc)
        const t = e.then ? this.expr(e.then, sc) : null
        const el = this.expr(e.else, sc)
        return (f) => {
          const x = c(f)
          if (toBool(x)) return t ? t(f) : x
          return el(f)
        }
      }
      case 'range': {
        const a = this.expr(e.from, sc)
        const b = this.expr(e.to, sc)
        return (f) => [...rangeIter(a(f), b(f))]
      }
      case 'binary': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        const op = binaryOp(e.op, ctx)
        return (f) => op(l(f), r(f))
      }
      case 'quant': {
        const l = this.expr(e.left, sc)
        const r = this.expr(e.right, sc)
        const cnt = e.count ? this.expr(e.count, sc) : null
        const op = binaryOp(e.op, ctx)
        const q = e.quant
        return (f) => {
          const arr = l(f)
          if (!Array.isArray(arr)) return false
          const rv = r(f)
          let hits = 0
          for (const x of arr) if (toBool(op(x, rv))) hits++
          if (q === 'ALL') return hits === arr.length
          if (q === 'ANY') return hits > 0
          if (q === 'NONE') return hits === 0
          return hits >= toNumber(cnt!(f))
        }
      }
      case 'subquery': {
        const run = this.compileQuery(e.query, sc, false)
        return (f) => [...run(f)]
      }
      case 'call':
        return this.call(e, sc)
    }
  }

  /** CALL(name, args…) / APPLY(name, [args]): a library function chosen at run time. */
  private dynamicCall(name: 'CALL' | 'APPLY', e: Extract<Expr, { type: 'call' }>, sc: Scope): Fn {
    if (e.args.length < 1 || (name === 'APPLY' && e.args.length > 2)) {
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
        `invalid number of arguments for function '${name}()', expected number of arguments: minimum: 1, maximum: ${name === 'APPLY' ? 2 : 65536} (while parsing)`,
      )
    }
    const args = e.args.map((a) => this.expr(a, sc))
    const lib = this.lib
    const ctx = this.ctx
    return (f) => {
      const fnName = args[0]!(f)
      if (typeof fnName !== 'string') {
        ctx.warn(1542, `invalid argument type in call to function '${name}()'`)
        return null
      }
      const upper = fnName.toUpperCase()
      if (upper.includes('::')) throw notImplemented(`user-defined AQL function ${upper}()`)
      if (upper === 'CALL' || upper === 'APPLY') {
        throw arangoError('QUERY_DISALLOWED_DYNAMIC_CALL', `disallowed dynamic call to '${upper}'`)
      }
      const def = lib.functions[upper]
      if (!def) {
        if (lib.unsupported.has(upper)) throw notImplemented(`AQL function ${upper}()`)
        throw arangoError('QUERY_FUNCTION_NAME_UNKNOWN', `usage of unknown function '${upper}()'`)
      }
      let params: AqlValue[]
      if (name === 'CALL') params = args.slice(1).map((a) => a(f))
      else {
        const p = args[1] ? args[1](f) : []
        params = Array.isArray(p) ? p : []
      }
      if (params.length < def.minArgs || params.length > def.maxArgs) {
        throw arangoError(
          'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
          `invalid number of arguments for function '${upper}()', expected number of arguments: minimum: ${def.minArgs}, maximum: ${def.maxArgs === Infinity ? 65536 : def.maxArgs}`,
        )
      }
      return def.fn(ctx, params)
    }
  }

  private collectionValue(name: string): Fn {
    this.requireColl(name)
    const store = this.ctx.store
    const db = this.ctx.db
    const stats = this.ctx.stats
    return () => {
      const out: AqlValue[] = []
      for (const d of store.scan(db, name)) {
        stats.scannedFull++
        out.push(d as AqlValue)
      }
      return out
    }
  }

  private call(e: Extract<Expr, { type: 'call' }>, sc: Scope): Fn {
    const name = e.name.toUpperCase()
    const isCollArg = (a: Expr) => (a.type === 'name' && sc.get(a.name) === undefined) || a.type === 'dsparam'
    const collArgName = (a: Expr) =>
      a.type === 'name' ? a.name : (this.bind['@' + (a as { name: string }).name] as string)
    // LENGTH(coll) / COUNT(coll) count without reading the documents
    if (
      (name === 'LENGTH' || name === 'COUNT' || name === 'COLLECTION_COUNT') &&
      e.args.length === 1 &&
      isCollArg(e.args[0]!)
    ) {
      const coll = collArgName(e.args[0]!)
      this.requireColl(coll)
      const store = this.ctx.store
      const db = this.ctx.db
      return () => store.count(db, coll)
    }
    if (name === 'CALL' || name === 'APPLY') return this.dynamicCall(name, e, sc)
    const def = this.lib.functions[name]
    if (!def) {
      if (this.lib.unsupported.has(name)) throw notImplemented(`AQL function ${name}()`)
      throw arangoError(
        'QUERY_FUNCTION_NAME_UNKNOWN',
        `usage of unknown function '${name}()' (while parsing)`,
      )
    }
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      const max = def.maxArgs === Infinity ? 65536 : def.maxArgs
      throw arangoError(
        'QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH',
        `invalid number of arguments for function '${name}()', expected number of arguments: minimum: ${def.minArgs}, maximum: ${max} (while parsing)`,
      )
    }
    const args = e.args.map((a) => {
      if (COLLECTION_NAME_FUNCTIONS.has(name) && isCollArg(a)) {
        const n = collArgName(a)
        return () => n
      }
      return this.expr(a, sc)
    })
    const ctx = this.ctx
    const fn = def.fn
    if (args.length === 1) {
      const a0 = args[0]!
      return (f) => fn(ctx, [a0(f)])
    }
    if (args.length === 2) {
      const a0 = args[0]!
      const a1 = args[1]!
      return (f) => fn(ctx, [a0(f), a1(f)])
    }
    return (f) =>
      fn(
        ctx,
        args.map((a) => a(f)),
      )
  }
}

/** WINDOW range bound: a number, "unbounded", or an ISO 8601 duration applied to a timestamp (ms). */
function windowBound(v: number, spec: AqlValue, sign: 1 | -1): number {
  if (spec === 'unbounded') return sign * Infinity
  if (typeof spec === 'string' && /^P/i.test(spec)) {
    const m =
      /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
        spec,
      )
    if (!m) return v
    const n = (i: number) => sign * Number(m[i] ?? 0)
    const d = new Date(v)
    d.setUTCFullYear(d.getUTCFullYear() + n(1), d.getUTCMonth() + n(2), d.getUTCDate() + n(3) * 7 + n(4))
    return d.getTime() + (n(5) * 3600 + n(6) * 60 + n(7)) * 1000
  }
  return v + sign * toNumber(spec)
}

function num(n: number): AqlValue {
  return Number.isFinite(n) ? n : null
}

function limitValue(v: AqlValue): number {
  if (typeof v !== 'number' || v < 0) {
    if (v === null) return 0
    throw arangoError(
      'QUERY_NUMBER_OUT_OF_RANGE',
      'LIMIT value is not a number or out of range (while parsing)',
    )
  }
  return Math.trunc(v)
}

function drain(it: Iterable<Frame>): Iterable<AqlValue> {
  for (const _ of it) void _
  return []
}

function* filterScan(store: Store, db: string, coll: string, stats: QueryStats): Generator<Doc> {
  for (const d of store.scan(db, coll)) {
    stats.scannedFull++
    yield d
  }
}

const regexCache = new Map<string, RegExp | null>()
function regexTest(ctx: QueryContext, value: AqlValue, pattern: AqlValue): AqlValue {
  const p = toStringValue(pattern)
  let re = regexCache.get(p)
  if (re === undefined) {
    try {
      re = new RegExp(p, 'u')
    } catch {
      re = null
    }
    if (regexCache.size > 1000) regexCache.clear()
    regexCache.set(p, re)
  }
  if (!re) {
    ctx.warn(1575, 'invalid regex value')
    return null
  }
  return re.test(toStringValue(value))
}

function binaryOp(op: BinaryOp, ctx: QueryContext): (a: AqlValue, b: AqlValue) => AqlValue {
  switch (op) {
    case '+':
      return (a, b) => num(toNumber(a) + toNumber(b))
    case '-':
      return (a, b) => num(toNumber(a) - toNumber(b))
    case '*':
      return (a, b) => num(toNumber(a) * toNumber(b))
    case '/':
      return (a, b) => {
        const d = toNumber(b)
        if (d === 0) {
          ctx.warn(1562, 'division by zero')
          return null
        }
        return num(toNumber(a) / d)
      }
    case '%':
      return (a, b) => {
        const d = toNumber(b)
        if (d === 0) {
          ctx.warn(1562, 'division by zero')
          return null
        }
        return num(toNumber(a) % d)
      }
    case '==':
      return (a, b) => compare(a, b) === 0
    case '!=':
      return (a, b) => compare(a, b) !== 0
    case '<':
      return (a, b) => compare(a, b) < 0
    case '<=':
      return (a, b) => compare(a, b) <= 0
    case '>':
      return (a, b) => compare(a, b) > 0
    case '>=':
      return (a, b) => compare(a, b) >= 0
    case 'IN':
      return (a, b) => inArray(a, b)
    case 'NOT IN':
      return (a, b) => !inArray(a, b)
    case 'LIKE':
      return (a, b) => aqlLike(a, b)
    case 'NOT LIKE':
      return (a, b) => !aqlLike(a, b)
    case '=~':
      return (a, b) => regexTest(ctx, a, b)
    case '!~': {
      return (a, b) => {
        const r = regexTest(ctx, a, b)
        return r === null ? null : !r
      }
    }
  }
}

export type { PathValue }
