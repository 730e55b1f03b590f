import type { CursorExtra, StreamResult } from './cursor.js'

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)

/** Seconds as a short human duration: `0.84 ms`, `12.3 ms`, `1.42 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) {
    const ms = seconds * 1000
    return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`
  }
  return `${seconds.toFixed(2)} s`
}

/**
 * One line of statistics for stderr, e.g.
 * `3 rows · writes: 0 executed, 0 ignored · scanned: 5 full, 0 index · 0.42 ms execution`.
 */
export function formatStats(run: StreamResult, maxRows?: number): string {
  const s = run.extra.stats ?? {}
  const parts = [
    `${run.rows} ${run.rows === 1 ? 'row' : 'rows'}${run.truncated ? ` (stopped at --max-rows ${maxRows})` : run.stopped ? ' (stopped early)' : ''}`,
    `writes: ${n(s.writesExecuted)} executed, ${n(s.writesIgnored)} ignored`,
    `scanned: ${n(s.scannedFull)} full, ${n(s.scannedIndex)} index`,
  ]
  if (typeof s.fullCount === 'number') parts.push(`full count: ${s.fullCount}`)
  parts.push(
    typeof s.executionTime === 'number'
      ? `${formatSeconds(s.executionTime)} execution`
      : `${formatSeconds(run.elapsedMs / 1000)} elapsed`,
  )
  return parts.join(' · ')
}

export function formatWarnings(extra: CursorExtra): string[] {
  return (extra.warnings ?? []).map((w) => `warning ${w.code}: ${w.message}`)
}

/** Left-aligned text columns; `right` marks columns aligned right (numbers). */
export function textTable(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].map((l) => ` ${l}`).join('\n')
}

type Node = Record<string, any>

/** A plan node's one-line description, in AQL terms as far as the node says (servers differ in detail). */
export function describeNode(node: Node): string {
  const v = (x: any): string => (x && typeof x.name === 'string' ? x.name : '')
  const tidy = (s: string): string => s.replace(/\s+/g, ' ').trim()
  switch (node.type) {
    case 'SingletonNode':
      return 'ROOT'
    case 'EnumerateCollectionNode':
      return tidy(`FOR ${v(node.outVariable)} IN ${node.collection ?? ''}`) + '   /* full collection scan */'
    case 'IndexNode': {
      const kinds = (node.indexes ?? []).map((i: Node) => i.type).join(', ')
      return (
        tidy(`FOR ${v(node.outVariable)} IN ${node.collection ?? ''}`) +
        `   /* ${kinds || 'index'} index scan */`
      )
    }
    case 'EnumerateListNode':
      return tidy(`FOR ${v(node.outVariable)} IN ${v(node.inVariable)}`) + '   /* list iteration */'
    case 'CalculationNode':
      return node.expression
        ? tidy(`LET ${v(node.outVariable)} = ${expr(node.expression)}`)
        : tidy(`LET ${v(node.outVariable)}`)
    case 'FilterNode':
      return tidy(`FILTER ${v(node.inVariable)}`)
    case 'ReturnNode':
      return tidy(`RETURN ${v(node.inVariable)}`)
    case 'LimitNode':
      return `LIMIT ${node.offset ?? 0}, ${node.limit ?? '?'}`
    case 'SortNode':
      return tidy(
        `SORT ${(node.elements ?? []).map((e: Node) => `${v(e.inVariable)} ${e.ascending === false ? 'DESC' : 'ASC'}`).join(', ')}`,
      )
    case 'TraversalNode': {
      const outs = [node.vertexOutVariable, node.edgeOutVariable, node.pathOutVariable].map(v).filter(Boolean)
      const o = node.options ?? {}
      const depth = o.minDepth !== undefined ? `${o.minDepth}..${o.maxDepth}` : ''
      const edges: unknown = Array.isArray(node.graph) ? node.graph : node.edgeCollections
      const over = Array.isArray(edges) ? edges.join(', ') : node.graph ? `GRAPH '${node.graph}'` : ''
      const start = node.vertexId ? `'${node.vertexId}'` : v(node.inVariable)
      return tidy(`FOR ${outs.join(', ')} IN ${depth} ${directionOf(node)} ${start} ${over}`)
    }
    case 'CollectNode':
      return tidy(
        `COLLECT ${(node.groups ?? []).map((g: Node) => `${v(g.outVariable)} = ${v(g.inVariable)}`).join(', ')}`,
      )
    case 'InsertNode':
    case 'UpdateNode':
    case 'ReplaceNode':
    case 'RemoveNode':
    case 'UpsertNode':
      return `${String(node.type).replace('Node', '').toUpperCase()} … IN ${node.collection ?? '?'}`
    default:
      return ''
  }
}

