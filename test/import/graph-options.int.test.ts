/**
 * --smart-graph-attribute / --satellite / --enterprise-graph (issue 15, part 4): sent as ArangoDB's
 * graph options (POST /_api/gharial: top-level isSmart, options.smartGraphAttribute and
 * options.satellites; docs.arangodb.com 3.12 "Create a graph"), captured at a small HTTP server
 * standing in for ArangoDB; and a server that cannot make them gets graphpipe's explanation.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Database } from 'arangojs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureGraph } from '../../src/import/graph.js'
import { optionsFromFlags, type ImportFlagValues } from '../../src/import/flags.js'
import { runImport } from '../../src/import/importer.js'
import { useTestTarget } from '../helpers/target.js'

const shapes = () => new Map([['follows', { from: new Set(['users']), to: new Set(['users']) }]])

describe('Enterprise graph options as ArangoDB expects them', () => {
  let server: http.Server
  let url = ''
  const bodies: Record<string, unknown>[] = []
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let text = ''
      req.on('data', (c) => (text += c))
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        if (req.method === 'GET') {
          res.statusCode = 404
          res.end(JSON.stringify({ error: true, code: 404, errorNum: 1924, errorMessage: 'graph not found' }))
          return
        }
        const body = JSON.parse(text) as Record<string, unknown>
        bodies.push(body)
        res.statusCode = 202
        res.end(JSON.stringify({ error: false, code: 202, graph: { ...body, _key: body.name } }))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  it('a SmartGraph: isSmart at the top level, smartGraphAttribute and satellites under options', async () => {
    const db = new Database({ url })
    await ensureGraph(db, 'twitter', shapes(), new Set(), false, {
      smartGraphAttribute: 'region',
      satellites: ['countries'],
    })
    expect(bodies.at(-1)).toMatchObject({
      name: 'twitter',
      isSmart: true,
      edgeDefinitions: [{ collection: 'follows', from: ['users'], to: ['users'] }],
      options: { smartGraphAttribute: 'region', satellites: ['countries'] },
    })
  })

  it('an EnterpriseGraph: isSmart without a smart attribute; a General Graph: no isSmart', async () => {
    const db = new Database({ url })
    await ensureGraph(db, 'eg', shapes(), new Set(), false, { enterprise: true })
    const eg = bodies.at(-1)!
    expect(eg.isSmart).toBe(true)
    expect((eg.options as Record<string, unknown>).smartGraphAttribute).toBeUndefined()
    await ensureGraph(db, 'plain', shapes(), new Set(), false)
    expect(bodies.at(-1)!.isSmart).toBeUndefined()
  })

  it('the flags map to those options and are checked against each other', () => {
    const base = { type: 'auto', graph: 'g' } as unknown as ImportFlagValues
    expect(
      optionsFromFlags({ ...base, 'smart-graph-attribute': 'region', satellite: ['c'] } as ImportFlagValues)
        .graphOptions,
    ).toEqual({ smartGraphAttribute: 'region', satellites: ['c'], enterprise: undefined })
    expect(() => optionsFromFlags({ ...base, satellite: ['c'] } as ImportFlagValues)).toThrow(
      /--satellite needs --smart-graph-attribute or --enterprise-graph/,
    )
    expect(() =>
      optionsFromFlags({ type: 'auto', 'enterprise-graph': true } as unknown as ImportFlagValues),
    ).toThrow(/--enterprise-graph needs --graph NAME/)
  })
})

describe('a server without SmartGraphs (the embedded engine answers as a Community server cannot)', () => {
  const target = useTestTarget()
  it('the message says SmartGraphs need ArangoDB Enterprise or Oasis', async (ctx) => {
    if (target.kind === 'real') ctx.skip()
    await expect(
      runImport(target.db, ['fixtures/airports.csv', 'fixtures/flights.csv'], {
        graph: 'smart',
        graphOptions: { smartGraphAttribute: 'country' },
      }),
    ).rejects.toThrow(/need ArangoDB Enterprise Edition or ArangoDB Oasis/)
  })
})
