import type { Database } from 'arangojs'

import { AQL_KEYWORDS, tokenize } from './aql-tokens.js'

/**
 * AQL functions with their argument lists, the hint shown when completing a name (from
 * docs.arangodb.com 3.12, "AQL functions"). A server that lists its functions
 * (GET /_api/aql-builtin, as ArangoDB's web UI uses) adds the rest.
 */
const FUNCTIONS: Record<string, string> = {
  LENGTH: '(anyValue)',
  COUNT: '(anyArray)',
  SUM: '(numArray)',
  AVERAGE: '(numArray)',
  AVG: '(numArray)',
  MIN: '(anyArray)',
  MAX: '(anyArray)',
  MEDIAN: '(numArray)',
  UNIQUE: '(anyArray)',
  SORTED: '(anyArray)',
  FIRST: '(anyArray)',
  LAST: '(anyArray)',
  NTH: '(anyArray, position)',
  PUSH: '(anyArray, value, unique)',
  APPEND: '(anyArray, values, unique)',
  FLATTEN: '(anyArray, depth)',
  SLICE: '(anyArray, start, length)',
  UNION: '(array1, array2, ...)',
  INTERSECTION: '(array1, array2, ...)',
  MINUS: '(array1, array2, ...)',
  POSITION: '(anyArray, search, returnIndex)',
  REVERSE: '(value)',
  RANGE: '(start, stop, step)',
  CONCAT: '(value1, value2, ...)',
  CONCAT_SEPARATOR: '(separator, value1, value2, ...)',
  CONTAINS: '(text, search, returnIndex)',
  LIKE: '(text, search, caseInsensitive)',
  LOWER: '(value)',
  UPPER: '(value)',
  SUBSTRING: '(value, offset, length)',
  SPLIT: '(value, separator, limit)',
  TRIM: '(value, type)',
  REGEX_TEST: '(text, search, caseInsensitive)',
  REGEX_REPLACE: '(text, search, replacement, caseInsensitive)',
  SUBSTITUTE: '(value, search, replace, limit)',
  TO_STRING: '(value)',
  TO_NUMBER: '(value)',
  TO_BOOL: '(value)',
  TO_ARRAY: '(value)',
  IS_NULL: '(value)',
  IS_STRING: '(value)',
  IS_NUMBER: '(value)',
  IS_ARRAY: '(value)',
  IS_OBJECT: '(value)',
  TYPENAME: '(value)',
  ATTRIBUTES: '(document, removeSystemAttrs, sort)',
  VALUES: '(document, removeSystemAttrs)',
  HAS: '(document, attributeName)',
  KEEP: '(document, attributeName1, ...)',
  UNSET: '(document, attributeName1, ...)',
  MERGE: '(document1, document2, ...)',
  ZIP: '(keys, values)',
  DOCUMENT: '(collection, id)',
  PARSE_IDENTIFIER: '(documentIdentifier)',
  MATCHES: '(document, examples, returnIndex)',
  DATE_NOW: '()',
  DATE_ISO8601: '(date)',
  DATE_TIMESTAMP: '(date)',
  DATE_FORMAT: '(date, format)',
  DATE_DIFF: '(date1, date2, unit, asFloat)',
  DATE_ADD: '(date, amount, unit)',
  DATE_YEAR: '(date)',
  ABS: '(value)',
  CEIL: '(value)',
  FLOOR: '(value)',
  ROUND: '(value)',
  SQRT: '(value)',
  POW: '(base, exp)',
  RAND: '()',
  DISTANCE: '(latitude1, longitude1, latitude2, longitude2)',
  GEO_DISTANCE: '(geoJsonA, geoJsonB, ellipsoid)',
  NOT_NULL: '(alternative, ...)',
  FIRST_DOCUMENT: '(alternative, ...)',
  SLEEP: '(seconds)',
  UUID: '()',
  COLLECTIONS: '()',
  CURRENT_DATABASE: '()',
  MD5: '(text)',
  SHA1: '(text)',
  JSON_STRINGIFY: '(value)',
  JSON_PARSE: '(text)',
  COUNT_DISTINCT: '(anyArray)',
  VARIANCE: '(numArray)',
  STDDEV: '(numArray)',
}

export const DOT_COMMANDS = [
  '.help',
  '.format',
  '.bind',
  '.out',
  '.x',
  '.pager',
  '.readonly',
  '.save',
  '.run',
  '.queries',
  '.refresh',
  '.exit',
]

interface Catalog {
  collections: string[]
  graphs: string[]
  functions: Record<string, string>
}

/**
 * Completion for the shell, from a catalog kept per session: it is loaded in the background at the
 * start and after {@link Completer.refresh}; a Tab never waits on the server. Attributes come from a
 * sample of the collection a variable iterates (`FOR u IN users FILTER u.<Tab>`), fetched on the
 * first Tab that needs them and cached.
 */
export class Completer {
  private catalog: Catalog = { collections: [], graphs: [], functions: { ...FUNCTIONS } }
  private loading: Promise<void> | undefined
  private readonly attributes = new Map<string, string[] | Promise<string[]>>()

