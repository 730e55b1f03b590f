/**
 * POST /_api/explain and POST /_api/query (parse). The plan is the executor's own compilation
 * (one node per pipeline stage), so the index each FOR reports is the index it really uses.
 */
import { arangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import type { Expr, Op, Query } from './ast.js'
import { compileQuery } from './executor.js'
import { loadFunctionLibrary } from './library.js'
import { parseQuery } from './parser.js'

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function queryText(body: unknown): string {
  if (!isObj(body) || body.query === undefined || body.query === null || body.query === '') {
    throw arangoError('QUERY_EMPTY')
  }
  if (typeof body.query !== 'string') throw arangoError('HTTP_BAD_PARAMETER', 'expecting string for <query>')
  return body.query
}

export async function explainQuery(
  store: Store,
  db: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const text = queryText(body)
  const b = body as Record<string, unknown>
  const bindVars = isObj(b.bindVars) ? b.bindVars : {}
  const lib = await loadFunctionLibrary()
  const c = compileQuery(store, db, text, bindVars, lib, {})
  const plan = {
    nodes: c.plan.map((n) => ({ ...n, estimatedCost: 1, estimatedNrItems: 1 })),
    rules: [] as string[],
    collections: c.collections,
    variables: [] as unknown[],
    estimatedCost: c.plan.length,
    estimatedNrItems: 1,
    isModificationQuery: c.isModification,
  }
  const options = isObj(b.options) ? b.options : {}
  const stats = { rulesExecuted: 0, rulesSkipped: 0, plansCreated: 1, peakMemoryUsage: 0, executionTime: 0 }
  if (options.allPlans === true) return { plans: [plan], warnings: [], stats }
  return { plan, cacheable: !c.isModification, warnings: [], stats }
}

/** ArangoDB-like AST nodes: `{type, name?, value?, subNodes?}`. */
function exprNode(e: Expr): Record<string, unknown> {
  switch (e.type) {
    case 'value':
      return Array.isArray(e.value)
        ? { type: 'array', subNodes: e.value.map((v) => exprNode({ type: 'value', value: v })) }
        : typeof e.value === 'object' && e.value !== null
          ? {
              type: 'object',
              subNodes: Object.entries(e.value).map(([k, v]) => ({
                type: 'object element',
                name: k,
                subNodes: [exprNode({ type: 'value', value: v })],
              })),
            }
          : { type: 'value', value: e.value }
    case 'name':
      return { type: 'reference', name: e.name }
    case 'param':
      return { type: 'parameter', name: e.name }
    case 'dsparam':
      return { type: 'datasource parameter', name: '@' + e.name }
    case 'attr':
      return { type: 'attribute access', name: e.name, subNodes: [exprNode(e.obj)] }
    case 'index':
      return { type: 'indexed access', subNodes: [exprNode(e.obj), exprNode(e.index)] }
    case 'array':
      return { type: 'array', subNodes: e.items.map(exprNode) }
    case 'object':
      return {
        type: 'object',
        subNodes: e.entries.map((en) =>
          typeof en.key === 'string'
            ? { type: 'object element', name: en.key, subNodes: [exprNode(en.value)] }
            : { type: 'calculated object element', subNodes: [exprNode(en.key), exprNode(en.value)] },
        ),
      }
    case 'call':
      return {
        type: 'function call',
        name: e.name.toUpperCase(),
        subNodes: [{ type: 'array', subNodes: e.args.map(exprNode) }],
      }
    case 'binary':
      return { type: `compare ${e.op}`, subNodes: [exprNode(e.left), exprNode(e.right)] }
    case 'and':
    case 'or':
      return { type: `logical ${e.type}`, subNodes: [exprNode(e.left), exprNode(e.right)] }
    case 'unary':
      return { type: `unary ${e.op}`, subNodes: [exprNode(e.arg)] }
    case 'range':
      return { type: 'range', subNodes: [exprNode(e.from), exprNode(e.to)] }
    case 'subquery':
      return { type: 'subquery', subNodes: queryNodes(e.query) }
    default:
      return { type: e.type }
  }
}

function opNode(op: Op): Record<string, unknown> {
  switch (op.type) {
    case 'for':
      return { type: 'for', subNodes: [{ type: 'variable', name: op.var }, exprNode(op.in)] }
    case 'let':
      return { type: 'let', subNodes: [{ type: 'variable', name: op.var }, exprNode(op.expr)] }
    case 'filter':
      return { type: 'filter', subNodes: [exprNode(op.expr)] }
    case 'return':
      return { type: op.distinct ? 'return distinct' : 'return', subNodes: [exprNode(op.expr)] }
    case 'sort':
      return {
        type: 'sort',
        subNodes: [
          {
            type: 'array',
            subNodes: op.items.map((i) => ({
              type: 'sort element',
              subNodes: [exprNode(i.expr), { type: 'value', value: i.asc }],
            })),
          },
        ],
      }
    case 'limit':
      return { type: 'limit', subNodes: [exprNode(op.offset), exprNode(op.count)] }
    default:
      return { type: op.type }
  }
}

function queryNodes(q: Query): Record<string, unknown>[] {
  return q.ops.map(opNode)
}

export function parseForApi(body: unknown): Record<string, unknown> {
  const text = queryText(body)
  const p = parseQuery(text)
  return {
    parsed: true,
    collections: p.collections,
    bindVars: p.bindParams,
    ast: [{ type: 'root', subNodes: queryNodes(p.query) }],
    warnings: [],
  }
}
