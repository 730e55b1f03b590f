/** Public types of the import core (src/import). The command renders these; `--json` prints ImportResult. */

export type InputType = 'csv' | 'tsv' | 'json' | 'jsonl'
export type OnDuplicate = 'error' | 'update' | 'replace' | 'ignore'
export type Datatype = 'string' | 'number' | 'boolean' | 'null'
export type CollectionType = 'document' | 'edge'

export interface ImportOptions {
  /** Target collection for every file; default: each file's base name (`airports.csv.gz` -> `airports`). */
  collection?: string
  /** `auto` (default) picks by extension: .csv .tsv .json .jsonl .ndjson, also under .gz. */
  type?: InputType | 'auto'
  /** Force the type of collections created; default: edge when the data has `_from` and `_to`. */
  collectionType?: CollectionType
  /** Create missing collections (default true). */
  createCollection?: boolean
  /** Create the database when it does not exist. */
  createDatabase?: boolean
  /** arangoimport --convert (default true): unquoted numbers, true, false, null become typed. */
  convert?: boolean
  /** arangoimport --datatype ATTR=TYPE, keyed by the column name as it appears in the file. */
  datatypes?: Record<string, Datatype>
  /** CSV separator (default `,`; TSV default tab). Only its first character counts, as in arangoimport. */
  separator?: string
  /** CSV quote character (default `"`); empty string disables quoting. TSV never quotes. */
  quote?: string
  /** Lines to skip at the start of each file (before the header line). */
  skipLines?: number
  /** A file whose only line holds the column names; the data files then have no header line. */
  headersFile?: string
  /** Import rows with fewer values than columns (the missing attributes are left out). */
  ignoreMissing?: boolean
  /** Column renames OLD -> NEW (arangoimport --translate). */
  translate?: Record<string, string>
  /** Attributes left out of every document (arangoimport --remove-attribute). */
  removeAttributes?: string[]
  /** Collection name prepended to `_from` / `_to` values that hold only a key. */
  fromPrefix?: string
  toPrefix?: string
  /** Replace the collection part of `_from` / `_to` values that have one by the prefix. */
  overwritePrefix?: boolean
  /** arangoimport --merge-attributes NEW=[a]-[b], in order. */
  mergeAttributes?: string[]
  onDuplicate?: OnDuplicate
  /** Truncate each target collection first (indexes stay). */
  overwrite?: boolean
  /** Documents per request (default 1000). */
  batchSize?: number
  /** Requests in flight (default 2). */
  concurrency?: number
  /** Stop after this many rejected rows (default: go on). */
  maxErrors?: number
  /** Create or extend this named graph with the edge definitions the edge files show. */
  graph?: string
  /**
   * Graph options for ArangoDB Enterprise / Oasis, sent when --graph creates the graph:
   * a SmartGraph (smartGraphAttribute), an EnterpriseGraph (enterprise: isSmart without a smart
   * attribute), Hybrid SmartGraphs (satellites). Ignored when the graph exists already.
   */
  graphOptions?: GraphOptions
  /** Parse, convert and validate; write nothing. */
  dryRun?: boolean
  /** Write every rejected row as a JSON line here. */
  errorsFile?: string
  /** Read and convert in a worker thread when running compiled code (default true). */
  workerThreads?: boolean
  /**
   * Resumable import (docs/import.md "Resuming"): each batch commits with the file's checkpoint
   * in one stream transaction; a file with a checkpoint continues after its last committed row.
   */
  resume?: boolean
  /** Discard the files' checkpoints and import them resumably from their first row. */
  restart?: boolean
  /** Stop between batches (Ctrl-C): what is gathered commits, the checkpoint stays. Resumable imports only. */
  signal?: AbortSignal
}

export interface GraphOptions {
  smartGraphAttribute?: string
  satellites?: string[]
  enterprise?: boolean
}

/** One rejected row: where it is and why (ArangoDB's reason, or the parser's). */
export interface RejectedRow {
  file: string
  line: number
  reason: string
}

export interface Counts {
  /** Rows read from the file; always created + updated + ignored + empty + errors. */
  rows: number
  created: number
  updated: number
  ignored: number
  empty: number
  errors: number
}

export interface FileResult extends Counts {
  file: string
  collection: string
  collectionType: CollectionType
  /** True when the run created this collection (or, under --dry-run, would create it). */
  collectionCreated: boolean
  type: InputType
  elapsedMs: number
  rowsPerSecond: number
  /** Set when --max-errors stopped this file early. */
  stopped?: boolean
  /** What this file's import should make the user look twice at (e.g. keyless rows added beside existing documents). */
  warnings?: string[]
  /** Set when the rows had no _key and the collection already held this many documents (the rows were added beside them). */
  keylessBeside?: number
  /**
   * Set when this run resumed the file from a checkpoint: where it took up and what the rows
   * before had become. The counts of this result include those rows (rows = all rows of the file).
   */
  resumed?: ResumedFrom
}

/** Where a resumed file took up: after `rows` rows (the last on `line`, within the first `bytes` bytes). */
export interface ResumedFrom {
  rows: number
  line: number
  bytes: number
  /** When the checkpoint was committed. */
  at: string
  /** What the rows before the resume point became (part of the file's counts). */
  counts: Omit<Counts, 'rows'>
  /** The file was imported completely by an earlier run (this run read nothing of it). */
  complete?: boolean
}

export interface GraphResult {
  name: string
  created: boolean
  edgeDefinitions: { collection: string; from: string[]; to: string[] }[]
}

export interface ImportResult {
  database: string
  databaseCreated: boolean
  dryRun: boolean
  files: FileResult[]
  total: Counts & { elapsedMs: number; rowsPerSecond: number }
  graph?: GraphResult
  /** The first rejected rows (up to 20); all of them go to --errors-file. */
  rejected: RejectedRow[]
  /** True when --max-errors ended the run early. */
  stopped: boolean
  /** Every warning of the run, in order (also given to onWarning as they arise, before the writes they concern). */
  warnings: string[]
  /** Set for --resume/--restart runs: the batches committed with checkpoints (removed at the end). */
  resumable?: boolean
}

export interface ProgressInfo {
  file: string
  rows: number
  bytesRead: number
  /** Size of the input on disk (compressed size for .gz); undefined for stdin. */
  totalBytes?: number
  elapsedMs: number
}

export interface ImportCallbacks {
  /** Called at most every `progressIntervalMs` while a file is read, and once at its end. */
  onProgress?(info: ProgressInfo): void
  onRejected?(row: RejectedRow): void
  onFileStart?(file: string, collection: string, type: InputType): void
  onFileDone?(result: FileResult): void
  /** Notes such as "created collection flights (edge)". */
  onNote?(message: string): void
  /** Something the user should check, said before the writes it concerns. */
  onWarning?(message: string): void
}
