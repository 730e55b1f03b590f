import type { Database } from 'arangojs'

/** Deployment flags every database command carries (see src/cli/base-command.ts). */
export interface DeploymentFlags {
  url?: string
  database?: string
  username?: string
  'ca-cert'?: string
  deployment?: string
  'data-dir'?: string
}

/** Where a command's data goes, said on stderr before it starts. */
export interface TargetDescription {
  kind: 'embedded' | 'remote'
  /** e.g. "embedded engine at /home/u/.local/share/graphpipe" or "https://x.arangodb.cloud:8529 (profile oasis)" */
  label: string
  urls: string[]
  database: string
}

export interface Connection {
  db: Database
  target: TargetDescription
  /** Closes the arangojs connection and stops an embedded engine the command started. */
  close(): Promise<void>
}