function directionOf(node: Node): string {
  const d = Array.isArray(node.directions) ? node.directions[0] : node.direction
  return d === 1
    ? 'INBOUND'
    : d === 2
      ? 'OUTBOUND'
      : d === 0
        ? 'ANY'
        : typeof d === 'string'
          ? d.toUpperCase()
          : ''
}

const OPERATORS: Record<string, string> = {
  'compare ==': '==',
  'compare !=': '!=',
  'compare <': '<',
  'compare <=': '<=',
  'compare >': '>',
  'compare >=': '>=',
  'compare in': 'IN',
  'compare not in': 'NOT IN',
  'logical and': '&&',
  'logical or': '||',
  plus: '+',
  minus: '-',
  times: '*',
  division: '/',
  modulus: '%',
  range: '..',
}

/** An AQL expression from the AST JSON in an explain plan (the common node types; `…` for others). */
export function expr(node: Node | undefined, depth = 0): string {
  if (!node || depth > 12) return '…'
  const sub: Node[] = node.subNodes ?? []
  const op = OPERATORS[node.type]
  if (op && sub.length === 2) return `(${expr(sub[0], depth + 1)} ${op} ${expr(sub[1], depth + 1)})`
  switch (node.type) {
    case 'value':
      return JSON.stringify(node.value) ?? 'null'
    case 'reference':
    case 'collection':
    case 'variable':
      return String(node.name)
    case 'parameter':
      return `@${node.name}`
    case 'datasource parameter':
      return `@@${node.name}`
    case 'attribute access':
      return `${expr(sub[0], depth + 1)}.${node.name}`
    case 'indexed access':
      return `${expr(sub[0], depth + 1)}[${expr(sub[1], depth + 1)}]`
    case 'function call':
      return `${node.name}(${(sub[0]?.subNodes ?? []).map((s: Node) => expr(s, depth + 1)).join(', ')})`
    case 'array':
      return `[${sub.map((s) => expr(s, depth + 1)).join(', ')}]`
    case 'object':
      return `{ ${sub.map((s) => `${s.name}: ${expr(s.subNodes?.[0], depth + 1)}`).join(', ')} }`
    case 'logical not':
      return `!${expr(sub[0], depth + 1)}`
    case 'unary minus':
      return `-${expr(sub[0], depth + 1)}`
    case 'ternary':
      return `(${expr(sub[0], depth + 1)} ? ${expr(sub[1], depth + 1)} : ${expr(sub[2], depth + 1)})`
    default:
      return '…'
  }
}

/** Every index a plan uses, with the id of the node using it (IndexNode, TraversalNode, …). */
export function indexesUsed(nodes: Node[]): { by: number; index: Node; collection?: string }[] {
  const out: { by: number; index: Node; collection?: string }[] = []
  const walk = (x: unknown, node: Node, depth: number): void => {
    if (depth > 4 || !x || typeof x !== 'object') return
    if (Array.isArray(x)) {
      for (const i of x) walk(i, node, depth + 1)
      return
    }
    const o = x as Node
    if (typeof o.type === 'string' && Array.isArray(o.fields)) {
      out.push({ by: node.id, index: o, collection: o.collection ?? node.collection })
      return
    }
    for (const v of Object.values(o)) walk(v, node, depth + 1)
  }
  for (const node of nodes) if (node.indexes) walk(node.indexes, node, 0)
  return out
}

