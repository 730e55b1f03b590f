import crypto from 'node:crypto'
import { isObject } from '../../../objects.js'
import { arangoError } from '../../errors.js'
import type { CollectionInfo, CollectionType } from '../../storage/types.js'
import { ok, type RequestContext, type RouteResponse, type Router } from '../router.js'

/** A collection given by name or numeric id in the path; unknown -> 404/1203. */
export function resolveCollection(ctx: RequestContext, nameOrId: string): CollectionInfo {
  const info = ctx.store.getCollectionByNameOrId(ctx.db, nameOrId)
  if (!info) throw arangoError('ARANGO_DATA_SOURCE_NOT_FOUND', `collection or view not found: ${nameOrId}`)
  return info
}

export function basicInfo(c: CollectionInfo): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    status: 3,
    type: c.type,
    isSystem: c.isSystem,
    globallyUniqueId: c.globallyUniqueId,
  }
}

function properties(ctx: RequestContext, c: CollectionInfo): Record<string, unknown> {
  const keyOptions: Record<string, unknown> = {
    allowUserKeys: c.keyOptions.allowUserKeys,
    type: c.keyOptions.type,
  }
  if (c.keyOptions.type === 'autoincrement') {
    keyOptions.offset = c.keyOptions.offset ?? 0
    keyOptions.increment = c.keyOptions.increment ?? 1
  }
  if (c.keyOptions.type !== 'uuid') keyOptions.lastValue = ctx.store.lastKeyValue(ctx.db, c.name)
  return {
    writeConcern: 1,
    waitForSync: c.waitForSync,
    usesRevisionsAsDocumentIds: true,
    syncByRevision: true,
    supportsRBAC: true,
    statusString: 'loaded',
    id: c.id,
    isSmartChild: false,
    schema: c.schema,
    name: c.name,
    type: c.type,
    status: 3,
    cacheEnabled: false,
    isSystem: c.isSystem,
    internalValidatorType: 0,
    globallyUniqueId: c.globallyUniqueId,
    keyOptions,
    computedValues: null,
    objectId: String(Number(c.id) + 1),
  }
}

function location(ctx: RequestContext, c: string, tail: string): Record<string, string> {
  return { location: `/_db/${encodeURIComponent(ctx.db)}/_api/collection/${encodeURIComponent(c)}/${tail}` }
}

function revisionOf(ctx: RequestContext, c: CollectionInfo): string {
  return ctx.store.revision(ctx.db, c.name)
}

