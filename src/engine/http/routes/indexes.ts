import { arangoError } from '../../errors.js'
import type { IndexInfo } from '../../storage/types.js'
import { ok, type RequestContext, type Router } from '../router.js'
import { resolveCollection } from './collection.js'

/** An index as /_api/index shows it (persistent indexes carry RocksDB's extra attributes). */
export function indexBody(i: IndexInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {
    fields: i.fields,
    id: i.id,
    name: i.name,
    selectivityEstimate: 1,
    sparse: i.sparse,
    type: i.type,
    unique: i.unique,
  }
  if (i.type === 'persistent') {
    Object.assign(out, { cacheEnabled: false, deduplicate: i.deduplicate ?? true, estimates: true })
  }
  return out
}

function collectionParam(ctx: RequestContext): string {
  const c = ctx.q('collection')
  if (c === undefined || c === '') throw arangoError('ARANGO_COLLECTION_PARAMETER_MISSING')
  return resolveCollection(ctx, c).name
}

function findIndex(ctx: RequestContext, coll: string, id: string): IndexInfo {
  const c = resolveCollection(ctx, coll)
  const idx = ctx.store
    .listIndexes(ctx.db, c.name)
    .find(
      (i) => i.id === `${c.name}/${id}` || i.name === id || (i.type === 'edge' && (id === '1' || id === '2')),
    )
  if (!idx) throw arangoError('ARANGO_INDEX_NOT_FOUND')
  return idx
}

export function registerIndexRoutes(router: Router): void {
  router.add('GET', '/_api/index', (ctx) => {
    const coll = collectionParam(ctx)
    const indexes = ctx.store.listIndexes(ctx.db, coll).map(indexBody)
    const identifiers: Record<string, unknown> = {}
    for (const i of indexes) identifiers[i.id as string] = i
    return ok(200, { indexes, identifiers })
  })
  router.add('POST', '/_api/index', (ctx) => {
    const coll = collectionParam(ctx)
    const body = ctx.jsonObject('expecting a JSON object as index description')
    if (typeof body.type !== 'string')
      throw arangoError('HTTP_BAD_PARAMETER', 'invalid index type definition')
    const r = ctx.store.ensureIndex(ctx.db, coll, {
      type: body.type,
      fields: body.fields as string[],
      unique: body.unique === true,
      sparse: body.sparse === true,
      deduplicate: body.deduplicate !== false,
      name: typeof body.name === 'string' ? body.name : undefined,
    })
    const status = r.isNewlyCreated ? 201 : 200
    return { status, body: { ...indexBody(r), isNewlyCreated: r.isNewlyCreated, code: status, error: false } }
  })
  router.add('GET', '/_api/index/:c/:id', (ctx) => ({
    status: 200,
    body: { ...indexBody(findIndex(ctx, ctx.params.c, ctx.params.id)), code: 200, error: false },
  }))
  router.add('DELETE', '/_api/index/:c/:id', (ctx) => {
    const c = resolveCollection(ctx, ctx.params.c)
    const idx = findIndex(ctx, c.name, ctx.params.id)
    if (idx.type !== 'persistent')
      throw arangoError('FORBIDDEN', 'cannot drop the primary or edge index', { http: 403 })
    ctx.store.dropIndex(ctx.db, c.name, idx.id)
    return { status: 200, body: { id: idx.id, error: false, code: 200 } }
  })
}
