/**
 * ArangoDB error numbers and the HTTP status each maps to, as ArangoDB 3.12 answers them
 * (docs-hugo site/data/3.12/errors.yaml; HTTP mapping from arangod GeneralResponse::responseCode,
 * confirmed against the recorded 3.12.10 exchanges in ../shared/conformance/rest-api.jsonl).
 */
export const ERRORS = {
  NOT_IMPLEMENTED: { num: 9, http: 501, message: 'not implemented' },
  FORBIDDEN: { num: 11, http: 401, message: 'not authorized to execute this request' },
  TYPE_ERROR: { num: 17, http: 400, message: 'type error' },
  LOCK_TIMEOUT: { num: 18, http: 500, message: 'lock timeout' },
  HTTP_BAD_PARAMETER: { num: 400, http: 400, message: 'bad parameter' },
  HTTP_UNAUTHORIZED: { num: 401, http: 401, message: 'Wrong credentials' },
  HTTP_NOT_FOUND: { num: 404, http: 404, message: 'not found' },
  HTTP_METHOD_NOT_ALLOWED: { num: 405, http: 405, message: 'method not supported' },
  HTTP_CORRUPTED_JSON: { num: 600, http: 400, message: 'invalid JSON object' },
  ARANGO_CONFLICT: { num: 1200, http: 409, message: 'conflict' },
  ARANGO_DOCUMENT_NOT_FOUND: { num: 1202, http: 404, message: 'document not found' },
  ARANGO_DATA_SOURCE_NOT_FOUND: { num: 1203, http: 404, message: 'collection or view not found' },
  ARANGO_COLLECTION_PARAMETER_MISSING: { num: 1204, http: 400, message: "parameter 'collection' not found" },
  ARANGO_DOCUMENT_HANDLE_BAD: { num: 1205, http: 400, message: 'illegal document identifier' },
  ARANGO_DUPLICATE_NAME: { num: 1207, http: 409, message: 'duplicate name' },
  ARANGO_ILLEGAL_NAME: { num: 1208, http: 400, message: 'illegal name' },
  ARANGO_UNIQUE_CONSTRAINT_VIOLATED: { num: 1210, http: 409, message: 'unique constraint violated' },
  ARANGO_INDEX_NOT_FOUND: { num: 1212, http: 404, message: 'index not found' },
  ARANGO_CROSS_COLLECTION_REQUEST: { num: 1213, http: 400, message: 'cross collection request not allowed' },
  ARANGO_INDEX_HANDLE_BAD: { num: 1214, http: 400, message: 'illegal index identifier' },
  ARANGO_DOCUMENT_TOO_LARGE: { num: 1216, http: 413, message: 'document too large' },
  ARANGO_COLLECTION_TYPE_INVALID: { num: 1218, http: 400, message: 'collection type invalid' },
  ARANGO_ATTRIBUTE_PARSER_FAILED: {
    num: 1220,
    http: 400,
    message: 'parsing attribute name definition failed',
  },
  ARANGO_DOCUMENT_KEY_BAD: { num: 1221, http: 400, message: 'illegal document key' },
  ARANGO_DOCUMENT_KEY_UNEXPECTED: { num: 1222, http: 400, message: 'unexpected document key' },
  ARANGO_DOCUMENT_TYPE_INVALID: { num: 1227, http: 400, message: 'invalid document type' },
  ARANGO_DATABASE_NOT_FOUND: { num: 1228, http: 404, message: 'database not found' },
  ARANGO_DATABASE_NAME_INVALID: { num: 1229, http: 400, message: 'database name invalid' },
  ARANGO_USE_SYSTEM_DATABASE: { num: 1230, http: 403, message: 'operation only allowed in system database' },
  ARANGO_INVALID_KEY_GENERATOR: { num: 1232, http: 400, message: 'invalid key generator' },
  ARANGO_INVALID_EDGE_ATTRIBUTE: { num: 1233, http: 400, message: 'edge attribute missing or invalid' },
  ARANGO_INDEX_CREATION_FAILED: { num: 1235, http: 500, message: 'index creation failed' },
  ARANGO_COLLECTION_NOT_LOADED: { num: 1238, http: 400, message: 'collection not loaded' },
  ARANGO_DOCUMENT_REV_BAD: { num: 1239, http: 400, message: 'illegal document revision' },
  ARANGO_INCOMPLETE_READ: { num: 1240, http: 400, message: 'incomplete read' },
  QUERY_KILLED: { num: 1500, http: 410, message: 'query killed' },
  QUERY_PARSE: { num: 1501, http: 400, message: 'syntax error' },
  QUERY_EMPTY: { num: 1502, http: 400, message: 'query is empty' },
  QUERY_SCRIPT: { num: 1503, http: 400, message: 'runtime error' },
  QUERY_NUMBER_OUT_OF_RANGE: { num: 1504, http: 400, message: 'number out of range' },
  QUERY_INVALID_GEO_VALUE: { num: 1505, http: 400, message: 'invalid geo coordinate value' },
  QUERY_VARIABLE_NAME_INVALID: { num: 1510, http: 400, message: 'variable name is invalid' },
  QUERY_VARIABLE_REDECLARED: { num: 1511, http: 400, message: 'variable is assigned multiple times' },
  QUERY_VARIABLE_NAME_UNKNOWN: { num: 1512, http: 400, message: 'unknown variable' },
  QUERY_COLLECTION_LOCK_FAILED: { num: 1521, http: 400, message: 'unable to read-lock collection' },
  QUERY_TOO_MANY_COLLECTIONS: { num: 1522, http: 400, message: 'too many collections/shards' },
  QUERY_FUNCTION_NAME_UNKNOWN: { num: 1540, http: 400, message: 'usage of unknown function' },
  QUERY_FUNCTION_ARGUMENT_NUMBER_MISMATCH: {
    num: 1541,
    http: 400,
    message: 'invalid number of arguments for function',
  },
  QUERY_FUNCTION_ARGUMENT_TYPE_MISMATCH: {
    num: 1542,
    http: 400,
    message: 'invalid argument type in call to function',
  },
  QUERY_INVALID_REGEX: { num: 1543, http: 400, message: 'invalid regex value' },
  QUERY_BIND_PARAMETERS_INVALID: { num: 1550, http: 400, message: 'invalid structure of bind parameters' },
  QUERY_BIND_PARAMETER_MISSING: {
    num: 1551,
    http: 400,
    message: 'no value specified for declared bind parameter',
  },
  QUERY_BIND_PARAMETER_UNDECLARED: {
    num: 1552,
    http: 400,
    message: 'bind parameter was not declared in the query',
  },
  QUERY_BIND_PARAMETER_TYPE: { num: 1553, http: 400, message: 'bind parameter has an invalid value or type' },
  QUERY_INVALID_ARITHMETIC_VALUE: { num: 1561, http: 400, message: 'invalid arithmetic value' },
  QUERY_DIVISION_BY_ZERO: { num: 1562, http: 400, message: 'division by zero' },
  QUERY_ARRAY_EXPECTED: { num: 1563, http: 400, message: 'array expected' },
  QUERY_COLLECTION_USED_IN_EXPRESSION: { num: 1568, http: 400, message: 'collection used in expression' },
  QUERY_FAIL_CALLED: { num: 1569, http: 400, message: 'FAIL(%s) called' },
  QUERY_GEO_INDEX_MISSING: {
    num: 1570,
    http: 400,
    message: 'no suitable geo index found for geo restriction',
  },
  QUERY_FULLTEXT_INDEX_MISSING: {
    num: 1571,
    http: 400,
    message: 'no suitable fulltext index found for fulltext query',
  },
  QUERY_INVALID_DATE_VALUE: { num: 1572, http: 400, message: 'invalid date value' },
  QUERY_MULTI_MODIFY: { num: 1573, http: 400, message: 'multi-modify query' },
  QUERY_INVALID_AGGREGATE_EXPRESSION: { num: 1574, http: 400, message: 'invalid aggregate expression' },
  QUERY_COMPILE_TIME_OPTIONS: {
    num: 1575,
    http: 400,
    message: 'query options must be readable at query compile time',
  },
  QUERY_FORCED_INDEX_HINT_UNUSABLE: { num: 1577, http: 400, message: 'could not use forced index hint' },
  QUERY_DISALLOWED_DYNAMIC_CALL: { num: 1578, http: 400, message: "disallowed dynamic call to '%s'" },
  QUERY_ACCESS_AFTER_MODIFICATION: { num: 1579, http: 400, message: 'access after data-modification by %s' },
  // user-defined functions (errors.yaml; 1582 is 404, 1583 falls to GeneralResponse's default 500)
  QUERY_FUNCTION_INVALID_NAME: { num: 1580, http: 400, message: 'invalid user function name' },
  QUERY_FUNCTION_INVALID_CODE: { num: 1581, http: 400, message: 'invalid user function code' },
  QUERY_FUNCTION_NOT_FOUND: { num: 1582, http: 404, message: "user function '%s()' not found" },
  QUERY_FUNCTION_RUNTIME_ERROR: { num: 1583, http: 500, message: 'user function runtime error: %s' },
  QUERY_NOT_FOUND: { num: 1591, http: 404, message: 'query ID not found' },
  CURSOR_NOT_FOUND: { num: 1600, http: 404, message: 'cursor not found' },
  CURSOR_BUSY: { num: 1601, http: 400, message: 'cursor is busy' },
  // stream transactions (arangod transaction/Manager.cpp; HTTP from GeneralResponse::responseCode)
  TRANSACTION_UNREGISTERED_COLLECTION: {
    num: 1652,
    http: 400,
    message: 'unregistered collection used in transaction',
  },
  TRANSACTION_DISALLOWED_OPERATION: {
    num: 1653,
    http: 400,
    message: 'disallowed operation inside transaction',
  },
  TRANSACTION_ABORTED: { num: 1654, http: 410, message: 'transaction aborted' },
  TRANSACTION_NOT_FOUND: { num: 1655, http: 404, message: 'transaction not found' },
  GRAPH_INVALID_GRAPH: { num: 1901, http: 400, message: 'invalid graph' },
  GRAPH_INVALID_EDGE: { num: 1906, http: 400, message: 'invalid edge' },
  GRAPH_TOO_MANY_ITERATIONS: {
    num: 1909,
    http: 400,
    message: "too many iterations - try increasing the value of 'maxIterations'",
  },
  GRAPH_INVALID_FILTER_RESULT: { num: 1910, http: 400, message: 'invalid filter result' },
  GRAPH_COLLECTION_MULTI_USE: { num: 1920, http: 400, message: 'multi use of edge collection in edge def' },
  GRAPH_COLLECTION_USE_IN_MULTI_GRAPHS: {
    num: 1921,
    http: 400,
    message: 'edge collection already used in edge def',
  },
  GRAPH_CREATE_MISSING_NAME: { num: 1922, http: 400, message: 'missing graph name' },
  GRAPH_CREATE_MALFORMED_EDGE_DEFINITION: { num: 1923, http: 400, message: 'malformed edge definition' },
  GRAPH_NOT_FOUND: { num: 1924, http: 404, message: "graph '%s' not found" },
  GRAPH_DUPLICATE: { num: 1925, http: 409, message: 'graph already exists' },
  GRAPH_VERTEX_COL_DOES_NOT_EXIST: {
    num: 1926,
    http: 404,
    message: 'vertex collection does not exist or is not part of the graph',
  },
  GRAPH_WRONG_COLLECTION_TYPE_VERTEX: { num: 1927, http: 400, message: 'collection not a vertex collection' },
  GRAPH_NOT_IN_ORPHAN_COLLECTION: {
    num: 1928,
    http: 400,
    message: 'collection is not in list of orphan collections',
  },
  GRAPH_COLLECTION_USED_IN_EDGE_DEF: { num: 1929, http: 400, message: 'collection already used in edge def' },
  GRAPH_EDGE_COLLECTION_NOT_USED: { num: 1930, http: 404, message: 'edge collection not used in graph' },
  GRAPH_NO_GRAPH_COLLECTION: { num: 1932, http: 500, message: 'collection _graphs does not exist' },
  GRAPH_INVALID_NUMBER_OF_ARGUMENTS: {
    num: 1935,
    http: 400,
    message: 'Invalid number of arguments. Expected: ',
  },
  GRAPH_INVALID_PARAMETER: { num: 1936, http: 400, message: 'Invalid parameter type.' },
  GRAPH_COLLECTION_USED_IN_ORPHANS: { num: 1938, http: 400, message: 'collection used in orphans' },
  GRAPH_EDGE_COL_DOES_NOT_EXIST: {
    num: 1939,
    http: 404,
    message: 'edge collection does not exist or is not part of the graph',
  },
  GRAPH_EMPTY: { num: 1940, http: 400, message: 'empty graph' },
  GRAPH_INTERNAL_DATA_CORRUPT: { num: 1941, http: 500, message: 'internal graph data corrupt' },
  GRAPH_MUST_NOT_DROP_COLLECTION: {
    num: 1942,
    http: 403,
    message: 'must not drop collection while part of graph',
  },
  GRAPH_CREATE_MALFORMED_ORPHAN_LIST: { num: 1943, http: 400, message: 'malformed orphan list' },
  GRAPH_EDGE_DEFINITION_IS_DOCUMENT: {
    num: 1944,
    http: 400,
    message: 'edge definition collection is a document collection',
  },
  GRAPH_COLLECTION_IS_INITIAL: {
    num: 1945,
    http: 400,
    message: 'initial collection is not allowed to be removed manually',
  },
  GRAPH_NO_INITIAL_COLLECTION: { num: 1946, http: 400, message: 'no valid initial collection found' },
  GRAPH_REFERENCED_VERTEX_COLLECTION_NOT_USED: {
    num: 1947,
    http: 400,
    message: 'referenced vertex collection is not part of the graph',
  },
  GRAPH_NEGATIVE_EDGE_WEIGHT: { num: 1948, http: 400, message: 'negative edge weight found' },
  QUEUE_TIME_REQUIREMENT_VIOLATED: { num: 21004, http: 412, message: 'queue time violated' },
} as const

