/**
 * The AQL function library: every function the embedded engine implements, keyed by UPPERCASE
 * name, and the names ArangoDB 3.12 knows that it does not (the executor answers those with
 * 501 / errorNum 9). Contract: ./types.ts. The list of names comes from arangod's
 * AqlFunctionFeature (plus the ArangoSearch and vector functions registered elsewhere).
 */
import type { AqlFunctionDef } from './types.js'
import { ARRAY_FUNCTIONS } from './arrays.js'
import { BIT_FUNCTIONS } from './bit.js'
import { CAST_FUNCTIONS } from './casts.js'
import { DATE_FUNCTIONS } from './dates.js'
import { DOCUMENT_FUNCTIONS } from './documents.js'
import { GEO_FUNCTIONS } from './geo.js'
import { MISC_FUNCTIONS } from './misc.js'
import { NUMERIC_FUNCTIONS } from './numeric.js'
import { STRING_FUNCTIONS } from './strings.js'

const BASE: Record<string, AqlFunctionDef> = {
  ...CAST_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...NUMERIC_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...DOCUMENT_FUNCTIONS,
  ...GEO_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...MISC_FUNCTIONS,
  ...BIT_FUNCTIONS,
}

/** ArangoDB's aliases (AqlFunctionFeature::addAlias). */
const ALIASES: Record<string, string> = {
  IS_LIST: 'IS_ARRAY',
  IS_DOCUMENT: 'IS_OBJECT',
  TO_LIST: 'TO_ARRAY',
  COUNT: 'LENGTH',
  AVG: 'AVERAGE',
  VARIANCE: 'VARIANCE_POPULATION',
  STDDEV: 'STDDEV_POPULATION',
  COUNT_UNIQUE: 'COUNT_DISTINCT',
  CONTAINS_ARRAY: 'POSITION',
  KEYS: 'ATTRIBUTES',
}

export const FUNCTIONS: Record<string, AqlFunctionDef> = { ...BASE }
for (const [alias, name] of Object.entries(ALIASES)) FUNCTIONS[alias] = BASE[name]!

/**
 * Known to ArangoDB 3.12, not implemented here, with the reason (docs/aql-functions.md lists them):
 * ArangoSearch and analyzers, index-backed geo/fulltext/vector lookups, clusters, user-defined
 * functions, and functions whose results depend on ArangoDB internals we cannot reproduce.
 */
export const UNSUPPORTED_REASONS: Readonly<Record<string, string>> = {
  // ArangoSearch (views and analyzers)
  ANALYZER: 'ArangoSearch',
  BOOST: 'ArangoSearch',
  EXISTS: 'ArangoSearch',
  MIN_MATCH: 'ArangoSearch',
  PHRASE: 'ArangoSearch',
  BM25: 'ArangoSearch',
  TFIDF: 'ArangoSearch',
  OFFSET_INFO: 'ArangoSearch',
  TOKENS: 'ArangoSearch analyzers',
  NGRAM_MATCH: 'ArangoSearch analyzers',
  MINHASH_MATCH: 'ArangoSearch analyzers',
  MINHASH: "iresearch's MinHash hashing is not reproduced",
  // index-backed lookups
  NEAR: 'geo index',
  WITHIN: 'geo index',
  WITHIN_RECTANGLE: 'geo index',
  FULLTEXT: 'fulltext index',
  APPROX_NEAR_COSINE: 'vector index',
  APPROX_NEAR_L2: 'vector index',
  APPROX_NEAR_INNER_PRODUCT: 'vector index',
  // clusters and Pregel
  SHARD_ID: 'cluster',
  PREGEL_RESULT: 'Pregel',
  // the V8 bridge
  V8: 'JavaScript',
  // results tied to ArangoDB internals
  SCHEMA_VALIDATE: 'JSON Schema validation',
}

export const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(UNSUPPORTED_REASONS))

/**
 * CALL and APPLY pick their function (a built-in or a user-defined one) at run time, so the
 * expression compiler (expr/compile.ts, dynamicCall) compiles them itself instead of looking them up here.
 */
export const DYNAMIC_CALLS: ReadonlySet<string> = new Set(['CALL', 'APPLY'])