/** `--explain`: the plan's nodes, the indexes it uses and the optimizer rules applied. */
export function formatExplain(result: Node): string {
  const plan: Node = result.plan ?? result.plans?.[0] ?? {}
  const nodes: Node[] = plan.nodes ?? []
  const out: string[] = ['Execution plan:']
  out.push(
    textTable(
      ['Id', 'NodeType', 'Est.', 'Comment'],
      nodes.map((node) => [
        String(node.id ?? ''),
        String(node.type ?? ''),
        node.estimatedNrItems === undefined ? '' : String(node.estimatedNrItems),
        describeNode(node),
      ]),
      [true, false, true, false],
    ),
  )
  const indexes = indexesUsed(nodes)
  out.push('', 'Indexes used:')
  if (indexes.length === 0) out.push(' none')
  else {
    out.push(
      textTable(
        ['By', 'Name', 'Type', 'Collection', 'Unique', 'Sparse', 'Selectivity', 'Fields'],
        indexes.map(({ by, index, collection }) => [
          String(by),
          String(index.name ?? index.id ?? ''),
          String(index.type),
          collection ?? '',
          String(Boolean(index.unique)),
          String(Boolean(index.sparse)),
          typeof index.selectivityEstimate === 'number'
            ? `${(index.selectivityEstimate * 100).toFixed(2)} %`
            : 'n/a',
          `[ ${(index.fields as unknown[]).map((f) => `\`${String(f)}\``).join(', ')} ]`,
        ]),
        [true],
      ),
    )
  }
  const rules: string[] = plan.rules ?? []
  out.push('', 'Optimization rules applied:')
  out.push(rules.length ? rules.map((r, i) => `  ${String(i + 1).padStart(2)}  ${r}`).join('\n') : ' none')
  if (typeof plan.estimatedCost === 'number') {
    out.push('', `Estimated cost: ${plan.estimatedCost}, estimated items: ${plan.estimatedNrItems ?? '?'}`)
  }
  for (const w of result.warnings ?? []) out.push(`warning ${w.code}: ${w.message}`)
  return out.join('\n') + '\n'
}

/** `--profile`: time per query phase and, per plan node, calls, items and runtime. */
export function formatProfile(extra: CursorExtra): string {
  const out: string[] = ['Query profile:']
  const phases = Object.entries(extra.profile ?? {})
  if (phases.length === 0) out.push(' (the server returned no profile)')
  else {
    out.push(
      textTable(
        ['Phase', 'Duration'],
        phases.map(([k, s]) => [k, formatSeconds(n(s))]),
        [false, true],
      ),
    )
  }
  const stats = extra.stats?.nodes ?? []
  if (stats.length > 0) {
    const types = new Map<number, Node>()
    for (const node of extra.plan?.nodes ?? []) types.set(node.id as number, node)
    out.push('', 'Plan nodes:')
    out.push(
      textTable(
        ['Id', 'NodeType', 'Calls', 'Items', 'Runtime', 'Comment'],
        stats.map((s) => {
          const node = types.get(s.id)
          return [
            String(s.id),
            String(node?.type ?? ''),
            String(s.calls),
            String(s.items),
            formatSeconds(n(s.runtime)),
            node ? describeNode(node) : '',
          ]
        }),
        [true, false, true, true, true, false],
      ),
    )
  }
  const s = extra.stats ?? {}
  if (typeof s.peakMemoryUsage === 'number' && s.peakMemoryUsage > 0) {
    out.push('', `Peak memory: ${s.peakMemoryUsage} bytes`)
  }
  return out.join('\n') + '\n'
}
