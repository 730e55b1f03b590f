/**
 * POST /_api/import (docs.arangodb.com 3.12 develop/http-api/import): JSON lines (`documents`),
 * one JSON array (`list`/`array`), `auto`, or the tabular form (first line: attribute names,
 * then one JSON array of values per line). One request is one transaction: all of its documents
 * are committed together or, when the process dies, not at all.
 */
import { isObject } from '../../../objects.js'
import { ArangoError, arangoError, ERRORS } from '../../errors.js'
import type { CollectionInfo, OverwriteMode, Store, WriteOptions, WriteResult } from '../../storage/types.js'
import type { RequestContext, Router } from '../router.js'
import { resolveCollection } from './collection.js'

interface Counts {
  created: number
  errors: number
  empty: number
  updated: number
  ignored: number
  details: string[]
}

/** ArangoDB's generic message for an error number (import details use it, not the specific text). */
function genericMessage(e: ArangoError): string {
  for (const v of Object.values(ERRORS)) if (v.num === e.errorNum) return v.message
  return e.message
}

class Importer {
  readonly counts: Counts = { created: 0, errors: 0, empty: 0, updated: 0, ignored: 0, details: [] }
  private readonly mode: OverwriteMode
  private readonly opts: WriteOptions
  private readonly onDuplicate: string
  private readonly complete: boolean
  private readonly details: boolean
  private readonly fromPrefix?: string
  private readonly toPrefix?: string
  private readonly isEdge: boolean
  /** The request's store (a stream transaction's own with x-arango-trx-id), looked up once. */
  private readonly store: Store

  constructor(
    private readonly ctx: RequestContext,
    private readonly c: CollectionInfo,
  ) {
    const od = ctx.q('onDuplicate') ?? 'error'
    this.onDuplicate = ['update', 'replace', 'ignore'].includes(od) ? od : 'error'
    this.mode = this.onDuplicate === 'error' ? 'conflict' : (this.onDuplicate as OverwriteMode)
    this.opts = { overwriteMode: this.mode }
    this.complete = ctx.bool('complete')
    this.details = ctx.bool('details')
    this.fromPrefix = ctx.q('fromPrefix')
    this.toPrefix = ctx.q('toPrefix')
    this.isEdge = c.type === 3
    this.store = ctx.store
  }

  /**
   * Documents handed to the store so far: arangod collects the valid documents first and inserts
   * them as one batch, so a failed insert is reported at its index in that batch
   * (RestImportHandler::performImport), while a line that is not a document is reported at its
   * line (1-based) or list position.
   */
  private accepted = 0

  fail(position: number, message: string, doc: unknown, err?: ArangoError): void {
    this.report(position, `${message}, offending document: ${clip(JSON.stringify(doc))}`, err ?? message)
  }

  /** A line that is not JSON: arangod quotes its text as received (buildParseError). */
  failParse(position: number, line: string): void {
    this.report(
      position,
      `invalid JSON type (expecting object, probably parse error), offending context: ${clip(line)}`,
      'invalid JSON type (expecting object, probably parse error)',
    )
  }

  private report(position: number, detail: string, err: ArangoError | string): void {
    if (this.complete) throw typeof err === 'string' ? arangoError('HTTP_BAD_PARAMETER', err) : err
    this.counts.errors++
    if (this.details) this.counts.details.push(`at position ${position}: ${detail}`)
  }

  /** `raw`: the JSON text `doc` was parsed from, stored as is when the document is stored unchanged. */
  one(position: number, doc: unknown, raw?: string): void {
    if (!isObject(doc)) {
      this.fail(
        position,
        'invalid JSON type (expecting object)',
        doc,
        arangoError('ARANGO_DOCUMENT_TYPE_INVALID'),
      )
      return
    }
    const d = doc as Record<string, unknown>
    if (this.isEdge) {
      if (this.fromPrefix !== undefined && typeof d._from === 'string' && !d._from.includes('/')) {
        d._from = `${this.fromPrefix}/${d._from}`
      }
      if (this.toPrefix !== undefined && typeof d._to === 'string' && !d._to.includes('/')) {
        d._to = `${this.toPrefix}/${d._to}`
      }
      if (d._from === undefined || d._to === undefined) {
        this.fail(
          position,
          "missing '_from' or '_to' attribute",
          d,
          arangoError('ARANGO_INVALID_EDGE_ATTRIBUTE'),
        )
        return
      }
    }
    const index = this.accepted++
    try {
      this.count(this.store.insert(this.ctx.db, this.c.name, d, this.opts, raw))
    } catch (e) {
      this.rejected(index, d, e)
    }
  }

  /** The store's fast path for JSON lines (see Store.jsonInserter); null when it has none. */
  private inserter?: ((body: Buffer, start: number, end: number) => boolean) | null

  /**
   * A JSON line (bytes `start`..`end` of `body`) stored without parsing it here when the store
   * can; false when it cannot (nothing happened): the line is then parsed and given to `one`,
   * which reports any error.
   */
  fast(body: Buffer, start: number, end: number): boolean {
    if (this.inserter === undefined) {
      const prefixes = this.isEdge ? { from: this.fromPrefix, to: this.toPrefix } : {}
      this.inserter = this.store.jsonInserter(this.ctx.db, this.c.name, this.opts, prefixes)
    }
    if (this.inserter === null || !this.inserter(body, start, end)) return false
    this.accepted++
    this.counts.created++
    return true
  }

