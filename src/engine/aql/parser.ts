/**
 * Recursive-descent AQL parser producing the typed AST of ast.ts. Operator precedence follows
 * docs.arangodb.com/3.12/aql/operators/#operator-precedence (loosest first): `?:`, `||`, `&&`,
 * `== != LIKE =~ !~`, `IN`/`NOT IN`, `< <= > >=`, `..`, `+ -`, `* / %`, unary, access.
 */
import { ArangoError } from '../errors.js'
import type { BinaryOp, CollRef, Direction, Expr, GraphSpec, Op, Pattern, Query } from './ast.js'
import { describeToken, parseError, tokenize, type Token } from './lexer.js'
import { checkScopes } from './scopes.js'
import { checkNesting, MAX_EXPRESSION_NESTING, tooMuchNesting, withinStack } from './limits.js'
import type { AqlValue } from './values.js'

const QUERY_START = new Set([
  'FOR',
  'LET',
  'RETURN',
  'COLLECT',
  'INSERT',
  'UPDATE',
  'REPLACE',
  'REMOVE',
  'UPSERT',
  'WITH',
  'FILTER',
  'SORT',
  'LIMIT',
  'WINDOW',
])

/** Argument positions declared "h" (collection name) in arangod's AqlFunctionFeature. */
const COLLECTION_NAME_ARGS: Record<string, number[]> = {
  IS_SAME_COLLECTION: [0, 1],
  COLLECTION_COUNT: [0],
  DOCUMENT: [0],
}

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

class Parser {
  private i = 0
  readonly params = new Set<string>()
  readonly collections = new Set<string>()
  /** Names used as FOR sources; collections unless declared as variables (for /_api/query). */
  readonly forSources = new Set<string>()
  readonly declared = new Set<string>()
  private expansionDepth = 0
  /** Recursion depth of the expression parser (limits.ts). */
  private depth = 0
  /** A FOR / traversal / path / COLLECT came before in the current query body (RETURN DISTINCT). */
  private inLoop = false
  /** Inside INSERT/UPDATE/… document expressions a top-level IN starts the collection clause. */
  private noIn = false

  constructor(
    private readonly text: string,
    private readonly toks: Token[],
  ) {}

