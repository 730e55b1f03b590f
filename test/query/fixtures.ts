import { readFileSync } from 'node:fs'

import { parse } from 'csv-parse/sync'
import type { Database } from 'arangojs'

import { runImport } from '../../src/import/importer.js'

export const AIRPORTS_CSV = 'fixtures/airports.csv'
export const FLIGHTS_CSV = 'fixtures/flights.csv'

/** The seed's three queries, exactly as its users wrote them. */
export const SEED_QUERIES = {
  vip: 'FOR airport IN airports FILTER airport.vip RETURN airport',
  laxOutbound: "FOR airport IN 1..1 OUTBOUND 'airports/LAX' flights RETURN DISTINCT airport.name",
  bisJanuary:
    "FOR airport, flight IN ANY 'airports/BIS' flights FILTER flight.Month == 1 AND flight.Day >= 5 AND flight.DAY <= 7 RETURN { city: airport.city, time: flight.ArrTimeUTC }",
}

/** Loads the graph-course fixtures into `db` with the import core (airports, then flights edges). */
export async function loadFixtures(db: Database): Promise<void> {
  const res = await runImport(db, [AIRPORTS_CSV, FLIGHTS_CSV], {})
  const failed = res.files.filter((f) => f.errors > 0)
  if (failed.length) throw new Error(`fixture import rejected rows: ${JSON.stringify(failed)}`)
}

type Row = Record<string, string>
const read = (file: string): Row[] => parse(readFileSync(file), { columns: true }) as Row[]

/**
 * The seed queries' answers worked out from the CSV files themselves (an oracle independent of
 * the engine), as multisets sorted for comparison.
 */
export function expectedAnswers() {
  const airports = read(AIRPORTS_CSV)
  const flights = read(FLIGHTS_CSV)
  const byId = new Map(airports.map((a) => [`airports/${a._key}`, a]))
  const vip = airports.filter((a) => a.vip === 'true').map((a) => a._key)
  const laxOutbound = [
    ...new Set(flights.filter((f) => f._from === 'airports/LAX').map((f) => byId.get(f._to)!.name)),
  ]
  // flight.DAY does not exist: null <= 7 is true in AQL, so only Month and Day filter.
  const bisJanuary = flights
    .filter(
      (f) =>
        (f._from === 'airports/BIS' || f._to === 'airports/BIS') && f.Month === '1' && Number(f.Day) >= 5,
    )
    .map((f) => ({ city: byId.get(f._from === 'airports/BIS' ? f._to : f._from)!.city, time: f.ArrTimeUTC }))
  return { vip, laxOutbound, bisJanuary }
}

export const sortJson = (rows: unknown[]): string[] => rows.map((r) => JSON.stringify(r)).sort()
