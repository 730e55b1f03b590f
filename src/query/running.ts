import type { Database } from 'arangojs'

/**
 * The server's running queries (GET /_api/query/current) and killing one (DELETE /_api/query/{id}),
 * as ArangoDB 3.12 has them (arangojs `db.listRunningQueries()` / `db.killQuery(id)`). A server (or
 * an embedded engine) without them answers 404 or 501: then there is nothing to find or kill, and
 * that is not an error for the caller, who only wanted to stop a query it walked away from.
 */

/** ArangoDB cuts the query string it lists at `maxQueryStringLength` (4096 by default). */
const LISTED_QUERY_LENGTH = 4096

interface Listed {
  id: string
  query: string
  started?: string
}

const unsupported = (err: unknown): boolean => {
  const code = (err as { code?: unknown; response?: { status?: unknown } }).code
  return code === 404 || code === 501
}

/**
 * The id of the running query whose text is `query` (the newest when several match), or undefined
 * when there is none or the server cannot list its queries.
 */
export async function findRunningQuery(db: Database, query: string): Promise<string | undefined> {
  let list: Listed[]
  try {
    list = (await db.listRunningQueries()) as unknown as Listed[]
  } catch (err) {
    if (unsupported(err)) return undefined
    return undefined
  }
  const matches = list.filter(
    (q) =>
      typeof q.query === 'string' &&
      (q.query === query ||
        (q.query.length >= LISTED_QUERY_LENGTH - 16 && query.startsWith(q.query.replace(/\.\.\.$/, '')))),
  )
  matches.sort((a, b) => String(a.started ?? '').localeCompare(String(b.started ?? '')))
  return matches.at(-1)?.id
}

/**
 * Kills the running query with this text on the server. Returns its id when it was killed; undefined
 * when it was not found (already finished) or the server has no query management (404/501).
 */
export async function killRunningQuery(db: Database, query: string): Promise<string | undefined> {
  const id = await findRunningQuery(db, query)
  if (id === undefined) return undefined
  try {
    await db.killQuery(id)
    return id
  } catch {
    // finished meanwhile (ArangoDB: 404, errorNum 1591 "query not found"), or no support: nothing to stop
    return undefined
  }
}