export type ErrorName = keyof typeof ERRORS

/** An error the engine answers with, in ArangoDB's shape `{error, code, errorNum, errorMessage}`. */
export class ArangoError extends Error {
  readonly errorNum: number
  readonly code: number
  /** Extra attributes ArangoDB adds to some error bodies (e.g. `_id`, `_key`, `_rev` on a 412). */
  readonly extra?: Record<string, unknown>

  constructor(errorNum: number, code: number, message: string, extra?: Record<string, unknown>) {
    super(message)
    this.name = 'ArangoError'
    this.errorNum = errorNum
    this.code = code
    this.extra = extra
  }

  toBody(): Record<string, unknown> {
    return {
      code: this.code,
      error: true,
      errorMessage: this.message,
      errorNum: this.errorNum,
      ...this.extra,
    }
  }
}

/** Build an `ArangoError` from the table; `message` overrides the default text, `http` the status. */
export function arangoError(
  name: ErrorName,
  message?: string,
  opts: { http?: number; extra?: Record<string, unknown> } = {},
): ArangoError {
  const e = ERRORS[name]
  return new ArangoError(e.num, opts.http ?? e.http, message ?? e.message, opts.extra)
}

/** 501 / errorNum 9, naming the feature the embedded engine does not implement. */
export function notImplemented(feature: string): ArangoError {
  return new ArangoError(9, 501, `${feature} is not implemented in the graphpipe embedded engine`)
}
