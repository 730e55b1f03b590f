import { Agent, request as httpRequest } from 'node:http'

import { ArangoError } from 'arangojs/errors'

/**
 * Fetches the follow-up batches of a cursor over node:http instead of arangojs' fetch (undici).
 *
 * Why: every undici `Response` with a body is registered in a FinalizationRegistry holding a WeakRef
 * to its body stream. V8's young-generation GC treats those as strong, so each batch's stream (and
 * what hangs off it) is promoted to the old space and freed only by a full GC, which V8 schedules
 * later and later as the heap grows: the client's RSS grew with the length of the result (107 MB
 * for 50 thousand rows, 221 MB for 3 million). A plain node:http loop over the same batches stays
 * flat. Only the batch requests go this way: the first request (errors, auth, TLS, host choice) is
 * still arangojs', and this channel reuses the exact URL and headers arangojs built for it, so the
 * batches go to the same coordinator (where the cursor lives) with the same credentials.
 */
export class BatchChannel {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })

  private constructor(
    private readonly base: URL,
    private readonly headers: Record<string, string>,
  ) {}

  /**
   * A channel for the cursor created by `request` (the `POST …/_api/cursor` arangojs sent), or
   * undefined when that is not plain HTTP (HTTPS keeps arangojs' transport and its TLS settings).
   */
  static from(request: Request | undefined): BatchChannel | undefined {
    if (!request) return undefined
    const base = new URL(request.url)
    if (base.protocol !== 'http:' || !base.pathname.endsWith('/_api/cursor')) return undefined
    const headers: Record<string, string> = {}
    request.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'content-type') headers[key] = value
    })
    return new BatchChannel(base, headers)
  }

  /** `POST` to `…/_api/cursor` + `suffix` (e.g. `/{id}/{nextBatchId}`) and parse the JSON answer. */
  post(suffix: string, timeoutMs: number | undefined): Promise<unknown> {
    const url = new URL(this.base)
    url.pathname += suffix
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: this.headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          clearTimeout(timer)
          const text = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          let body: unknown
          try {
            body = text.length > 0 ? JSON.parse(text) : undefined
          } catch {
            body = undefined
          }
          if (status < 400 && body !== undefined) return resolve(body)
          const b = body as { errorNum?: unknown; errorMessage?: unknown } | undefined
          if (typeof b?.errorNum === 'number') {
            return reject(
              new ArangoError({
                code: status,
                errorNum: b.errorNum,
                errorMessage: String(b.errorMessage ?? ''),
              }),
            )
          }
          // same classification as arangojs' HttpError (a connection-level failure)
          reject(
            Object.assign(new Error(`HTTP ${status} from ${url.origin}`), {
              name: 'HttpError',
              code: status,
            }),
          )
        })
      })
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const err = new Error(`no response within ${timeoutMs} ms`)
              err.name = 'ResponseTimeoutError'
              req.destroy(err)
            }, timeoutMs)
      req.on('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      req.end()
    })
  }

  close(): void {
    this.agent.destroy()
  }
}
