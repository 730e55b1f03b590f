/**
 * The traps a new user fell into (issue 15, part 5), against a live target: importing keyless
 * rows a second time, and flags that name columns the file does not have.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

import { columnWarnings, probeColumns } from '../../src/import/checks.js'
import { runImport } from '../../src/import/importer.js'
import { fileSummary } from '../../src/import/render.js'
import { useTestTarget } from '../helpers/target.js'

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-import-traps-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** The head of OpenFlights' routes file, with its header's leading spaces. */
const ROUTES =
  'airline, airline ID, source airport, source airport id, destination airport, destination airport id, codeshare, stops, equipment\n' +
  '2B,410,AER,2965,KZN,2990,,0,CR2\n' +
  '2B,410,ASF,2966,KZN,2990,,0,CR2\n'

describe('the traps of a second import and of misnamed columns', () => {
  const target = useTestTarget()

  it('importing the graph-course fixtures twice warns before writing that the 47 keyless flights are added again, and says so in the summary', async () => {
    const first = await runImport(target.db, ['fixtures/airports.csv', 'fixtures/flights.csv'], {})
    expect(first.warnings).toEqual([])
    const said: string[] = []
    const again = await runImport(
      target.db,
      ['fixtures/airports.csv', 'fixtures/flights.csv'],
      {},
      {
        onWarning: (m) => said.push(m),
      },
    )
    // the airports have keys: rejected, no warning; the flights have none: added beside the first 47
    expect(again.files[0]).toMatchObject({ errors: 25, created: 0 })
    expect(again.files[0].keylessBeside).toBeUndefined()
    expect(again.files[1]).toMatchObject({ created: 47, keylessBeside: 47 })
    expect(said).toHaveLength(1)
    expect(said[0]).toContain(
      'flights already holds 47 documents and the rows of fixtures/flights.csv have no _key',
    )
    expect(said[0]).toContain('--overwrite')
    expect(again.warnings).toEqual(said)
    expect(again.files[1].warnings).toEqual(said)
    expect(fileSummary(again.files[1], false)).toContain(
      'rows without _key, added beside the 47 documents already there: check for duplicates',
    )
    expect((await target.db.collection('flights').count()).count).toBe(94)

    // --overwrite is the way out, and gives no warning
    const clean = await runImport(target.db, ['fixtures/flights.csv'], { overwrite: true })
    expect(clean.warnings).toEqual([])
    expect((await target.db.collection('flights').count()).count).toBe(47)
  })

  it('--dry-run says the keyless rows would be added beside the existing documents', async () => {
    const r = await runImport(target.db, ['fixtures/flights.csv'], { dryRun: true })
    expect(r.warnings[0]).toContain('they would be added as new documents')
    expect(fileSummary(r.files[0], true)).toContain('would be added beside the 47 documents')
  })

  it("--translate without the leading space of ' source airport' warns, naming the columns the file has, and suggests the near miss", async () => {
    const f = path.join(tmp, 'routes.csv')
    writeFileSync(f, ROUTES)
    const said: string[] = []
    const r = await runImport(
      target.db,
      [f],
      {
        translate: { 'source airport': '_from', 'destination airport': '_to' },
        fromPrefix: 'airports',
        toPrefix: 'airports',
      },
      { onWarning: (m) => said.push(m) },
    )
    expect(r.files[0].collectionType).toBe('document')
    expect(said).toHaveLength(4)
    expect(said[0]).toContain(`--translate "source airport=_from": no input has a column "source airport"`)
    expect(said[0]).toContain(`(did you mean " source airport"?)`)
    expect(said[0]).toContain(`routes.csv has: airline, " airline ID", " source airport"`)
    expect(said[2]).toContain('--from-prefix airports: no input has a _from column')
    expect(said[3]).toContain('--to-prefix airports: no input has a _to column')
  })

  it('the same flags spelled right make edges and warn about nothing', async () => {
    const f = path.join(tmp, 'routes2.csv')
    writeFileSync(f, ROUTES)
    const r = await runImport(target.db, [f], {
      translate: { ' source airport': '_from', ' destination airport': '_to' },
      fromPrefix: 'airports',
      toPrefix: 'airports',
    })
    expect(r.warnings).toEqual([])
    expect(r.files[0]).toMatchObject({ collectionType: 'edge', created: 2 })
  })
})

describe('probeColumns and columnWarnings', () => {
  it('reads the header after --skip-lines, and the first JSON document of an array or JSON lines', async () => {
    const csv = path.join(tmp, 'skip.csv')
    writeFileSync(csv, 'junk line\na,b\n1,2\n')
    expect(await probeColumns({ file: csv, type: 'csv', opts: { skipLines: 1 } })).toEqual(['a', 'b'])
    const json = path.join(tmp, 'a.json')
    writeFileSync(json, '[{"x":1,"y":{"z":2}},{"w":3}]')
    expect(await probeColumns({ file: json, type: 'json', opts: {} })).toEqual(['x', 'y'])
    const jsonl = path.join(tmp, 'a.jsonl')
    writeFileSync(jsonl, '\n{"k":1}\n')
    expect(await probeColumns({ file: jsonl, type: 'jsonl', opts: {} })).toEqual(['k'])
    expect(await probeColumns({ file: '-', type: 'jsonl', opts: {} })).toBeUndefined()
  })

  it('a column that only one of several files has is no warning (the OpenFlights command translates per file)', () => {
    const files = [
      { file: 'airports.csv', columns: ['id', 'AiportID'] },
      { file: 'flights.csv', columns: ['airline', ' source airport', ' destination airport'] },
    ]
    const opts = {
      translate: { AiportID: '_key', ' source airport': '_from', ' destination airport': '_to' },
      fromPrefix: 'airports',
      toPrefix: 'airports',
    }
    expect(columnWarnings(files, opts)).toEqual([])
    // stdin's columns are unknown: no guessing
    expect(columnWarnings([{ file: '-' }], { translate: { nope: '_key' } })).toEqual([])
  })
})
