/**
 * Recursive-descent AQL parser producing the typed AST of ast.ts: the query and its operations
 * here, expressions in parse-expr.ts (operator precedence there), the token cursor in
 * parse-cursor.ts.
 */
import { ArangoError } from '../errors.js'
import type { CollRef, Direction, Expr, GraphSpec, Op, Pattern, Query } from './ast.js'
import { parseError, tokenize, type Token } from './lexer.js'
import { checkScopes } from './scopes.js'
import { checkNesting, withinStack } from './limits.js'
import { ExprParser } from './parse-expr.js'
import type { AqlValue } from './values.js'

export interface ParseResult {
  query: Query
  /** Bind parameter names used (without @; data-source params keep one leading @). */
  bindParams: string[]
  /** Collections named literally in the query. */
  collections: string[]
}

export function parseQuery(text: string): ParseResult {
  if (text.trim() === '') {
    // ArangoDB: a whitespace-only query is a syntax error at the end (1501), a missing one 1502.
    const toks = tokenize(text)
    const eof = toks[toks.length - 1]!
    throw parseError(text, 'syntax error, unexpected end of query', eof.pos, eof.line, eof.col)
  }
  const p = new Parser(text, tokenize(text))
  const query = withinStack(() => p.parseQueryBody(true))
  p.expectEnd()
  // nesting first: an over-deep tree is refused before the scope check walks it
  checkNesting(query)
  withinStack(() => checkScopes(query, text))
  const collections = new Set(p.collections)
  for (const n of p.forSources) if (!p.declared.has(n)) collections.add(n)
  return { query, bindParams: [...p.params], collections: [...collections] }
}

class Parser extends ExprParser {
  parseQueryBody(top: boolean): Query {
    const outerLoop = this.inLoop
    this.inLoop = false
    try {
      return this.parseQueryOps(top)
    } finally {
      this.inLoop = outerLoop
    }
  }

  private parseQueryOps(top: boolean): Query {
    const ops: Op[] = []
    if (top && this.isKw('WITH')) {
      this.next()
      do {
        const t = this.t
        if (t.kind === 'ident' || t.kind === 'string') this.collections.add(this.next().value)
        else if (t.kind === 'dsparam') this.params.add('@' + this.next().value)
        else this.fail()
      } while (this.isOp(',') && this.next())
    }
    for (;;) {
      const t = this.t
      if (t.kind !== 'keyword') break
      const op = this.parseOp()
      if (!op) break
      ops.push(op)
      if (op.type === 'for' || op.type === 'traversal' || op.type === 'path' || op.type === 'collect') {
        this.inLoop = true
      }
      // `LET a = 1, b = 2` (grammar.y let_list): further assignments become consecutive LETs
      while (op.type === 'let' && this.isOp(',')) {
        this.next()
        ops.push(this.parseLetAssignment())
      }
      if (op.type === 'return') break
    }
    if (ops.length === 0) this.fail()
    const last = ops[ops.length - 1]!
    if (!['return', 'insert', 'update', 'replace', 'remove', 'upsert'].includes(last.type)) {
      this.fail()
    }
    return { ops }
  }

