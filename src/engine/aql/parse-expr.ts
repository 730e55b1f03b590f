/**
 * The AQL parser's expressions (recursive descent). Operator precedence follows
 * docs.arangodb.com/3.12/aql/operators/#operator-precedence (loosest first): `?:`, `||`, `&&`,
 * `== != LIKE =~ !~`, `IN`/`NOT IN`, `< <= > >=`, `..`, `+ -`, `* / %`, unary, access. A
 * subquery in an expression is a query body: parser.ts parses it (`parseQueryBody`).
 */
import type { BinaryOp, Expr, Query } from './ast.js'
import type { Token } from './lexer.js'
import type { AqlValue } from './values.js'
import { MAX_EXPRESSION_NESTING, tooMuchNesting } from './limits.js'
import { TokenCursor } from './parse-cursor.js'

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

export abstract class ExprParser extends TokenCursor {
  /** A query body (parser.ts): subqueries in expressions. */
  abstract parseQueryBody(top: boolean): Query

  parseExpr(): Expr {
    return this.parseTernary()
  }

  /** Every nested expression (parentheses, arrays, objects, calls, subqueries, unary chains). */
  protected parseTernary(): Expr {
    return this.nested(() => this.parseTernaryInner())
  }

  protected nested(parse: () => Expr): Expr {
    if (++this.depth > MAX_EXPRESSION_NESTING) throw tooMuchNesting()
    try {
      return parse()
    } finally {
      this.depth--
    }
  }

  protected parseTernaryInner(): Expr {
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

  protected parseOr(): Expr {
    let left = this.parseAnd()
    while (this.isOp('||') || this.isKw('OR')) {
      this.next()
      left = { type: 'or', left, right: this.parseAnd() }
    }
    return left
  }

  protected parseAnd(): Expr {
    let left = this.parseEquality()
    while (this.isOp('&&') || this.isKw('AND')) {
      this.next()
      left = { type: 'and', left, right: this.parseEquality() }
    }
    return left
  }

  /** ALL/ANY/NONE/AT LEAST (n) before a comparison operator. */
  protected quantifier(ops: string[]): { quant: 'ALL' | 'ANY' | 'NONE' | 'AT_LEAST'; count?: Expr } | null {
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

  protected binary(op: BinaryOp, left: Expr, right: Expr, q: ReturnType<ExprParser['quantifier']>): Expr {
    if (q) return { type: 'quant', quant: q.quant, count: q.count, op, left, right }
    return { type: 'binary', op, left, right }
  }

  protected parseEquality(): Expr {
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

  protected parseIn(): Expr {
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

  protected parseRelational(): Expr {
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

  protected parseRange(): Expr {
    const left = this.parseAdditive()
    if (this.isOp('..')) {
      this.next()
      return { type: 'range', from: left, to: this.parseAdditive() }
    }
    return left
  }

  protected parseAdditive(): Expr {
    let left = this.parseMultiplicative()
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().value as BinaryOp
      left = { type: 'binary', op, left, right: this.parseMultiplicative() }
    }
    return left
  }

  protected parseMultiplicative(): Expr {
    let left = this.parseUnary()
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.next().value as BinaryOp
      left = { type: 'binary', op, left, right: this.parseUnary() }
    }
    return left
  }

  protected parseUnary(): Expr {
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
  protected parsePostfix(base: Expr, stopAtFlatten = false): Expr {
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
  protected parseQuestionMark(arr: Expr): Expr {
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

  protected isSubqueryStart(): boolean {
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
  protected parseDocExpr(): Expr {
    const save = this.noIn
    this.noIn = true
    try {
      return this.parseExpr()
    } finally {
      this.noIn = save
    }
  }

  protected parsePrimaryInner(): Expr {
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

  protected parseCall(name: string, t: Token, consumed = false): Expr {
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

  protected parseObject(): Expr {
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
