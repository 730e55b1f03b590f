/** The `graphpipe import` flags (the names are the contract of issue 3) and their mapping to ImportOptions. */
import { Flags, type Interfaces } from '@oclif/core'

import { EXIT, GraphpipeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'
import type { Datatype, ImportOptions } from './types.js'

const many = (description: string) => Flags.string({ description, multiple: true, multipleNonGreedy: true })

/** "OLD=NEW" pairs (split at the first `=`, as names rarely hold one and types never do). */
function pairs(flag: string, values: string[] = [], sepLast = false): [string, string][] {
  return values.map((v) => {
    const i = sepLast ? v.lastIndexOf('=') : v.indexOf('=')
    if (i <= 0 || i === v.length - 1)
      throw new GraphpipeError('IMPORT_USAGE', `--${flag} ${v}: expected NAME=VALUE`, EXIT.USAGE)
    return [v.slice(0, i), v.slice(i + 1)]
  })
}

export const importFlags = {
  collection: Flags.string({ char: 'c', description: 'target collection (default: the file base name)' }),
  type: Flags.string({
    options: ['auto', 'csv', 'tsv', 'json', 'jsonl'],
    default: 'auto',
    description: 'input format',
  }),
  'collection-type': Flags.string({
    options: ['document', 'edge'],
    description: 'type of created collections (default: edge when _from and _to are present)',
  }),
  'create-collection': Flags.boolean({
    default: true,
    allowNo: true,
    description: 'create missing collections',
  }),
  'create-database': Flags.boolean({ description: 'create the database when missing' }),
  convert: Flags.boolean({
    default: true,
    allowNo: true,
    description: 'type unquoted numbers and true/false (CSV/TSV); --no-convert keeps strings',
  }),
  datatype: many('force a type: ATTR=string|number|boolean|null (CSV/TSV; repeatable)'),
  separator: Flags.string({ description: 'field separator (default , for CSV, tab for TSV; \\t is a tab)' }),
  quote: Flags.string({ description: 'quote character for CSV (default ")' }),
  'skip-lines': Flags.integer({ min: 0, default: 0, description: 'lines to skip before the header' }),
  'headers-file': Flags.string({
    description: 'file holding the one header line; the data files have none',
  }),
  'ignore-missing': Flags.boolean({ description: 'import rows with fewer values than columns' }),
  translate: many('rename a column: OLD=NEW (repeatable; NEW may be _key, _from, _to)'),
  'remove-attribute': many('leave this attribute out (repeatable)'),
  'from-prefix': Flags.string({ description: 'collection prepended to _from values that hold only a key' }),
  'to-prefix': Flags.string({ description: 'collection prepended to _to values that hold only a key' }),
  'overwrite-prefix': Flags.boolean({
    description: 'also replace the collection in _from/_to values that have one',
  }),
  'merge-attributes': many('add NEW=[a]-[b]: a concatenation of columns and literals (repeatable)'),
  'on-duplicate': Flags.string({
    options: ['error', 'update', 'replace', 'ignore'],
    default: 'error',
    description: 'what to do with an existing _key',
  }),
  overwrite: Flags.boolean({ description: 'truncate each target collection first (indexes stay)' }),
  'batch-size': Flags.integer({
    min: 1,
    description: `documents per request (default ${DEFAULTS.import.batchSize}; a request also ends at 1 MiB, as arangoimport batches); with --resume/--restart rows per transaction (default ${DEFAULTS.import.resumableBatchSize})`,
  }),
  concurrency: Flags.integer({
    min: 1,
    default: DEFAULTS.import.concurrency,
    description: 'requests in flight',
  }),
  'max-errors': Flags.integer({
    min: 0,
    description: 'stop after this many rejected rows (default: go on)',
  }),
  graph: Flags.string({
    description: 'create or extend this named graph with the edge definitions the data shows',
  }),
  'smart-graph-attribute': Flags.string({
    description:
      'with --graph: create it as a SmartGraph sharded by this attribute (ArangoDB Enterprise/Oasis)',
  }),
  satellite: many(
    'with --graph: a SatelliteCollection of a Hybrid SmartGraph (repeatable; Enterprise/Oasis)',
  ),
  'enterprise-graph': Flags.boolean({
    description: 'with --graph: create it as an EnterpriseGraph (ArangoDB Enterprise/Oasis)',
  }),
  'dry-run': Flags.boolean({ description: 'parse, convert and validate; write nothing' }),
  resume: Flags.boolean({
    description:
      'resumable: each batch commits with a checkpoint; run again with --resume after a kill, outage or Ctrl-C to continue after the last committed batch (files only, not stdin)',
    exclusive: ['restart'],
  }),
  restart: Flags.boolean({
    description:
      "discard the files' checkpoints and import them again from their first row, resumably (rows already written stay)",
    exclusive: ['resume'],
  }),
  'errors-file': Flags.string({
    description: 'write every rejected row here (JSON lines: file, line, reason)',
  }),
}

export type ImportFlagValues = Interfaces.InferredFlags<typeof importFlags>

export function optionsFromFlags(f: ImportFlagValues): ImportOptions {
  return {
    collection: f.collection,
    type: f.type as ImportOptions['type'],
    collectionType: f['collection-type'] as ImportOptions['collectionType'],
    createCollection: f['create-collection'],
    createDatabase: f['create-database'],
    convert: f.convert,
    datatypes: Object.fromEntries(pairs('datatype', f.datatype, true).map(([k, v]) => [k, checkType(v)])),
    separator: unescapeSeparator(f.separator),
    quote: f.quote,
    skipLines: f['skip-lines'],
    headersFile: f['headers-file'],
    ignoreMissing: f['ignore-missing'],
    translate: Object.fromEntries(pairs('translate', f.translate)),
    removeAttributes: f['remove-attribute'],
    fromPrefix: f['from-prefix'],
    toPrefix: f['to-prefix'],
    overwritePrefix: f['overwrite-prefix'],
    mergeAttributes: f['merge-attributes'],
    onDuplicate: f['on-duplicate'] as ImportOptions['onDuplicate'],
    overwrite: f.overwrite,
    batchSize: f['batch-size'],
    concurrency: f.concurrency,
    maxErrors: f['max-errors'],
    graph: f.graph,
    graphOptions: graphOptions(f),
    dryRun: f['dry-run'],
    errorsFile: f['errors-file'],
    resume: f.resume,
    restart: f.restart,
  }
}

/** --smart-graph-attribute / --satellite / --enterprise-graph, checked against each other and --graph. */
function graphOptions(f: ImportFlagValues): ImportOptions['graphOptions'] {
  const smart = f['smart-graph-attribute']
  const satellites = f.satellite ?? []
  const enterprise = f['enterprise-graph']
  if (smart === undefined && satellites.length === 0 && !enterprise) return undefined
  const given =
    smart !== undefined
      ? '--smart-graph-attribute'
      : satellites.length > 0
        ? '--satellite'
        : '--enterprise-graph'
  if (!f.graph) throw new GraphpipeError('IMPORT_USAGE', `${given} needs --graph NAME`, EXIT.USAGE)
  if (enterprise && smart !== undefined)
    throw new GraphpipeError(
      'IMPORT_USAGE',
      '--enterprise-graph and --smart-graph-attribute exclude each other (an EnterpriseGraph has no smart attribute)',
      EXIT.USAGE,
    )
  if (satellites.length > 0 && smart === undefined && !enterprise)
    throw new GraphpipeError(
      'IMPORT_USAGE',
      '--satellite needs --smart-graph-attribute or --enterprise-graph (SatelliteCollections belong to a Hybrid SmartGraph)',
      EXIT.USAGE,
    )
  return { smartGraphAttribute: smart, satellites, enterprise }
}

function checkType(v: string): Datatype {
  if (v === 'string' || v === 'number' || v === 'boolean' || v === 'null') return v
  throw new GraphpipeError(
    'IMPORT_USAGE',
    `--datatype: unknown type ${v} (string, number, boolean or null)`,
    EXIT.USAGE,
  )
}

/** arangoimport unescapes --separator, so `--separator '\t'` means a tab. */
export function unescapeSeparator(v: string | undefined): string | undefined {
  if (v === undefined) return v
  return v.replace(/\\t/g, '\t').replace(/\\n/g, '\n')
}
