/**
 * The AQL parser's token cursor (parser.ts and parse-expr.ts build on it): where it is in the
 * token list, what the query declared and used so far, and the syntax errors as arangod words them.
 */
import type { Token } from './lexer.js'
import { describeToken, parseError } from './lexer.js'

export abstract class TokenCursor {
  protected i = 0
  readonly params = new Set<string>()
  readonly collections = new Set<string>()
  /** Names used as FOR sources; collections unless declared as variables (for /_api/query). */
  readonly forSources = new Set<string>()
  readonly declared = new Set<string>()
  protected expansionDepth = 0
  /** Recursion depth of the expression parser (limits.ts). */
  protected depth = 0
  /** A FOR / traversal / path / COLLECT came before in the current query body (RETURN DISTINCT). */
  protected inLoop = false
  /** Inside INSERT/UPDATE/… document expressions a top-level IN starts the collection clause. */
  protected noIn = false

  constructor(
    protected readonly text: string,
    protected readonly toks: Token[],
  ) {}

  protected get t(): Token {
    return this.toks[this.i]!
  }
  protected peek(k = 1): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!
  }
  protected next(): Token {
    const t = this.toks[this.i]!
    if (this.i < this.toks.length - 1) this.i++
    return t
  }
  protected isKw(v: string, t: Token = this.t): boolean {
    return t.kind === 'keyword' && t.value === v
  }
  protected isOp(v: string, t: Token = this.t): boolean {
    return t.kind === 'op' && t.value === v
  }
  /** Contextual words that are plain identifiers to the lexer (OPTIONS, TO, COUNT, KEEP). */
  protected isWord(v: string, t: Token = this.t): boolean {
    return t.kind === 'ident' && !t.quoted && t.value.toUpperCase() === v
  }

  fail(t: Token = this.t, expecting?: string): never {
    let msg = `syntax error, unexpected ${describeToken(t)}`
    if (expecting) msg += `, expecting ${expecting}`
    throw parseError(this.text, msg, t.pos, t.line, t.col)
  }
  /** `expecting` is named only where the grammar allows exactly that token (bison lists alternatives). */
  protected expectOp(v: string, expecting?: string): Token {
    if (!this.isOp(v)) this.fail(this.t, expecting)
    return this.next()
  }
  protected expectKw(v: string, desc: string): Token {
    if (!this.isKw(v)) this.fail(this.t, desc)
    return this.next()
  }
  expectEnd(): void {
    if (this.t.kind !== 'eof') this.fail()
  }

  protected ident(): string {
    const t = this.t
    if (t.kind !== 'ident') this.fail(t)
    this.next()
    return t.value
  }

  /** Variable names: identifiers (quoted allowed). */
  protected varName(): string {
    const v = this.ident()
    this.declared.add(v)
    return v
  }
}
