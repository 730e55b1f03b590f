/** What an import will do, worked out before anything is read: each file's type and collection. */
import { readFile } from 'node:fs/promises'

import { EXIT, GraphpipeError } from '../errors.js'
import { DelimitedSplitter } from './delimited.js'
import type { ProduceSpec } from './produce.js'
import { checkReadable, collectionFromName, typeFromName } from './source.js'
import type { ImportOptions, InputType } from './types.js'

export interface Plan {
  file: string
  type: InputType
  collection: string
}

/** Check the arguments and work out type and collection of every file; usage errors (exit 2) here. */
export async function planImport(files: string[], opts: ImportOptions): Promise<Plan[]> {
  if (files.length === 0) throw usage('no input file given')
  const plans: Plan[] = []
  for (const file of files) {
    await checkReadable(file)
    const type = opts.type && opts.type !== 'auto' ? opts.type : typeFromName(file)
    if (!type) {
      throw usage(
        file === '-'
          ? 'cannot tell the type of stdin: use --type csv|tsv|json|jsonl'
          : `${file}: cannot tell the type from the extension: use --type csv|tsv|json|jsonl`,
      )
    }
    const collection = opts.collection ?? (file === '-' ? undefined : collectionFromName(file))
    if (!collection) throw usage('reading stdin needs --collection NAME')
    plans.push({ file, type, collection })
  }
  if (opts.resume || opts.restart) {
    if (opts.resume && opts.restart)
      throw usage(
        '--resume and --restart exclude each other (--restart discards the checkpoint, --resume continues it)',
      )
    const flag = opts.resume ? '--resume' : '--restart'
    if (files.includes('-'))
      throw usage(
        `stdin cannot be resumed: ${flag} needs a file it can read again (save the input to a file and import that)`,
      )
    if (opts.dryRun) throw usage(`${flag} writes checkpoints; --dry-run writes nothing: use one of them`)
  }
  if (opts.batchSize !== undefined && !(opts.batchSize >= 1)) throw usage('--batch-size must be at least 1')
  if (opts.concurrency !== undefined && !(opts.concurrency >= 1))
    throw usage('--concurrency must be at least 1')
  return plans
}

export function usage(message: string): GraphpipeError {
  return new GraphpipeError('IMPORT_USAGE', message, EXIT.USAGE)
}

/** What the reading half needs of each planned file (CSV/TSV: with the columns of --headers-file). */
export async function produceSpecs(plans: Plan[], opts: ImportOptions): Promise<ProduceSpec[]> {
  const specs: ProduceSpec[] = []
  for (const plan of plans) {
    const separator = opts.separator ?? (plan.type === 'tsv' ? '\t' : ',')
    const quote = plan.type === 'tsv' ? '' : (opts.quote ?? '"')
    const header =
      opts.headersFile && (plan.type === 'csv' || plan.type === 'tsv')
        ? await readHeaders(opts.headersFile, separator, quote)
        : undefined
    specs.push({ file: plan.file, type: plan.type, header, opts })
  }
  return specs
}

/** Read --headers-file: its one line holds the column names. */
async function readHeaders(file: string, separator: string, quote: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw usage(`--headers-file ${file}: cannot read it`)
  }
  const rows: string[][] = []
  const sp = new DelimitedSplitter(
    { separator, quote },
    {
      record: (f) => void rows.push(f.slice()),
      malformed: (line, reason) => {
        throw usage(`--headers-file ${file}, line ${line}: ${reason}`)
      },
    },
  )
  sp.push(text)
  sp.end()
  if (rows.length !== 1)
    throw usage(`--headers-file ${file}: expected one line of column names, found ${rows.length}`)
  return rows[0]
}
