/**
 * The compile-time variable checks arangod's parser makes while it builds the AST (Aql/Scopes.cpp,
 * Aql/grammar.y, Ast::createNodeVariable), made here in one walk over the parsed query:
 *
 * - a variable declared while one of the same name is visible is 1511 _variable '%s' is assigned
 *   multiple times_ (Scopes::addVariable looks through every active scope, so a subquery cannot
 *   shadow an outer variable either); only the system variables OLD and NEW are replaced silently;
 * - scopes end as in grammar.y: RETURN ends the FOR scopes of its query level (endNested), a
 *   COLLECT inside a FOR ends them too and only its own variables stay visible (startCollectScope),
 *   a subquery's variables end with it;
 * - 1512 where grammar.y raises TRI_ERROR_QUERY_VARIABLE_NAME_UNKNOWN: `{foo}` without a variable
 *   foo, a COLLECT's INTO expression or KEEP list using the COLLECT's own variables, an AGGREGATE
 *   using a group variable or an earlier aggregate of the same COLLECT; KEEP naming no variable is
 *   1501 (registerParseError with TRI_ERROR_QUERY_PARSE);
 * - a name no variable answers to is a collection (grammar.y `reference: T_STRING` creates a data
 *   source), so it fails later with 1203 when no such collection exists, as arangod does
 *   (aql-variables.js testUndeclared: `LET a = nonexisting + 1 RETURN 0` is 1203).
 */
import { ArangoError, arangoError } from '../errors.js'
import {
  exprChildren,
  modificationVariables,
  type Expr,
  type GraphSpec,
  type ModificationOp,
  type Op,
  type Pattern,
  type Query,
} from './ast.js'
import { parseError } from './lexer.js'

type ScopeKind = 'main' | 'subquery' | 'for' | 'collect'

class Scopes {
  private readonly stack: { kind: ScopeKind; vars: Set<string> }[] = []

  start(kind: ScopeKind): void {
    this.stack.push({ kind, vars: new Set() })
  }
  endCurrent(): void {
    this.stack.pop()
  }
  /** Ends the scopes of the current query level down to (not including) its main/subquery scope. */
  endNested(): void {
    while (this.stack.length > 1 && !this.isLevel(this.top.kind)) this.stack.pop()
  }
  get top(): { kind: ScopeKind; vars: Set<string> } {
    return this.stack[this.stack.length - 1]!
  }
  isLevel(kind: ScopeKind): boolean {
    return kind === 'main' || kind === 'subquery'
  }
  has(name: string): boolean {
    return this.stack.some((s) => s.vars.has(name))
  }
  declare(name: string, system = false): void {
    if (this.has(name) && !system) {
      throw arangoError(
        'QUERY_VARIABLE_REDECLARED',
        `variable '${name}' is assigned multiple times (while parsing)`,
      )
    }
    this.top.vars.add(name)
  }
}

function patternNames(p: Pattern, out: string[] = []): string[] {
  if (p === null) return out
  if (typeof p === 'string') out.push(p)
  else if ('array' in p) p.array.forEach((x) => patternNames(x, out))
  else p.object.forEach((x) => patternNames(x.target, out))
  return out
}

/** Names `e` reads, its subqueries included (iteratively: AND chains can be thousands deep). */
function referencedNames(e: Expr): Set<string> {
  const out = new Set<string>()
  const todo = [e]
  while (todo.length) {
    const x = todo.pop()!
    if (x.type === 'name') out.add(x.name)
    else if (x.type === 'subquery') for (const op of x.query.ops) todo.push(...opExprs(op))
    else todo.push(...exprChildren(x))
  }
  return out
}