  private parseOp(): Op | null {
    const t = this.t
    switch (t.value) {
      case 'FOR':
        return this.parseFor()
      case 'LET':
        this.next()
        return this.parseLetAssignment()
      case 'FILTER':
        this.next()
        return { type: 'filter', expr: this.parseExpr() }
      case 'SEARCH':
        this.next()
        this.parseExpr()
        if (this.isWord('OPTIONS')) {
          this.next()
          this.parseObjectLiteralExpr()
        }
        return { type: 'search', pos: t.pos }
      case 'SORT': {
        this.next()
        const items: { expr: Expr; asc: boolean }[] = []
        do {
          const expr = this.parseExpr()
          items.push({ expr, ...this.parseSortDirection() })
        } while (this.isOp(',') && this.next())
        return { type: 'sort', items }
      }
      case 'LIMIT': {
        this.next()
        const a = this.parseExpr()
        if (this.isOp(',')) {
          this.next()
          return { type: 'limit', offset: a, count: this.parseExpr() }
        }
        return { type: 'limit', offset: { type: 'value', value: 0 }, count: a }
      }
      case 'RETURN': {
        this.next()
        let distinct = false
        if (this.isKw('DISTINCT')) {
          // grammar.y distinct_expression: only inside a FOR or COLLECT scope
          if (!this.inLoop) {
            const d = this.t
            throw parseError(
              this.text,
              'cannot use DISTINCT modifier on top-level query element',
              d.pos,
              d.line,
              d.col,
            )
          }
          this.next()
          distinct = true
        }
        return { type: 'return', expr: this.parseExpr(), distinct }
      }
      case 'COLLECT':
        return this.parseCollect()
      case 'WINDOW':
        return this.parseWindow()
      case 'INSERT': {
        this.next()
        const doc = this.parseDocExpr()
        if (!this.isKw('INTO') && !this.isKw('IN')) this.fail(this.t, 'INTO keyword')
        this.next()
        const coll = this.collRef()
        return { type: 'insert', doc, coll, options: this.optOptions() }
      }
      case 'UPDATE':
      case 'REPLACE': {
        this.next()
        const first = this.parseDocExpr()
        let key: Expr | undefined
        let doc = first
        if (this.isKw('WITH')) {
          this.next()
          key = first
          doc = this.parseDocExpr()
        }
        if (!this.isKw('INTO') && !this.isKw('IN')) this.fail()
        this.next()
        const coll = this.collRef()
        return {
          type: t.value === 'UPDATE' ? 'update' : 'replace',
          key,
          doc,
          coll,
          options: this.optOptions(),
        }
      }
      case 'REMOVE': {
        this.next()
        const key = this.parseDocExpr()
        if (!this.isKw('INTO') && !this.isKw('IN')) this.fail()
        this.next()
        const coll = this.collRef()
        return { type: 'remove', key, coll, options: this.optOptions() }
      }
      case 'UPSERT': {
        this.next()
        let search: Expr
        let searchVar: string | undefined
        if (this.isKw('FILTER')) {
          this.next()
          this.expansionDepth++
          search = this.parseExpr()
          this.expansionDepth--
          searchVar = 'CURRENT'
        } else search = this.parseExpr()
        this.expectKw('INSERT', 'INSERT command')
        const insert = this.parseExpr()
        let replace = false
        if (this.isKw('REPLACE')) replace = true
        else if (!this.isKw('UPDATE')) this.fail()
        this.next()
        const update = this.parseDocExpr()
        if (!this.isKw('INTO') && !this.isKw('IN')) this.fail()
        this.next()
        const coll = this.collRef()
        return {
          type: 'upsert',
          search,
          searchVar,
          insert,
          update,
          replace,
          coll,
          options: this.optOptions(),
        }
      }
      default:
        return null
    }
  }

  private parseLetAssignment(): Op {
    if (this.isOp('[') || this.isOp('{')) {
      const destructure = this.parsePattern()
      this.expectOp('=', 'assignment')
      return { type: 'let', var: `$destructure${this.i}`, expr: this.parseExpr(), destructure }
    }
    const v = this.varName()
    this.expectOp('=', 'assignment')
    return { type: 'let', var: v, expr: this.parseExpr() }
  }

  /**
   * grammar.y sort_direction: ASC, DESC or a simple value (a literal or a bind parameter). A
   * literal is decided here as ExecutionPlan::fromNodeSort does (sortDirectionOf); a bind
   * parameter is kept in `direction` for the executor to decide once it is bound.
   */
  private parseSortDirection(): { asc: boolean; direction?: Expr } {
    if (this.isKw('ASC')) {
      this.next()
      return { asc: true }
    }
    if (this.isKw('DESC')) {
      this.next()
      return { asc: false }
    }
    const t = this.t
    if (t.kind === 'param') {
      this.next()
      this.params.add(t.value)
      return { asc: true, direction: { type: 'param', name: t.value } }
    }
    if (t.kind === 'string' || t.kind === 'int' || t.kind === 'number') {
      this.next()
      const v: AqlValue = t.kind === 'string' ? t.value : Number(t.value)
      return { asc: sortDirectionOf(v) }
    }
    if (this.isKw('TRUE') || this.isKw('FALSE') || this.isKw('NULL')) {
      this.next()
      return { asc: sortDirectionOf(t.value === 'TRUE' ? true : t.value === 'FALSE' ? false : null) }
    }
    return { asc: true }
  }

  private optOptions(): Expr | undefined {
    if (this.isWord('OPTIONS')) {
      this.next()
      return this.parseObjectLiteralExpr()
    }
    return undefined
  }

  private parseObjectLiteralExpr(): Expr {
    if (!this.isOp('{') && this.t.kind !== 'param') this.fail(this.t, '{')
    return this.parsePrimary()
  }

  private collRef(): CollRef {
    const t = this.t
    if (t.kind === 'ident' || t.kind === 'string') {
      this.next()
      this.collections.add(t.value)
      return { name: t.value }
    }
    if (t.kind === 'dsparam') {
      this.next()
      this.params.add('@' + t.value)
      return { param: t.value }
    }
    return this.fail()
  }

