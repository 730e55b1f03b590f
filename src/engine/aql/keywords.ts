/**
 * AQL's keywords, the one list the engine's lexer and the shell's highlighter and completion share
 * (docs.arangodb.com/3.12/aql/fundamentals/syntax/#keywords).
 */

/** Reserved words: never a plain name unless quoted. */
export const RESERVED_KEYWORDS = [
  'FOR',
  'RETURN',
  'FILTER',
  'SEARCH',
  'SORT',
  'LIMIT',
  'LET',
  'COLLECT',
  'WINDOW',
  'INSERT',
  'UPDATE',
  'REPLACE',
  'REMOVE',
  'UPSERT',
  'WITH',
  'AGGREGATE',
  'ALL',
  'ALL_SHORTEST_PATHS',
  'AND',
  'ANY',
  'ASC',
  'AT',
  'DESC',
  'DISTINCT',
  'FALSE',
  'GRAPH',
  'IN',
  'INBOUND',
  'INTO',
  'K_PATHS',
  'K_SHORTEST_PATHS',
  'LIKE',
  'NONE',
  'NOT',
  'NULL',
  'OR',
  'OUTBOUND',
  'PRUNE',
  'SHORTEST_PATH',
  'TRUE',
] as const

/** Keywords only in their place (OPTIONS, KEEP, COUNT, AT LEAST): a plain name anywhere else. */
export const CONTEXTUAL_KEYWORDS = ['OPTIONS', 'KEEP', 'COUNT', 'LEAST'] as const

export const KEYWORDS: ReadonlySet<string> = new Set<string>(RESERVED_KEYWORDS)