/** Every expression an operation holds, in source order. */
function opExprs(op: Op): Expr[] {
  const list: (Expr | undefined)[] = []
  switch (op.type) {
    case 'for':
      list.push(op.in, op.options)
      break
    case 'traversal':
      list.push(op.min, op.max, op.start, ...graphExprs(op.graph), op.prune?.expr, op.options)
      break
    case 'path':
      list.push(op.min, op.max, op.start, op.target, ...graphExprs(op.graph), op.options)
      break
    case 'let':
    case 'filter':
      list.push(op.expr)
      break
    case 'sort':
      for (const it of op.items) list.push(it.expr, it.direction)
      break
    case 'limit':
      list.push(op.offset, op.count)
      break
    case 'collect':
      list.push(...op.groups.map((g) => g.expr), ...op.aggregates.flatMap((a) => a.args), op.into?.expr)
      break
    case 'window':
      list.push(op.rangeExpr, op.spec, ...op.aggregates.flatMap((a) => a.args))
      break
    case 'return':
      list.push(op.expr)
      break
    case 'insert':
      list.push(op.doc, op.options)
      break
    case 'update':
    case 'replace':
      list.push(op.key, op.doc, op.options)
      break
    case 'remove':
      list.push(op.key, op.options)
      break
    case 'upsert':
      list.push(op.search, op.insert, op.update, op.options)
      break
  }
  return list.filter((x): x is Expr => x !== undefined)
}

function graphExprs(g: GraphSpec): Expr[] {
  return g.graph && 'type' in g.graph ? [g.graph] : []
}

/** Runs the checks over a parsed query; `text` gives the positions of parse-style errors. */
export function checkScopes(q: Query, text: string): void {
  new Checker(text).query(q)
}

class Checker {
  private readonly scopes = new Scopes()

  constructor(private readonly text: string) {}

  query(q: Query): void {
    this.scopes.start('main')
    this.body(q)
  }

  private parseStyle(num: number, msg: string, at: number): ArangoError {
    const before = this.text.slice(0, at)
    const line = before.split('\n').length
    const col = at - (before.lastIndexOf('\n') + 1) + 1
    const e = parseError(this.text, msg, at, line, col)
    return new ArangoError(num, 400, e.message)
  }

  private expr(e: Expr | undefined | null): void {
    if (!e) return
    if (e.type === 'name') {
      if (e.shorthandAt !== undefined && !this.scopes.has(e.name)) {
        throw this.parseStyle(1512, `use of unknown variable '${e.name}' in object literal`, e.shorthandAt)
      }
      return
    }
    if (e.type === 'subquery') {
      this.scopes.start('subquery')
      this.body(e.query)
      this.scopes.endCurrent()
      return
    }
    if (exprChildren(e).length === 0) return
    // in source order, iteratively (AND chains can be thousands deep); subqueries recurse
    const todo: Expr[] = [e]
    while (todo.length) {
      const x = todo.pop()!
      if (x.type === 'name' || x.type === 'subquery') this.expr(x)
      else todo.push(...exprChildren(x).slice().reverse())
    }
  }

  private declare(name: string | Pattern | undefined): void {
    if (name === undefined) return
    for (const n of patternNames(name)) this.scopes.declare(n)
  }

  private body(q: Query): void {
    for (const op of q.ops) this.op(op)
  }

  private op(op: Op): void {
    const s = this.scopes
    switch (op.type) {
      case 'for':
        this.expr(op.in)
        s.start('for')
        this.declare(op.destructure ?? op.var)
        this.expr(op.options)
        return
      case 'traversal':
      case 'path':
        // the graph part is read before the output variables are declared, PRUNE after them
        for (const x of [op.min, op.max, op.start, op.type === 'path' ? op.target : undefined]) this.expr(x)
        graphExprs(op.graph).forEach((x) => this.expr(x))
        s.start('for')
        op.vars.forEach((v) => s.declare(v))
        if (op.type === 'traversal' && op.prune) {
          this.expr(op.prune.expr)
          if (op.prune.var) s.declare(op.prune.var)
        }
        return
      case 'let':
        this.expr(op.expr)
        this.declare(op.destructure ?? op.var)
        return
      case 'collect':
        return this.collect(op)
      case 'window': {
        const declared = new Set<string>()
        this.expr(op.rangeExpr)
        this.expr(op.spec)
        // grammar.y window_statement runs validateAggregates as COLLECT does
        for (const a of op.aggregates) {
          a.args.forEach((x) => this.expr(x))
          a.args.forEach((x) =>
            this.ownUse(x, declared, (n) => `use of COLLECT variable '${n}' inside same COLLECT`),
          )
          s.declare(a.var)
          declared.add(a.var)
        }
        return
      }
      case 'return':
        this.expr(op.expr)
        s.endNested()
        return
      case 'insert':
      case 'update':
      case 'replace':
      case 'remove':
      case 'upsert':
        return this.modification(op)
      default:
        opExprs(op).forEach((x) => this.expr(x))
    }
  }

