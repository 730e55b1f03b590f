/** Variable name -> frame slot, as the stages of one query level see them. */
export class Scope {
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
  /** The scope after a COLLECT: only the enclosing queries' variables remain. */
  reset(): Scope {
    return new Scope(new Map(this.outer), this.outer)
  }
  /** A new query level (subquery) seeing these variables; they are its outer ones. */
  enter(): Scope {
    return new Scope(new Map(this.vars), new Map(this.vars))
  }
  get(name: string): number | undefined {
    return this.vars.get(name)
  }
}
