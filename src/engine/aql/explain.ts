/**
 * POST /_api/explain and POST /_api/query (parse). The plan printed is the optimized plan the
 * stages run (plan/serialize.ts), so the index each FOR reports is the index it really uses.
 */
import { arangoError } from '../errors.js'
import type { Store } from '../storage/types.js'
import { queryNodes } from './ast-json.js'
import { compileQuery } from './executor.js'
import { FUNCTION_LIBRARY } from './library.js'
import { parseQuery } from './parser.js'
import { isObject } from '../../objects.js'

function queryText(body: unknown): string {
  if (!isObject(body) || body.query === undefined || body.query === null || body.query === '') {
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
  const bindVars = isObject(b.bindVars) ? b.bindVars : {}
  const c = compileQuery(store, db, text, bindVars, FUNCTION_LIBRARY, {})
  const plan = c.explain()
  const options = isObject(b.options) ? b.options : {}
  const stats = {
    rulesExecuted: (plan.rules as string[]).length,
    rulesSkipped: 0,
    plansCreated: 1,
    peakMemoryUsage: 0,
    executionTime: 0,
  }
  if (options.allPlans === true) return { plans: [plan], warnings: [], stats }
  return { plan, cacheable: !c.isModification, warnings: [], stats }
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