  constructor(
    private readonly db: Database,
    /** Bind parameter names set or used in the session. */
    private readonly binds: () => Iterable<string>,
    /** How long a Tab may wait for a lookup it started (then it completes from what it has). */
    private readonly waitMs = 150,
  ) {}

  /** (Re)load collection and graph names (after a statement that creates or drops something). */
  refresh(): Promise<void> {
    this.attributes.clear()
    this.loading = (async () => {
      const [collections, graphs, builtins] = await Promise.all([
        this.db.listCollections(true).then(
          (l) => l.map((c) => c.name),
          () => this.catalog.collections,
        ),
        this.db.listGraphs().then(
          (l) => l.map((g) => String(g.name ?? g._key)),
          () => this.catalog.graphs,
        ),
        this.db.request({ method: 'GET', pathname: '/_api/aql-builtin' }).then(
          (r) => (r as { functions?: { name: string; arguments?: string }[] }).functions ?? [],
          () => [],
        ),
      ])
      const functions = { ...FUNCTIONS }
      for (const f of builtins)
        if (!(f.name in functions) && /^[A-Z_0-9]+$/.test(f.name))
          functions[f.name] = `(${f.arguments ?? ''})`
      this.catalog = { collections: collections.sort(), graphs: graphs.sort(), functions }
    })()
    return this.loading
  }

  /** readline's completer: `[candidates, the text they complete]`. `before` is the statement so far. */
  async complete(line: string, before = ''): Promise<[string[], string]> {
    if (/^\s*\.\S*$/.test(line) && before.trim() === '') {
      const word = line.trim()
      return [DOT_COMMANDS.filter((c) => c.startsWith(word)), word]
    }
    if (this.loading) {
      // a Tab right after the start waits a moment for the catalog, never longer than waitMs
      await Promise.race([this.loading, new Promise((r) => setTimeout(r, this.waitMs).unref())])
    }
    const text = `${before}\n${line}`
    const tokens = tokenize(text)
    const last = tokens.at(-1)
    if (last && (last.type === 'string' || last.type === 'comment')) return [[], '']
    const attr = /([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$/.exec(line)
    if (attr) {
      const collection = collectionOf(text, attr[1])
      if (!collection) return [[], attr[2]]
      const names = await this.attributesOf(collection)
      return [names.filter((n) => n.startsWith(attr[2])), attr[2]]
    }
    const bind = /@(@?[A-Za-z0-9_]*)$/.exec(line)
    if (bind) {
      const used = new Set<string>(this.binds())
      for (const t of tokens) if (t.type === 'bind') used.add(t.text.slice(1))
      return [
        [...used].map((b) => `@${b}`).filter((b) => b.startsWith(`@${bind[1]}`) && b !== `@${bind[1]}`),
        `@${bind[1]}`,
      ]
    }
    const word = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line)?.[0] ?? ''
    if (word === '') return [[], '']
    const up = word.toUpperCase()
    const lower = word === word.toLowerCase()
    const keywords = AQL_KEYWORDS.filter((k) => k.startsWith(up)).map((k) => (lower ? k.toLowerCase() : k))
    const functions = Object.keys(this.catalog.functions)
      .filter((f) => f.startsWith(up))
      .map((f) => `${lower ? f.toLowerCase() : f}(`)
    const names = [...this.catalog.collections, ...this.catalog.graphs].filter((n) => n.startsWith(word))
    const all = [...new Set([...names, ...keywords, ...functions])]
    return [all, word]
  }

  /** `NAME(args)` hints for the functions among the candidates (shown when several match). */
  hint(name: string): string | undefined {
    const n = name.replace(/\($/, '').toUpperCase()
    const args = this.catalog.functions[n]
    return args === undefined ? undefined : `${n}${args}`
  }

  private async attributesOf(collection: string): Promise<string[]> {
    let known = this.attributes.get(collection)
    if (!known) {
      const lookup = this.db
        .query({
          query: 'FOR d IN @@c LIMIT 50 FOR a IN ATTRIBUTES(d) COLLECT n = a RETURN n',
          bindVars: { '@c': collection },
        })
        .then((c) => c.all() as Promise<string[]>)
        .then(
          (names) => {
            this.attributes.set(collection, names)
            return names
          },
          () => {
            this.attributes.set(collection, [])
            return []
          },
        )
      this.attributes.set(collection, lookup)
      known = lookup
    }
    if (Array.isArray(known)) return known
    const timer = new Promise<string[]>((r) => setTimeout(() => r([]), this.waitMs).unref())
    return Promise.race([known, timer])
  }

  /** The loading in progress, for tests. */
  get ready(): Promise<void> {
    return this.loading ?? Promise.resolve()
  }
}

/** The collection a variable iterates in the statement: `FOR v IN coll`, the last such FOR. */
export function collectionOf(text: string, variable: string): string | undefined {
  const re = new RegExp(`\\bFOR\\s+${variable}\\s+IN\\s+([A-Za-z_][A-Za-z0-9_-]*)\\b`, 'gi')
  let found: string | undefined
  for (const m of text.matchAll(re)) found = m[1]
  return found
}