  private parseFor(): Op {
    const forTok = this.next()
    let destructure: Pattern | undefined
    const vars: string[] = []
    if (this.isOp('[') || this.isOp('{')) {
      destructure = this.parsePattern()
      vars.push(`$destructure${this.i}`)
    } else vars.push(this.varName())
    while (this.isOp(',')) {
      this.next()
      vars.push(this.varName())
    }
    this.expectKw('IN', vars.length < 3 && !destructure ? 'IN keyword or ,' : 'IN keyword')
    const dirKw = (t: Token) => t.kind === 'keyword' && ['OUTBOUND', 'INBOUND', 'ANY'].includes(t.value)
    // grammar.y checkOutVariables: the number of output variables each FOR form allows
    const outVariables = (max: number, msg: string) => {
      if (vars.length > max) throw parseError(this.text, msg, forTok.pos, forTok.line, forTok.col)
    }
    let depth: Expr | undefined
    if (!dirKw(this.t)) {
      const expr = this.parseExpr()
      if (!dirKw(this.t)) {
        if (vars.length > 1)
          outVariables(1, 'Collections and views FOR loops only allow a single return variable')
        if (this.isKw('SEARCH')) {
          const s = this.t
          throw new ArangoError(
            9,
            501,
            `SEARCH (ArangoSearch views) is not implemented in the graphpipe embedded engine (at position ${s.line}:${s.col})`,
          )
        }
        const options = this.optOptions()
        if (expr.type === 'name') this.forSources.add(expr.name)
        return { type: 'for', var: vars[0]!, in: expr, options, pos: forTok.pos, destructure }
      }
      depth = expr
    }
    // grammar.y for_output_variables of a traversal or path search are names only
    if (destructure) this.fail()
    const direction = this.next().value as Direction
    const pathKinds = ['SHORTEST_PATH', 'K_SHORTEST_PATHS', 'K_PATHS', 'ALL_SHORTEST_PATHS']
    if (this.t.kind === 'keyword' && pathKinds.includes(this.t.value)) {
      const kind = this.next().value as 'SHORTEST_PATH'
      if (kind === 'SHORTEST_PATH') outVariables(2, 'SHORTEST_PATH must have one or two return variables')
      else outVariables(1, `${kind} only has one return variable`)
      const start = this.parseExpr()
      if (!this.isWord('TO')) this.fail(this.t, 'TO')
      this.next()
      const target = this.parseExpr()
      const graph = this.parseGraphSpec()
      const options = this.optOptions()
      let min: Expr | undefined
      let max: Expr | undefined
      if (depth) {
        if (depth.type === 'range') {
          min = depth.from
          max = depth.to
        } else min = max = depth
      }
      return { type: 'path', kind, vars, min, max, direction, start, target, graph, options }
    }
    outVariables(3, 'Traversals only have one, two or three return variables')
    const start = this.parseExpr()
    const graph = this.parseGraphSpec()
    let prune: { expr: Expr; var?: string } | undefined
    let options: Expr | undefined
    for (let k = 0; k < 2; k++) {
      if (this.isKw('PRUNE') && !prune) {
        this.next()
        if (this.t.kind === 'ident' && this.isOp('=', this.peek())) {
          const v = this.next().value
          this.next()
          prune = { var: v, expr: this.parseExpr() }
        } else prune = { expr: this.parseExpr() }
      } else if (this.isWord('OPTIONS') && !options) options = this.optOptions()
    }
    let min: Expr = { type: 'value', value: 1 }
    let max: Expr = min
    if (depth) {
      if (depth.type === 'range') {
        min = depth.from
        max = depth.to
      } else min = max = depth
    }
    return { type: 'traversal', vars, min, max, direction, start, graph, prune, options }
  }

  private parsePattern(): Pattern {
    if (this.isOp('[')) {
      this.next()
      const array: Pattern[] = []
      while (!this.isOp(']')) {
        if (this.isOp(',')) {
          this.next()
          array.push(null)
          continue
        }
        array.push(this.parsePattern())
        if (this.isOp(',')) this.next()
        else if (!this.isOp(']')) this.fail()
      }
      this.next()
      return { array }
    }
    if (this.isOp('{')) {
      this.next()
      const object: { key: string; target: Pattern }[] = []
      while (!this.isOp('}')) {
        const t = this.t
        if (t.kind !== 'ident' && t.kind !== 'string') this.fail()
        this.next()
        let target: Pattern = t.value
        if (this.isOp(':')) {
          this.next()
          target = this.parsePattern()
        }
        object.push({ key: t.value, target })
        if (this.isOp(',')) this.next()
        else if (!this.isOp('}')) this.fail()
      }
      this.next()
      return { object }
    }
    return this.varName()
  }

