// The bookkeeping floor (bench/consume.mjs): the least that any ordered writer keeping one
// bookkeeping document per vertex must ask of the database in a window, with none of the work of
// deciding anything. It writes what --order none writes (the same requests), but in one stream
// transaction, after reading one bookkeeping document per distinct vertex the window touches, and
// then writes that document back (a small one: about 50 bytes of state). No versions are compared
// and nothing is resolved: the graph it leaves is --order none's. Its rate against --order none
// in the same run tells how much of the ordering goal is left once ordering itself costs nothing.
import { GraphWriter } from '../../dist/consume/writer.js'
import { versionKey, versionKeyOfId } from '../../dist/consume/versions.js'

const COLLECTION = 'bench_floor_versions'
// the size of a small bookkeeping state (a version, a few attribute indexes, one edge entry)
const STATE = '0cre66n2846208 a0 b0 c0 d0|users/user1 0 1'

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
      body: [...keys].map((k) => ({ _key: k, s: STATE })),
      search: { overwriteMode: 'replace', silent: true },
    })
    await this.db.request({ method: 'PUT', pathname: `/_api/transaction/${begun.result.id}` })
    return { vertices, edges, deletes: 0, deadLetters: 0, writeMs: Math.round(performance.now() - started) }
  }
}
