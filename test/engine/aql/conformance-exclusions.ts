/**
 * Conformance entries the embedded engine leaves out, with the reason (mirrored in
 * docs/aql-fidelity.md, the README's Fidelity section).
 */
export const EXCLUDED: Record<string, string> = {
  aqlTokens_1: 'TOKENS() needs ArangoSearch Analyzers',
  aqlTokens_2: 'TOKENS() needs ArangoSearch Analyzers',
  aqlTokens_3: 'TOKENS() needs ArangoSearch Analyzers',
  aqlTokens_4: 'TOKENS() needs ArangoSearch Analyzers',
  analyzerIdentity: 'TOKENS() needs ArangoSearch Analyzers',
  analyzerTextStem: 'TOKENS() needs ArangoSearch Analyzers',
  aqlMinHash: 'MINHASH() belongs to ArangoSearch (minhash Analyzer)',
  ensureFulltextIndex: 'FULLTEXT() needs a fulltext index (deprecated, not supported)',
  geoIndexSortOptimization:
    'geo index: the query sorts by DISTANCE with ties, and ArangoDB returns the tied rows in geo-index order',
  computedValuesCombine:
    'computed values (collection property computedValues) are not supported by the engine',
  aqlArrayUnionDistinct_1: "UNION_DISTINCT returns values in ArangoDB's internal hash-set order",
}
