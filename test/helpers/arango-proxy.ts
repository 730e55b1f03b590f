/**
 * An HTTP proxy in front of the test target that answers chosen requests itself, as ArangoDB
 * would answer them in situations the embedded engine never produces (e.g. a write-write
 * conflict, which needs transactions running side by side). Everything else is forwarded as is.
 *
 *   const proxy = await startProxy(target.url, (req) =>
 *     req.method === 'POST' && req.url.includes('/_api/document/users?') ? { status: 202, body: [...] } : undefined)
 *   const db = databaseVia(proxy, target)
 *   ...
 *   await proxy.close()
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { Database } from 'arangojs'

export interface ProxiedRequest {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** An answer made by the proxy: status, JSON body, extra headers. */
export interface Answer {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface Proxy {
  url: string
  close(): Promise<void>
}

/**
 * `answer` sees every request: an Answer is sent instead of forwarding, undefined forwards it;
 * `rewrite`, when given, may change a forwarded request's parsed JSON answer.
 */
export async function startProxy(
  targetUrl: string,
  answer: (req: ProxiedRequest) => Answer | undefined,
  rewrite?: (req: ProxiedRequest, body: unknown) => unknown,
): Promise<Proxy> {
  const target = new URL(targetUrl)
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const r: ProxiedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      const own = answer(r)
      if (own) {
        res.writeHead(own.status, { 'content-type': 'application/json', ...own.headers })
        res.end(JSON.stringify(own.body))
        return
      }
      const up = http.request(
        { host: target.hostname, port: target.port, method: r.method, path: r.url, headers: r.headers },
        (upRes) => {
          const parts: Buffer[] = []
          upRes.on('data', (c: Buffer) => parts.push(c))
          upRes.on('end', () => {
            let text = Buffer.concat(parts)
            if (rewrite && text.length > 0 && /json/.test(String(upRes.headers['content-type']))) {
              text = Buffer.from(JSON.stringify(rewrite(r, JSON.parse(text.toString('utf8')))))
            }
            const headers = { ...upRes.headers, 'content-length': String(text.length) }
            delete headers['transfer-encoding']
            res.writeHead(upRes.statusCode ?? 502, headers)
            res.end(text)
          })
        },
      )
      up.on('error', () => res.destroy())
      up.end(r.body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An array item as ArangoDB answers it when another transaction holds the document. */
export const CONFLICT_ITEM = { error: true, errorNum: 1200, errorMessage: 'write-write conflict' }

/**
 * An array item as a cluster answers it when a concurrent insert of the same key won the race
 * (arangodb/arangodb#19185), even for a write with an overwriteMode.
 */
export const PRIMARY_RACE_ITEM = {
  error: true,
  errorNum: 1210,
  errorMessage:
    "unique constraint violated - in index primary of type primary over '_key'; conflicting key: ann",
}

/** An array item refused by a user-made unique index: the record's own fault, no race. */
export const UNIQUE_INDEX_ITEM = {
  error: true,
  errorNum: 1210,
  errorMessage:
    "unique constraint violated - in index idx_email of type persistent over 'email'; conflicting key: zed",
}

/** ArangoDB's answer to a silent array request one item of which failed with `item`. */
export const conflictAnswer = (item: { errorNum: number } = CONFLICT_ITEM): Answer => ({
  status: 202,
  body: [item],
  headers: { 'x-arango-error-codes': `{"${item.errorNum}":1}` },
})

/** arangojs on the test target's database, through the proxy. */
export function databaseVia(
  proxy: Proxy,
  target: { dbName: string; username: string; password: string | undefined },
): Database {
  return new Database({
    url: proxy.url,
    databaseName: target.dbName,
    auth:
      target.password === undefined ? undefined : { username: target.username, password: target.password },
  })
}