export function registerCollectionRoutes(router: Router): void {
  router.add('GET', '/_api/collection', (ctx) => {
    const excludeSystem = ctx.bool('excludeSystem')
    const list = ctx.store.listCollections(ctx.db).filter((c) => !excludeSystem || !c.isSystem)
    return ok(200, { result: list.map(basicInfo) })
  })

  router.add('POST', '/_api/collection', (ctx) => {
    const body = ctx.jsonObject('expecting a JSON object with a collection name')
    const name = body.name
    if (typeof name !== 'string' || name === '') throw arangoError('ARANGO_ILLEGAL_NAME', 'illegal name')
    // names starting with '_' are reserved for system collections
    if (name.startsWith('_') && body.isSystem !== true) throw arangoError('ARANGO_ILLEGAL_NAME')
    let type: CollectionType = 2
    if (body.type !== undefined) {
      if (body.type === 3 || body.type === 'edge') type = 3
      else if (body.type === 2 || body.type === 'document') type = 2
      else throw arangoError('ARANGO_COLLECTION_TYPE_INVALID')
    }
    const keyOptions = body.keyOptions
    if (keyOptions !== undefined && !isObject(keyOptions)) {
      throw arangoError('ARANGO_INVALID_KEY_GENERATOR')
    }
    const info = ctx.store.createCollection(ctx.db, name, {
      type,
      waitForSync: body.waitForSync === true,
      keyOptions: keyOptions as Partial<CollectionInfo['keyOptions']> | undefined,
      schema: body.schema ?? undefined,
      isSystem: body.isSystem === true,
    })
    return ok(200, properties(ctx, info))
  })

  router.add('GET', '/_api/collection/:c', (ctx) => ok(200, basicInfo(resolveCollection(ctx, ctx.params.c))))

  router.add('GET', '/_api/collection/:c/:what', (ctx) => {
    const c = resolveCollection(ctx, ctx.params.c)
    const what = ctx.params.what
    const loc = location(ctx, ctx.params.c, what)
    switch (what) {
      case 'properties':
        return ok(200, properties(ctx, c), loc)
      case 'count':
        return ok(200, { ...properties(ctx, c), count: ctx.store.count(ctx.db, c.name) }, loc)
      case 'figures': {
        const count = ctx.store.count(ctx.db, c.name)
        const indexes = ctx.store.listIndexes(ctx.db, c.name)
        const figures = {
          indexes: { count: indexes.length, size: 0 },
          documentsSize: 0,
          cacheInUse: false,
          cacheSize: 0,
          cacheUsage: 0,
        } as Record<string, unknown>
        if (ctx.bool('details')) {
          figures.engine = {
            documents: count,
            indexes: indexes.map((i) => ({ type: i.type, id: Number(i.id.split('/')[1]), count })),
          }
        }
        return ok(200, { figures, ...properties(ctx, c), count }, loc)
      }
      case 'revision':
        return ok(200, { ...properties(ctx, c), revision: revisionOf(ctx, c) }, loc)
      case 'checksum': {
        const withRevisions = ctx.bool('withRevisions')
        const withData = ctx.bool('withData')
        let acc = 0n
        for (const d of ctx.store.scan(ctx.db, c.name)) {
          const { _rev, ...rest } = d
          const text = withData ? JSON.stringify(rest) : d._key
          const h = crypto
            .createHash('sha256')
            .update(text + (withRevisions ? _rev : ''))
            .digest()
          acc ^= h.readBigUInt64BE(0)
        }
        return ok(200, { ...basicInfo(c), revision: revisionOf(ctx, c), checksum: acc.toString() }, loc)
      }
      case 'shards':
      case 'responsibleShard':
        throw arangoError(
          'NOT_IMPLEMENTED',
          'shards are a cluster feature, not available in the graphpipe embedded engine',
          {
            http: 501,
          },
        )
      default:
        throw arangoError('HTTP_NOT_FOUND', `unknown path '${ctx.path}'`)
    }
  })

  router.add('PUT', '/_api/collection/:c/:what', (ctx) => {
    const c = resolveCollection(ctx, ctx.params.c)
    const what = ctx.params.what
    const loc = location(ctx, ctx.params.c, what)
    switch (what) {
      case 'truncate':
        ctx.store.truncateCollection(ctx.db, c.name)
        return ok(200, basicInfo(c), loc)
      case 'properties': {
        const body = ctx.jsonObject()
        const info = ctx.store.setCollectionProperties(ctx.db, c.name, {
          waitForSync: typeof body.waitForSync === 'boolean' ? body.waitForSync : undefined,
          schema: body.schema,
        })
        return ok(200, properties(ctx, info), loc)
      }
      case 'rename': {
        const body = ctx.jsonObject()
        if (typeof body.name !== 'string') throw arangoError('ARANGO_ILLEGAL_NAME')
        const info = ctx.store.renameCollection(ctx.db, c.name, body.name)
        return ok(200, basicInfo(info), loc)
      }
      case 'load':
        return ok(200, { ...basicInfo(c), count: ctx.store.count(ctx.db, c.name) }, loc)
      case 'unload':
      case 'compact':
        return ok(200, basicInfo(c), loc)
      case 'loadIndexesIntoMemory':
        return ok(200, { result: true }, loc)
      case 'recalculateCount':
        return ok(200, { result: true, count: ctx.store.count(ctx.db, c.name) }, loc)
      default:
        throw arangoError('HTTP_NOT_FOUND', `unknown path '${ctx.path}'`)
    }
  })

  router.add('DELETE', '/_api/collection/:c', (ctx): RouteResponse => {
    const c = resolveCollection(ctx, ctx.params.c)
    if (c.isSystem && !ctx.bool('isSystem')) {
      throw arangoError('FORBIDDEN', 'cannot drop a system collection without isSystem=true', { http: 403 })
    }
    ctx.store.dropCollection(ctx.db, c.name)
    return ok(200, { id: c.id })
  })
}
