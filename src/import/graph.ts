/**
 * --graph NAME: create the named graph, or extend it, with the edge definitions the imported edge
 * collections show (from/to vertex collections read off the `_from`/`_to` values), through
 * arangojs' graph API (/_api/gharial). Imported document collections that no edge definition
 * uses become orphan (vertex-only) collections of the graph.
 */
import type { Database } from 'arangojs'

import type { GraphResult } from './types.js'

type Shapes = Map<string, { from: Set<string>; to: Set<string> }>

export async function ensureGraph(
  db: Database,
  name: string,
  shapes: Shapes,
  documentCollections: Set<string>,
  dryRun: boolean,
): Promise<GraphResult> {
  const graph = db.graph(name)
  const exists = dryRun ? await graph.exists().catch(() => false) : await graph.exists()
  const current = exists ? (await graph.get()).edgeDefinitions : []
  const wanted = new Map<string, { from: Set<string>; to: Set<string> }>()
  for (const def of current) wanted.set(def.collection, { from: new Set(def.from), to: new Set(def.to) })
  const changed = new Set<string>()
  for (const [collection, s] of shapes) {
    const prev = wanted.get(collection)
    if (!prev) {
      wanted.set(collection, { from: new Set(s.from), to: new Set(s.to) })
      changed.add(collection)
      continue
    }
    for (const [have, seen] of [
      [prev.from, s.from],
      [prev.to, s.to],
    ]) {
      for (const c of seen) {
        if (have.has(c)) continue
        have.add(c)
        changed.add(collection)
      }
    }
  }
  const defs = [...wanted].map(([collection, s]) => ({
    collection,
    from: [...s.from].sort(),
    to: [...s.to].sort(),
  }))
  const inDefs = new Set(defs.flatMap((d) => [d.collection, ...d.from, ...d.to]))
  const orphans = [...documentCollections].filter((c) => !inDefs.has(c))

  if (!dryRun) {
    if (!exists) {
      await graph.create(defs, { orphanCollections: orphans })
    } else {
      const existing = new Set(current.map((d) => d.collection))
      for (const d of defs) {
        if (!changed.has(d.collection)) continue
        if (existing.has(d.collection)) await graph.replaceEdgeDefinition(d)
        else await graph.addEdgeDefinition(d)
      }
      const info = await graph.get()
      const have = new Set([
        ...(info.orphanCollections ?? []),
        ...info.edgeDefinitions.flatMap((d) => [...d.from, ...d.to]),
      ])
      for (const o of orphans) if (!have.has(o)) await graph.addVertexCollection(o)
    }
  }
  return { name, created: !exists, edgeDefinitions: defs }
}
