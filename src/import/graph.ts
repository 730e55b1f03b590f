/**
 * --graph NAME: create the named graph, or extend it, with the edge definitions the imported edge
 * collections show (from/to vertex collections read off the `_from`/`_to` values), through
 * arangojs' graph API (/_api/gharial). Imported document collections that no edge definition
 * uses become orphan (vertex-only) collections of the graph.
 */
import type { Database } from 'arangojs'
import type { CreateGraphOptions } from 'arangojs/graphs'

import { GraphpipeError } from '../errors.js'
import type { GraphOptions, GraphResult } from './types.js'

type Shapes = Map<string, { from: Set<string>; to: Set<string> }>

export async function ensureGraph(
  db: Database,
  name: string,
  shapes: Shapes,
  documentCollections: Set<string>,
  dryRun: boolean,
  options: GraphOptions = {},
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
      try {
        await graph.create(defs, { orphanCollections: orphans, ...createOptions(options) })
      } catch (err) {
        throw smartGraphError(err, name, options) ?? err
      }
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

/**
 * ArangoDB's graph options (POST /_api/gharial, docs.arangodb.com 3.12 "Create a graph"): a
 * SmartGraph is `isSmart: true` with `options.smartGraphAttribute`; an EnterpriseGraph is
 * `isSmart: true` without a smart attribute; `options.satellites` makes it a Hybrid SmartGraph.
 * arangojs 10 puts `isSmart` at the top level and the rest under `options`.
 */
export function createOptions(o: GraphOptions): CreateGraphOptions {
  const smart = o.enterprise || o.smartGraphAttribute !== undefined
  if (!smart) return {}
  return {
    isSmart: true,
    ...(o.smartGraphAttribute !== undefined ? { smartGraphAttribute: o.smartGraphAttribute } : {}),
    ...(o.satellites && o.satellites.length > 0 ? { satellites: o.satellites } : {}),
  }
}

/** A server that cannot make Smart/Enterprise graphs (Community Edition, single server, the embedded engine): say what can. */
function smartGraphError(err: unknown, name: string, o: GraphOptions): GraphpipeError | undefined {
  if (!o.enterprise && o.smartGraphAttribute === undefined) return undefined
  const e = err as { errorNum?: number; code?: number; message?: string }
  if (typeof e.errorNum !== 'number') return undefined
  const kind = o.enterprise ? 'an EnterpriseGraph' : 'a SmartGraph'
  return new GraphpipeError(
    'IMPORT_GRAPH',
    `graph ${name}: the server cannot create ${kind} (${e.message ?? `error ${e.errorNum}`}): SmartGraphs and EnterpriseGraphs need ArangoDB Enterprise Edition or ArangoDB Oasis (ArangoGraph); without --smart-graph-attribute/--enterprise-graph/--satellite it is a General Graph`,
  )
}