  private count(r: WriteResult): void {
    if (r.ignored) this.counts.ignored++
    else if (r._oldRev !== undefined) this.counts.updated++
    else this.counts.created++
  }

  private rejected(position: number, doc: unknown, e: unknown): void {
    if (!(e instanceof ArangoError)) throw e
    const msg = genericMessage(e)
    this.fail(position, `creating document failed with error '${msg}'`, doc, arangoError(errorName(e), msg))
  }
}

function errorName(e: ArangoError): keyof typeof ERRORS {
  for (const [k, v] of Object.entries(ERRORS)) if (v.num === e.errorNum) return k as keyof typeof ERRORS
  return 'HTTP_BAD_PARAMETER'
}

/** arangod cuts a quoted document or line at 255 bytes ("...") in import details. */
function clip(text: string): string {
  return Buffer.byteLength(text) > 255 ? Buffer.from(text).subarray(0, 255).toString() + '...' : text
}

function isBlank(line: string): boolean {
  // a printable ASCII first character: not blank, without trim()'s copy of every line
  const c = line.charCodeAt(0)
  if (c > 32 && c < 127) return false
  return line.trim() === ''
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * JSON lines, read from the body's bytes: a line the store takes as it is (see Importer.fast) is
 * never decoded here as a whole; any other is decoded, parsed and handled as a document. Lines are
 * split at LF as `text.split('\n')` splits them (a last empty piece is no line); a UTF-8 sequence
 * never contains the LF byte, so each line decodes as it would within the whole text.
 */
function importLines(imp: Importer, body: Buffer): void {
  const n = body.length
  let pos = 0
  let lineNo = 0
  while (pos < n) {
    let nl = body.indexOf(10, pos)
    if (nl < 0) nl = n
    lineNo++
    if (!(nl > pos && imp.fast(body, pos, nl))) oneLine(imp, body.toString('utf8', pos, nl), lineNo)
    pos = nl + 1
  }
}

function oneLine(imp: Importer, line: string, lineNo: number): void {
  if (isBlank(line)) {
    imp.counts.empty++
    return
  }
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    imp.failParse(lineNo, line.trimStart())
    return
  }
  imp.one(lineNo, value, line)
}

function importList(imp: Importer, value: unknown): void {
  if (!Array.isArray(value)) throw arangoError('HTTP_BAD_PARAMETER', 'expecting a JSON array in the request')
  for (let i = 0; i < value.length; i++) imp.one(i + 1, value[i])
}

function importTabular(imp: Importer, text: string): void {
  const nl = text.indexOf('\n')
  if (nl < 0) throw arangoError('HTTP_BAD_PARAMETER', 'no JSON array found in second line')
  const header = parseJson(text.slice(0, nl))
  if (
    !header.ok ||
    !Array.isArray(header.value) ||
    header.value.length === 0 ||
    header.value.some((h) => typeof h !== 'string')
  ) {
    throw arangoError('HTTP_BAD_PARAMETER', 'no JSON string array found in first line')
  }
  const names = header.value as string[]
  const lines = splitLines(text.slice(nl + 1))
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const position = i + 1
    if (isBlank(line)) {
      imp.counts.empty++
      continue
    }
    const p = parseJson(line)
    if (!p.ok || !Array.isArray(p.value)) {
      imp.fail(position, 'no valid JSON array data', line.trim())
      continue
    }
    if (p.value.length !== names.length) {
      imp.fail(
        position,
        `wrong number of JSON values (got ${p.value.length}, expected ${names.length})`,
        p.value,
      )
      continue
    }
    const doc: Record<string, unknown> = {}
    for (let j = 0; j < names.length; j++) {
      const v = p.value[j] as unknown
      // like arangoimport, a null cell is no attribute
      if (v !== null) doc[names[j]] = v
    }
    imp.one(position, doc)
  }
}

export function registerImportRoutes(router: Router): void {
  router.add('POST', '/_api/import', (ctx) => {
    const name = ctx.q('collection')
    if (name === undefined || name === '') throw arangoError('ARANGO_COLLECTION_PARAMETER_MISSING')
    const c = resolveCollection(ctx, name)
    const type = ctx.q('type') ?? ''
    const imp = new Importer(ctx, c)
    ctx.store.transaction(
      () => {
        if (ctx.bool('overwrite')) ctx.store.truncateCollection(ctx.db, c.name)
        if (type === 'documents') importLines(imp, ctx.rawBody)
        else if (type === 'list' || type === 'array') importList(imp, ctx.json())
        else if (type === 'auto') {
          const text = ctx.text()
          if (text.trimStart().startsWith('[')) {
            const p = parseJson(text)
            if (p.ok) importList(imp, p.value)
            else importLines(imp, ctx.rawBody)
          } else importLines(imp, ctx.rawBody)
        } else if (type === '' || type === 'csv' || type === 'tabular') importTabular(imp, ctx.text())
        else throw arangoError('HTTP_BAD_PARAMETER', `invalid value for 'type'`)
      },
      { sync: ctx.bool('waitForSync') || c.waitForSync },
    )
    const { details, ...counts } = imp.counts
    const body: Record<string, unknown> = { error: false, ...counts }
    if (ctx.bool('details')) body.details = details
    return { status: 201, body }
  })
}