  private parseGraphSpec(): GraphSpec {
    if (this.isKw('GRAPH')) {
      this.next()
      const t = this.t
      if (t.kind === 'dsparam') {
        this.next()
        this.params.add('@' + t.value)
        return { graph: { param: t.value } }
      }
      if (t.kind === 'ident') {
        this.next()
        return { graph: { name: t.value } }
      }
      if (t.kind === 'string' || t.kind === 'param') return { graph: this.parsePrimary() }
      this.fail()
    }
    const edgeColls: { coll: CollRef; direction?: Direction }[] = []
    do {
      let direction: Direction | undefined
      if (this.t.kind === 'keyword' && ['OUTBOUND', 'INBOUND', 'ANY'].includes(this.t.value)) {
        direction = this.next().value as Direction
      }
      edgeColls.push({ coll: this.collRef(), direction })
    } while (this.isOp(',') && this.next())
    return { edgeColls }
  }

  private parseCollect(): Op {
    this.next()
    const groups: { var: string; expr: Expr }[] = []
    const aggregates: { var: string; fn: string; args: Expr[] }[] = []
    let into: { var: string; expr?: Expr } | undefined
    let keep: string[] | undefined
    let count: string | undefined
    if (this.isKw('WITH')) {
      this.next()
      if (!this.isWord('COUNT')) this.fail()
      this.next()
      this.expectKw('INTO', 'INTO keyword')
      count = this.varName()
      return { type: 'collect', groups, aggregates, count, options: this.optOptions() }
    }
    if (this.t.kind === 'ident' && this.isOp('=', this.peek())) {
      do {
        const v = this.varName()
        this.expectOp('=', 'assignment')
        groups.push({ var: v, expr: this.parseExpr() })
      } while (this.isOp(',') && this.next())
    }
    if (this.isKw('AGGREGATE')) {
      this.next()
      do {
        const v = this.varName()
        this.expectOp('=', 'assignment')
        const e = this.parseExpr()
        if (e.type !== 'call') {
          throw new ArangoError(1574, 400, 'invalid aggregate expression (while parsing)')
        }
        aggregates.push({ var: v, fn: e.name.toUpperCase(), args: e.args })
      } while (this.isOp(',') && this.next())
    }
    if (this.isKw('INTO')) {
      this.next()
      const v = this.varName()
      if (this.isOp('=')) {
        this.next()
        into = { var: v, expr: this.parseExpr() }
      } else into = { var: v }
      if (this.isWord('KEEP')) {
        this.next()
        keep = []
        do keep.push(this.varName())
        while (this.isOp(',') && this.next())
      }
    } else if (this.isKw('WITH')) {
      this.next()
      if (!this.isWord('COUNT')) this.fail()
      this.next()
      this.expectKw('INTO', 'INTO keyword')
      count = this.varName()
    }
    if (groups.length === 0 && aggregates.length === 0 && !count && !into) this.fail()
    return { type: 'collect', groups, aggregates, into, keep, count, options: this.optOptions() }
  }

  private parseWindow(): Op {
    this.next()
    let rangeExpr: Expr | undefined
    let spec: Expr
    if (this.isOp('{')) spec = this.parsePrimary()
    else {
      rangeExpr = this.parseExpr()
      this.expectKw('WITH', 'WITH keyword')
      spec = this.parsePrimary()
    }
    this.expectKw('AGGREGATE', 'AGGREGATE keyword')
    const aggregates: { var: string; fn: string; args: Expr[] }[] = []
    do {
      const v = this.varName()
      this.expectOp('=', 'assignment')
      const e = this.parseExpr()
      if (e.type !== 'call') throw new ArangoError(1574, 400, 'invalid aggregate expression (while parsing)')
      aggregates.push({ var: v, fn: e.name.toUpperCase(), args: e.args })
    } while (this.isOp(',') && this.next())
    return { type: 'window', spec, rangeExpr, aggregates }
  }
}

/**
 * A SORT direction given as a value (ExecutionPlan::fromNodeSort): the strings "ASC"/"DESC" in any
 * case, otherwise the value's truthiness (false, 0, "" and null sort descending).
 */
export function sortDirectionOf(v: AqlValue): boolean {
  if (typeof v === 'string') {
    const u = v.toUpperCase()
    if (u === 'ASC') return true
    if (u === 'DESC') return false
    return v !== ''
  }
  if (Array.isArray(v) || (v !== null && typeof v === 'object')) return true
  return typeof v === 'number' ? v !== 0 : v === true
}