  private get t(): Token {
    return this.toks[this.i]!
  }
  private peek(k = 1): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!
  }
  private next(): Token {
    const t = this.toks[this.i]!
    if (this.i < this.toks.length - 1) this.i++
    return t
  }
  private isKw(v: string, t: Token = this.t): boolean {
    return t.kind === 'keyword' && t.value === v
  }
  private isOp(v: string, t: Token = this.t): boolean {
    return t.kind === 'op' && t.value === v
  }
  /** Contextual words that are plain identifiers to the lexer (OPTIONS, TO, COUNT, KEEP). */
  private isWord(v: string, t: Token = this.t): boolean {
    return t.kind === 'ident' && !t.quoted && t.value.toUpperCase() === v
  }

  fail(t: Token = this.t, expecting?: string): never {
    let msg = `syntax error, unexpected ${describeToken(t)}`
    if (expecting) msg += `, expecting ${expecting}`
    throw parseError(this.text, msg, t.pos, t.line, t.col)
  }
  /** `expecting` is named only where the grammar allows exactly that token (bison lists alternatives). */
  private expectOp(v: string, expecting?: string): Token {
    if (!this.isOp(v)) this.fail(this.t, expecting)
    return this.next()
  }
  private expectKw(v: string, desc: string): Token {
    if (!this.isKw(v)) this.fail(this.t, desc)
    return this.next()
  }
  expectEnd(): void {
    if (this.t.kind !== 'eof') this.fail()
  }

  private ident(): string {
    const t = this.t
    if (t.kind !== 'ident') this.fail(t)
    this.next()
    return t.value
  }

  /** Variable names: identifiers (quoted allowed). */
  private varName(): string {
    const v = this.ident()
    this.declared.add(v)
    return v
  }

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

  // ---------------------------------------------------------------- expressions

  parseExpr(): Expr {
    return this.parseTernary()
  }

  /** Every nested expression (parentheses, arrays, objects, calls, subqueries, unary chains). */
  private parseTernary(): Expr {
    return this.nested(() => this.parseTernaryInner())
  }

  private nested(parse: () => Expr): Expr {
    if (++this.depth > MAX_EXPRESSION_NESTING) throw tooMuchNesting()
    try {
      return parse()
    } finally {
      this.depth--
    }
  }

  private parseTernaryInner(): Expr {
    const cond = this.parseOr()
    if (this.isOp('?')) {
      this.next()
      if (this.isOp(':')) {
        this.next()
        return { type: 'ternary', cond, then: null, else: this.parseTernary() }
      }
      const then = this.parseTernary()
      this.expectOp(':')
      return { type: 'ternary', cond, then, else: this.parseTernary() }
    }
    return cond
  }

  private parseOr(): Expr {
    let left = this.parseAnd()
    while (this.isOp('||') || this.isKw('OR')) {
      this.next()
      left = { type: 'or', left, right: this.parseAnd() }
    }
    return left
  }

  private parseAnd(): Expr {
    let left = this.parseEquality()
    while (this.isOp('&&') || this.isKw('AND')) {
      this.next()
      left = { type: 'and', left, right: this.parseEquality() }
    }
    return left
  }

  /** ALL/ANY/NONE/AT LEAST (n) before a comparison operator. */
  private quantifier(ops: string[]): { quant: 'ALL' | 'ANY' | 'NONE' | 'AT_LEAST'; count?: Expr } | null {
    const t = this.t
    if (t.kind !== 'keyword') return null
    const isCmp = (x: Token, y: Token) =>
      (x.kind === 'op' && ops.includes(x.value)) ||
      (x.kind === 'keyword' && ops.includes(x.value)) ||
      (ops.includes('NOT IN') && this.isKw('NOT', x) && this.isKw('IN', y))
    if ((t.value === 'ALL' || t.value === 'ANY' || t.value === 'NONE') && isCmp(this.peek(), this.peek(2))) {
      this.next()
      return { quant: t.value }
    }
    if (t.value === 'AT' && this.isWord('LEAST', this.peek())) {
      const save = this.i
      this.next()
      this.next()
      this.expectOp('(')
      const count = this.parseExpr()
      this.expectOp(')')
      if (isCmp(this.t, this.peek())) return { quant: 'AT_LEAST', count }
      this.i = save
    }
    return null
  }

  private binary(op: BinaryOp, left: Expr, right: Expr, q: ReturnType<Parser['quantifier']>): Expr {
    if (q) return { type: 'quant', quant: q.quant, count: q.count, op, left, right }
    return { type: 'binary', op, left, right }
  }

  private parseEquality(): Expr {
    let left = this.parseIn()
    for (;;) {
      const q = this.quantifier(['==', '!=', 'LIKE'])
      const t = this.t
      if (t.kind === 'op' && (t.value === '==' || t.value === '!=' || t.value === '=~' || t.value === '!~')) {
        this.next()
        left = this.binary(t.value as BinaryOp, left, this.parseIn(), q)
      } else if (this.isKw('LIKE')) {
        this.next()
        left = this.binary('LIKE', left, this.parseIn(), q)
      } else if (this.isKw('NOT') && this.isKw('LIKE', this.peek())) {
        this.next()
        this.next()
        left = this.binary('NOT LIKE', left, this.parseIn(), q)
      } else if (q) this.fail()
      else return left
    }
  }

  private parseIn(): Expr {
    let left = this.parseRelational()
    for (;;) {
      const save = this.i
      if (this.noIn && (this.isKw('IN') || this.isKw('INTO'))) return left
      const q = this.quantifier(['IN', 'NOT IN'])
      if (this.isKw('IN')) {
        this.next()
        left = this.binary('IN', left, this.parseRelational(), q)
      } else if (this.isKw('NOT') && this.isKw('IN', this.peek())) {
        this.next()
        this.next()
        left = this.binary('NOT IN', left, this.parseRelational(), q)
      } else {
        this.i = save
        return left
      }
    }
  }

  private parseRelational(): Expr {
    let left = this.parseRange()
    for (;;) {
      const save = this.i
      const q = this.quantifier(['<', '<=', '>', '>='])
      const t = this.t
      if (t.kind === 'op' && (t.value === '<' || t.value === '<=' || t.value === '>' || t.value === '>=')) {
        this.next()
        left = this.binary(t.value as BinaryOp, left, this.parseRange(), q)
      } else {
        this.i = save
        return left
      }
    }
  }

  private parseRange(): Expr {
    const left = this.parseAdditive()
    if (this.isOp('..')) {
      this.next()
      return { type: 'range', from: left, to: this.parseAdditive() }
    }
    return left
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative()
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as BinaryOp
      left = { type: 'binary', op, left, right: this.parseMultiplicative() }
    }
    return left
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary()
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().value as BinaryOp
      left = { type: 'binary', op, left, right: this.parseUnary() }
    }
    return left
  }

  private parseUnary(): Expr {
    if (this.isOp('!') || (this.isKw('NOT') && !this.isOp('(', this.peek()))) {
      this.next()
      return { type: 'unary', op: '!', arg: this.nested(() => this.parseUnary()) }
    }
    if (this.isKw('NOT')) {
      this.next()
      return { type: 'unary', op: '!', arg: this.nested(() => this.parseUnary()) }
    }
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().value as '-' | '+'
      const arg = this.nested(() => this.parseUnary())
      if (op === '-' && arg.type === 'value' && typeof arg.value === 'number') {
        return { type: 'value', value: -arg.value }
      }
      return { type: 'unary', op, arg }
    }
    return this.parsePostfix(this.parsePrimary())
  }

  /**
   * `stopAtFlatten`: inside an expansion's projection chain, a following `[**]` (two or more stars)
   * is not part of the projection: grammar.y wraps the expansion built so far in a passthru node
   * ("reduces and evaluates the expansion first") and applies the contraction to its whole result,
   * so `a[*].b[**].c` flattens across the elements of `a` while `a[*].b[*].c` nests.
   */
  private parsePostfix(base: Expr, stopAtFlatten = false): Expr {
    let e = base
    for (;;) {
      if (this.isOp('.')) {
        this.next()
        const t = this.t
        if (t.kind === 'ident' || t.kind === 'keyword' || t.kind === 'string') {
          this.next()
          // keywords keep their original spelling as attribute names
          const name = t.kind === 'keyword' ? this.text.slice(t.pos, t.pos + t.value.length) : t.value
          e = { type: 'attr', obj: e, name }
        } else if (t.kind === 'param') {
          this.next()
          this.params.add(t.value)
          e = { type: 'index', obj: e, index: { type: 'param', name: t.value } }
        } else if (t.kind === 'int') {
          this.fail()
        } else this.fail()
        continue
      }
      if (this.isOp('[') && this.isOp('?', this.peek())) {
        e = this.parseQuestionMark(e)
        continue
      }
      if (this.isOp('[')) {
        // count the stars: [*], [**], [***] ...
        let k = 1
        let stars = 0
        while (this.isOp('*', this.peek(k))) {
          stars++
          k++
        }
        if (stars > 1 && stopAtFlatten) return e
        if (stars > 0) {
          this.i += k
          this.expansionDepth++
          const node: Extract<Expr, { type: 'expand' }> = { type: 'expand', obj: e, depth: stars }
          if (this.isKw('FILTER')) {
            this.next()
            node.filter = this.parseExpr()
          }
          if (this.isKw('LIMIT')) {
            this.next()
            const a = this.parseExpr()
            if (this.isOp(',')) {
              this.next()
              node.limit = { offset: a, count: this.parseExpr() }
            } else node.limit = { offset: { type: 'value', value: 0 }, count: a }
          }
          if (this.isKw('RETURN')) {
            this.next()
            node.ret = this.parseExpr()
          }
          this.expectOp(']')
          this.expansionDepth--
          const inner = this.parsePostfix({ type: 'current' }, true)
          if (inner.type !== 'current') node.inner = inner
          // only a contraction can follow here (see stopAtFlatten); it applies to the whole result
          e = node
          continue
        }
        this.next()
        const saveNoIn = this.noIn
        this.noIn = false
        const index = this.parseExpr()
        this.noIn = saveNoIn
        this.expectOp(']')
        e = { type: 'index', obj: e, index }
        continue
      }
      return e
    }
  }

  /**
   * The question-mark operator (3.12 manual, Array Operators): `arr[? q FILTER cond]` is the
   * manual's own equivalent, an inline filter with a length check, so it is desugared here:
   * n → LENGTH(arr[* FILTER c]) == n, a..b → IN_RANGE(…, a, b, true, true), NONE → == 0,
   * ANY (the default) → > 0, ALL → == LENGTH(arr), AT LEAST (n) → >= n.
   */
  private parseQuestionMark(arr: Expr): Expr {
    this.next() // [
    this.next() // ?
    const value = (v: AqlValue): Expr => ({ type: 'value', value: v })
    const len = (x: Expr): Expr => ({ type: 'call', name: 'LENGTH', args: [x], pos: this.t.pos })
    let check: (n: Expr) => Expr = (n) => ({ type: 'binary', op: '>', left: n, right: value(0) })
    if (this.isKw('NONE')) {
      this.next()
      check = (n) => ({ type: 'binary', op: '==', left: n, right: value(0) })
    } else if (this.isKw('ANY')) this.next()
    else if (this.isKw('ALL')) {
      this.next()
      check = (n) => ({ type: 'binary', op: '==', left: n, right: len(arr) })
    } else if (this.isKw('AT') && this.isWord('LEAST', this.peek())) {
      this.next()
      this.next()
      this.expectOp('(')
      const min = this.parseExpr()
      this.expectOp(')')
      check = (n) => ({ type: 'binary', op: '>=', left: n, right: min })
    } else if (!this.isKw('FILTER') && !this.isOp(']')) {
      const q = this.parseRange()
      check =
        q.type === 'range'
          ? (n) => ({
              type: 'call',
              name: 'IN_RANGE',
              args: [n, q.from, q.to, value(true), value(true)],
              pos: this.t.pos,
            })
          : (n) => ({ type: 'binary', op: '==', left: n, right: q })
    }
    const node: Extract<Expr, { type: 'expand' }> = { type: 'expand', obj: arr, depth: 1 }
    if (this.isKw('FILTER')) {
      this.next()
      this.expansionDepth++
      node.filter = this.parseExpr()
      this.expansionDepth--
    }
    this.expectOp(']')
    return check(len(node))
  }

  private isSubqueryStart(): boolean {
    const t = this.t
    return t.kind === 'keyword' && QUERY_START.has(t.value) && !(t.value === 'WITH')
  }

  parsePrimary(): Expr {
    const save = this.noIn
    this.noIn = false
    try {
      return this.parsePrimaryInner()
    } finally {
      this.noIn = save
    }
  }

  /** An expression followed by IN/INTO <collection> (data-modification operands). */
  private parseDocExpr(): Expr {
    const save = this.noIn
    this.noIn = true
    try {
      return this.parseExpr()
    } finally {
      this.noIn = save
    }
  }

  private parsePrimaryInner(): Expr {
    const t = this.t
    switch (t.kind) {
      case 'int':
      case 'number':
        this.next()
        return { type: 'value', value: Number(t.value) }
      case 'string':
        this.next()
        return { type: 'value', value: t.value }
      case 'param':
        this.next()
        this.params.add(t.value)
        return { type: 'param', name: t.value }
      case 'dsparam':
        this.next()
        this.params.add('@' + t.value)
        return { type: 'dsparam', name: t.value }
      case 'keyword':
        if (t.value === 'NULL') {
          this.next()
          return { type: 'value', value: null }
        }
        if (t.value === 'TRUE' || t.value === 'FALSE') {
          this.next()
          return { type: 'value', value: t.value === 'TRUE' }
        }
        // function names that are also keywords: LIKE(), etc.
        if (this.isOp('(', this.peek()) && (t.value === 'LIKE' || t.value === 'NOT')) {
          return this.parseCall(t.value, t)
        }
        return this.fail()
      case 'ident': {
        this.next()
        let name = t.value
        if (!t.quoted && this.isOp('::')) {
          while (this.isOp('::')) {
            this.next()
            name += '::' + this.ident()
          }
          if (!this.isOp('(')) this.fail()
        }
        if (!t.quoted && this.isOp('(')) return this.parseCall(name, t, true)
        if (!t.quoted && this.expansionDepth > 0 && name.toUpperCase() === 'CURRENT')
          return { type: 'current' }
        return { type: 'name', name }
      }
      case 'op':
        if (t.value === '(') {
          this.next()
          if (this.isSubqueryStart()) {
            const query = this.parseQueryBody(false)
            this.expectOp(')')
            return { type: 'subquery', query }
          }
          const e = this.parseExpr()
          this.expectOp(')')
          return e
        }
        if (t.value === '[') {
          this.next()
          const items: Expr[] = []
          while (!this.isOp(']')) {
            items.push(this.parseExpr())
            if (this.isOp(',')) this.next()
            else if (!this.isOp(']')) this.fail()
          }
          this.next()
          if (items.every((x) => x.type === 'value')) {
            return { type: 'value', value: items.map((x) => (x as { value: AqlValue }).value) }
          }
          return { type: 'array', items }
        }
        if (t.value === '{') return this.parseObject()
        return this.fail()
      default:
        return this.fail()
    }
  }

  private parseCall(name: string, t: Token, consumed = false): Expr {
    if (!consumed) this.next()
    this.expectOp('(')
    const args: Expr[] = []
    while (!this.isOp(')')) {
      // grammar.y function_arguments_list: each argument is an expression or a bare subquery,
      // as in APPEND(FOR i IN a RETURN i, FOR j IN b RETURN j)
      if (this.isSubqueryStart()) {
        const save = this.noIn
        this.noIn = false
        args.push({ type: 'subquery', query: this.parseQueryBody(false) })
        this.noIn = save
      } else args.push(this.parseExpr())
      if (this.isOp(',')) this.next()
      else if (!this.isOp(')')) this.fail()
    }
    this.next()
    // AqlFunctionFeature's "h" parameters take a collection by name: a bare name that is no
    // variable is a collection there, and the parser passes it on as its name (Ast conversion)
    const positions = COLLECTION_NAME_ARGS[name.toUpperCase()]
    if (positions) {
      for (const i of positions) {
        const a = args[i]
        if (a?.type === 'name' && !this.declared.has(a.name)) {
          this.collections.add(a.name)
          args[i] = { type: 'value', value: a.name }
        }
      }
    }
    return { type: 'call', name, args, pos: t.pos }
  }

  private parseObject(): Expr {
    this.next()
    const entries: { key: string | Expr; value: Expr }[] = []
    while (!this.isOp('}')) {
      const t = this.t
      let key: string | Expr
      if (t.kind === 'ident' || t.kind === 'keyword') {
        this.next()
        key = t.kind === 'keyword' ? this.text.slice(t.pos, t.pos + t.value.length) : t.value
        if (!this.isOp(':')) {
          if (t.kind !== 'ident') this.fail()
          // shorthand {a} means {a: a}
          entries.push({ key: key, value: { type: 'name', name: key, shorthandAt: this.t.pos } })
          if (this.isOp(',')) this.next()
          else if (!this.isOp('}')) this.fail()
          continue
        }
      } else if (t.kind === 'string' || t.kind === 'int' || t.kind === 'number') {
        this.next()
        key = t.value
      } else if (t.kind === 'param') {
        this.next()
        this.params.add(t.value)
        key = { type: 'param', name: t.value }
      } else if (this.isOp('[')) {
        this.next()
        key = this.parseExpr()
        this.expectOp(']')
      } else this.fail()
      this.expectOp(':', ':')
      entries.push({ key, value: this.parseExpr() })
      if (this.isOp(',')) this.next()
      else if (!this.isOp('}')) this.fail()
    }
    this.next()
    if (entries.every((e) => typeof e.key === 'string' && e.value.type === 'value')) {
      const o: Record<string, unknown> = {}
      for (const e of entries) o[e.key as string] = (e.value as { value: unknown }).value
      return { type: 'value', value: o as never }
    }
    return { type: 'object', entries }
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