  private collect(op: Extract<Op, { type: 'collect' }>): void {
    const s = this.scopes
    // grammar.y collect_element / aggregate_element: each variable is declared (createNodeAssign)
    // right after its expression, in the scope the COLLECT stands in
    const groups = new Set<string>()
    for (const g of op.groups) {
      this.expr(g.expr)
      // (arangod after 3.12: a group expression using an earlier group variable is 1512 too)
      this.ownUse(g.expr, groups, (n) => `use of COLLECT variable '${n}' inside same COLLECT`)
      s.declare(g.var)
      groups.add(g.var)
    }
    const aggregates = new Set<string>()
    for (const a of op.aggregates) {
      for (const x of a.args) {
        this.expr(x)
        this.ownUse(x, aggregates, (n) => `use of COLLECT variable '${n}' inside same COLLECT`)
        this.ownUse(x, groups, (n) => `use of unknown variable '${n}' in AGGREGATE expression`)
      }
      s.declare(a.var)
      aggregates.add(a.var)
    }
    const own = new Set([...groups, ...aggregates])
    if (op.into?.expr) {
      this.expr(op.into.expr)
      this.ownUse(op.into.expr, own, (n) => `use of COLLECT variable '${n}' inside same COLLECT's expression`)
    }
    for (const k of op.keep ?? []) {
      if (!s.has(k))
        throw arangoError('QUERY_PARSE', `use of unknown variable '${k}' for KEEP (while parsing)`)
      if (own.has(k)) {
        throw arangoError(
          'QUERY_VARIABLE_NAME_UNKNOWN',
          `use of COLLECT variable '${k}' inside same COLLECT's expression (while parsing)`,
        )
      }
    }
    this.expr(op.options)
    // startCollectScope: inside a FOR the FOR scopes end and the COLLECT's variables start anew
    if (!s.isLevel(s.top.kind)) {
      s.endNested()
      s.start('collect')
      own.forEach((v) => s.declare(v))
    }
    if (op.into) s.declare(op.into.var)
    if (op.count) s.declare(op.count)
  }

  /** 1512 when `e` reads one of `names` (variables of the COLLECT being declared). */
  private ownUse(e: Expr, names: Set<string>, msg: (n: string) => string): void {
    if (names.size === 0) return
    for (const n of referencedNames(e)) {
      if (names.has(n)) throw arangoError('QUERY_VARIABLE_NAME_UNKNOWN', `${msg(n)} (while parsing)`)
    }
  }

  private modification(op: ModificationOp): void {
    const s = this.scopes
    const vars = modificationVariables(op)
    if (op.type === 'upsert') {
      // the search runs in its own subquery; OLD is declared before INSERT/UPDATE are parsed
      s.start('subquery')
      this.expr(op.search)
      s.endCurrent()
      s.declare('OLD', true)
      this.expr(op.insert)
      this.expr(op.update)
      this.expr(op.options)
      s.declare('NEW', true)
      return
    }
    opExprs(op).forEach((x) => this.expr(x))
    for (const v of vars) s.declare(v, true)
  }
}
