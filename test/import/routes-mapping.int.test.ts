/**
 * issue 15: OpenFlights routes with a mapping file that makes `airlines` vertices and `routes`
 * edges between `airports` in one pass (computed edge keys, per-field types, a foreign `from`).
 * The expected counts are computed from the file itself, read where the shared datasets are.
 * The normal suite imports the file's first 8,000 routes (through a temporary file, deleted
 * afterwards) to stay within the suite's time; GRAPHPIPE_TEST_FULL_ROUTES=1 imports all 67,663.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it } from 'vitest'

import { importMapped } from '../../src/import/mapped.js'
import { useTestTarget } from '../helpers/target.js'

const routes = path.resolve(__dirname, '../../../shared/datasets/openflights/flights.csv')
const mapping = path.resolve(__dirname, '../../fixtures/import/routes-mapping.json')

describe.skipIf(!fs.existsSync(routes))('import --mapping of OpenFlights routes', () => {
  const target = useTestTarget()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gp-routes-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('makes one airline per airline ID, one airport per airport ID and one route per (airline, source, destination)', async () => {
    const text = fs.readFileSync(routes, 'utf8')
    const lines = text.split(/\r?\n/)
    const rows = lines.slice(1).filter((l) => l !== '')
    let file = routes
    if (process.env.GRAPHPIPE_TEST_FULL_ROUTES !== '1') {
      rows.splice(8000)
      file = path.join(dir, 'flights.csv')
      fs.writeFileSync(file, [lines[0], ...rows].join('\n') + '\n')
    }
    // the file has no quoted fields, so a comma split is its CSV parse
    expect(text.includes('"')).toBe(false)
    const cols = rows.map((l) => l.split(','))
    const airlines = new Set(cols.map((c) => c[1]))
    const airports = new Set(cols.flatMap((c) => [c[3], c[5]]))
    const triples = new Set(cols.map((c) => `${c[1]}_${c[3]}_${c[5]}`))

    const r = await importMapped(target.db, [file], { type: 'auto' } as never, {
      mapping,
      batchSize: 20000,
    })
    expect(r.total.rows).toBe(rows.length)
    expect(r.total.written).toBe(rows.length)
    expect(r.total.deadLettered + r.total.rejected).toBe(0)

    const count = async (c: string) => (await target.db.collection(c).count()).count
    expect(await count('airlines')).toBe(airlines.size)
    expect(await count('airports')).toBe(airports.size)
    expect(await count('routes')).toBe(triples.size)

    // one row, followed through: its types converted, its edge keyed by the three columns
    const [airline, airlineId, , srcId, , dstId, , stops, equipment] = cols[0]
    const edge = await target.db.collection('routes').document(`${airlineId}_${srcId}_${dstId}`)
    expect(edge).toMatchObject({
      _from: `airports/${srcId}`,
      _to: `airports/${dstId}`,
      airline,
      ' stops': Number(stops),
      ' equipment': equipment,
    })
    const a = await target.db.collection('airlines').document(airlineId)
    expect(
      Object.keys(a)
        .filter((k) => !k.startsWith('_'))
        .sort(),
    ).toEqual([' airline ID', 'airline'])
    const g = await target.db.graph('openflights').get()
    expect(g.edgeDefinitions).toEqual([{ collection: 'routes', from: ['airports'], to: ['airports'] }])
  }, 120_000)
})
