/**
 * A separate process for the durability and multi-process tests, run with vite-node:
 *   serve <dataDir>            start the engine, print `URL <url>` and serve until killed
 *   write <dataDir> <coll> <n> <tag>
 *                              start its own engine on the shared data dir and write `n` documents
 *                              (imports of 50 plus single inserts, generated keys), print `DONE <json>`
 */
import { startEngineServer } from '../../../../src/engine/http/server.js'

const [mode, dataDir, coll, nText, tag] = process.argv.slice(2)

async function post(url: string, path: string, body: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  })
  return { status: res.status, json: await res.json() }
}

if (mode === 'serve') {
  const engine = await startEngineServer({ dataDir, port: 0 })
  process.stdout.write(`URL ${engine.url}\n`)
} else if (mode === 'write') {
  const engine = await startEngineServer({ dataDir, port: 0 })
  const n = Number(nText)
  const failures: unknown[] = []
  let created = 0
  // every writer tries to create the collection: exactly one wins, the others get 1207
  const cr = await post(engine.url, '/_api/collection', JSON.stringify({ name: coll }))
  if (cr.status !== 200 && (cr.json as { errorNum?: number }).errorNum !== 1207) failures.push(cr.json)
  let i = 0
  while (i < n) {
    if (i % 100 < 50) {
      const lines = []
      for (let j = 0; j < 50 && i < n; j++, i++) lines.push(JSON.stringify({ tag, i }))
      const r = await post(engine.url, `/_api/import?collection=${coll}&type=documents`, lines.join('\n'))
      const body = r.json as { created?: number; errors?: number }
      if (r.status !== 201 || body.errors !== 0) failures.push(r.json)
      created += body.created ?? 0
    } else {
      const r = await post(engine.url, `/_api/document/${coll}`, JSON.stringify({ tag, i }))
      if (r.status !== 202) failures.push(r.json)
      else created++
      i++
    }
  }
  await engine.close()
  process.stdout.write(`DONE ${JSON.stringify({ created, failures })}\n`)
} else {
  throw new Error(`unknown mode ${mode}`)
}
