// The bookkeeping floor (bench/consume.mjs): the least that any ordered writer keeping one
// bookkeeping document per vertex must ask of the database in a window, with none of the work of
// deciding anything. It writes what --order none writes (the same requests), but in one stream
// transaction, after reading one bookkeeping document per distinct vertex the window touches, and
// then writes that document back. No versions are compared and nothing is resolved: the graph it
// leaves is --order none's. Its rate against --order none in the same run tells how much of the
// ordering goal is left once ordering itself costs nothing.
//
// BENCH_FLOOR_DOC chooses the document written back (sizes as read, with `_key`, `_id`, `_rev`):
//   small (the default): about 140 bytes, one string of state (a version, a few attribute
//     indexes, one edge entry);
//   real: about 670 bytes, the size and shape of a real format 3 document at the bench's
//     defaults (20,000 users after 60,000 messages average 643): nine versions, five attributes,
//     a placeholder, nine follow edges;
//   half: about 380 bytes, the same shape with four versions and three edges.
// The same document for every vertex: what it costs to move documents of that size, not to
// make them.
import { GraphWriter } from '../../dist/consume/writer.js'
import { versionKey, versionKeyOfId } from '../../dist/consume/versions.js'

const COLLECTION = 'bench_floor_versions'
const STATE = '0cre66n2846208 a0 b0 c0 d0|users/user1 0 1'
const V = Array.from({ length: 9 }, (_, i) => `000cre6766j71030${String(9870 + i)}10`)
const REAL = {
  f: 3,
  c: 'users',
  v: V,
  a: { username: 10, first_name: 10, last_name: 10, email: 10, city: 1 },
  w: { username: [9, 'user10188'] },
  t: 10,
  e: { follow: Array.from({ length: 9 }, (_, i) => `users/user1${String(7017 + i * 331)} ${i} 1`).join('|') },
  vn: 8,
}
const HALF = {
  f: 3,
  c: 'users',
  v: V.slice(0, 4),
  a: { username: 3, first_name: 3, last_name: 3, email: 3, city: 1 },
  t: 3,
  e: { follow: REAL.e.follow.split('|').slice(0, 3).join('|') },
}
// the documents BENCH_FLOOR_DOC names (small: the one string of state, STATE)
const SHAPES = { small: null, half: HALF, real: REAL }
/** Which document the floor writes (BENCH_FLOOR_DOC), as the bench's figure names it. */
export const FLOOR_DOC = process.env.BENCH_FLOOR_DOC ?? 'small'
if (!Object.hasOwn(SHAPES, FLOOR_DOC))
  throw new Error(`BENCH_FLOOR_DOC: one of ${Object.keys(SHAPES).join(', ')}, not ${FLOOR_DOC}`)
const shaped = SHAPES[FLOOR_DOC]

export class FloorWriter extends GraphWriter {
  async prepare(mapper) {
    await super.prepare(mapper)
    if (!(await this.db.collection(COLLECTION).exists())) await this.db.createCollection(COLLECTION)
  }

  async write(plan) {
    const started = performance.now()
    const keys = new Set()
    for (const stage of [plan.vertices, plan.ensure])
      for (const [c, items] of stage) for (const i of items) keys.add(versionKey(c, i.doc._key))
    for (const items of plan.edges.values())
      for (const i of items) keys.add(versionKeyOfId(i.doc._from)).add(versionKeyOfId(i.doc._to))
    const collections = [COLLECTION, ...plan.vertices.keys(), ...plan.ensure.keys(), ...plan.edges.keys()]
    const begun = await this.db.request(
      { method: 'POST', pathname: '/_api/transaction/begin', body: { collections: { write: collections } } },
      (r) => r.parsedBody,
    )
    const headers = { 'x-arango-trx-id': begun.result.id }
    const step = (o) => this.db.request({ ...o, headers }, (r) => r.parsedBody)
    await step({
      method: 'PUT',
      pathname: `/_api/document/${COLLECTION}`,
      body: [...keys],
      search: { onlyget: true },
    })
    let vertices = 0
    let edges = 0
    for (const [stage, mode] of [
      [plan.vertices, 'update'],
      [plan.ensure, 'ignore'],
      [plan.edges, 'update'],
    ])
      for (const [c, items] of stage) {
        await step({
          method: 'POST',
          pathname: `/_api/document/${c}`,
          body: items.map((i) => i.doc),
          search: { overwriteMode: mode, silent: true },
        })
        if (stage === plan.edges) edges += items.length
        else vertices += items.length
      }
    await step({
      method: 'POST',
      pathname: `/_api/document/${COLLECTION}`,
      body: [...keys].map((k) => (shaped ? { _key: k, ...shaped, k } : { _key: k, s: STATE })),
      search: { overwriteMode: 'replace', silent: true },
    })
    await this.db.request({ method: 'PUT', pathname: `/_api/transaction/${begun.result.id}` })
    return { vertices, edges, deletes: 0, deadLetters: 0, writeMs: Math.round(performance.now() - started) }
  }
}
