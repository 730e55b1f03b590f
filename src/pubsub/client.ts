/**
 * Which Pub/Sub graphpipe talks to, and the client for it. Resolution order, as DESIGN.md says:
 * flags, then environment. The emulator wins when it is named (`--emulator` / PUBSUB_EMULATOR_HOST);
 * otherwise GCP with a key file (`--key-file` / GOOGLE_APPLICATION_CREDENTIALS) or Application
 * Default Credentials for `--project` / GOOGLE_CLOUD_PROJECT.
 */
import fs from 'node:fs'

import { PubSub, type ClientConfig } from '@google-cloud/pubsub'

import { EXIT, GraphpipeError } from '../errors.js'
import { DEFAULTS } from '../config/defaults.js'

/** The Pub/Sub flags every command shares (see src/cli/pubsub-flags.ts). */
export interface PubSubFlagValues {
  project?: string
  'key-file'?: string
  emulator?: string
}

export type PubSubTarget =
  | { mode: 'emulator'; host: string; projectId: string; label: string }
  | { mode: 'gcp'; projectId: string; keyFile?: string; label: string }

export const NOT_CONFIGURED_HINT =
  'no Pub/Sub configured: for the emulator pass --emulator HOST:PORT or set PUBSUB_EMULATOR_HOST ' +
  '(start one with `gcloud beta emulators pubsub start`); for Google Cloud pass --project or set ' +
  'GOOGLE_CLOUD_PROJECT, with --key-file / GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`'

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/

function usage(code: string, message: string): GraphpipeError {
  return new GraphpipeError(code, message, EXIT.USAGE)
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

/** Decide where Pub/Sub is from flags and environment, without touching the network. */
export function resolvePubSubTarget(
  flags: PubSubFlagValues = {},
  env: NodeJS.ProcessEnv = process.env,
): PubSubTarget {
  const project = nonEmpty(flags.project) ?? nonEmpty(env.GOOGLE_CLOUD_PROJECT)
  const emulator = nonEmpty(flags.emulator) ?? nonEmpty(env.PUBSUB_EMULATOR_HOST)
  if (emulator) {
    const host = emulator.replace(/^https?:\/\//, '').replace(/\/+$/, '')
    if (!HOST_PORT.test(host)) {
      const from = flags.emulator ? '--emulator' : 'PUBSUB_EMULATOR_HOST'
      throw usage(
        'PUBSUB_BAD_EMULATOR',
        `${from} must be HOST:PORT (for example localhost:8085), got "${emulator}"`,
      )
    }
    // The emulator accepts any project id; one fixed default lets publish and consume agree.
    const projectId = project ?? nonEmpty(env.PUBSUB_PROJECT_ID) ?? DEFAULTS.pubsub.emulatorProject
    return { mode: 'emulator', host, projectId, label: `Pub/Sub emulator at ${host}, project ${projectId}` }
  }

  const keyFile = nonEmpty(flags['key-file']) ?? nonEmpty(env.GOOGLE_APPLICATION_CREDENTIALS)
  let keyProject: string | undefined
  if (keyFile) {
    const from = flags['key-file'] ? '--key-file' : 'GOOGLE_APPLICATION_CREDENTIALS'
    let text: string
    try {
      text = fs.readFileSync(keyFile, 'utf8')
    } catch (err) {
      throw usage(
        'PUBSUB_KEY_FILE',
        `${from}: cannot read ${keyFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      )
    }
    try {
      const parsed = JSON.parse(text) as { project_id?: unknown; quota_project_id?: unknown }
      keyProject =
        typeof parsed.project_id === 'string'
          ? parsed.project_id
          : typeof parsed.quota_project_id === 'string'
            ? parsed.quota_project_id
            : undefined
    } catch {
      throw usage('PUBSUB_KEY_FILE', `${from}: ${keyFile} is not a JSON credentials file`)
    }
  }
  const projectId = project ?? keyProject
  if (!projectId) throw usage('PUBSUB_NOT_CONFIGURED', NOT_CONFIGURED_HINT)
  const how = keyFile ? `key file ${keyFile}` : 'application default credentials'
  return { mode: 'gcp', projectId, keyFile, label: `Google Cloud Pub/Sub, project ${projectId} (${how})` }
}

/** The client options for a target; exported so the choice of options is testable. */
export function clientConfig(target: PubSubTarget): ClientConfig {
  if (target.mode === 'emulator') {
    // A project id and an explicit universe domain keep google-auth-library from looking for
    // credentials at all: otherwise it probes the GCE metadata server and prints
    // MetadataLookupWarning (checked against google-gax createStub -> auth.getUniverseDomain()).
    return {
      apiEndpoint: target.host,
      projectId: target.projectId,
      emulatorMode: true,
      universeDomain: 'googleapis.com',
    }
  }
  return { projectId: target.projectId, ...(target.keyFile ? { keyFilename: target.keyFile } : {}) }
}

/** A PubSub client for the target. Close it when done (`await client.close()`). */
export function createPubSubClient(target: PubSubTarget): PubSub {
  return new PubSub(clientConfig(target))
}

/**
 * For Google Cloud, find the credentials before anything else: without them the client fails
 * later, inside its stream, as an uncaught "Could not load the default credentials" with a stack
 * trace. gcp-metadata's MetadataLookupWarning (printed when the GCE metadata server is absent,
 * which is every machine but a GCE one) is dropped while looking: the one line below says it all.
 */
export async function checkCredentials(target: PubSubTarget): Promise<void> {
  if (target.mode !== 'gcp') return
  const emitWarning = process.emitWarning
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type
    if (type === 'MetadataLookupWarning' || (warning as Error)?.name === 'MetadataLookupWarning') return
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest)
  }) as typeof process.emitWarning
  const client = createPubSubClient(target)
  try {
    await client.auth.getClient()
  } catch (err) {
    const why = String((err as Error).message ?? err).split('\n')[0]
    throw new GraphpipeError(
      'PUBSUB_NO_CREDENTIALS',
      `no Google credentials for ${target.label}: ${why.replace(/\.? (See|Browse to) .*$/, '')}; pass --key-file, set GOOGLE_APPLICATION_CREDENTIALS, run \`gcloud auth application-default login\`, or use --emulator`,
      EXIT.CONNECTION,
    )
  } finally {
    process.emitWarning = emitWarning
    await client.close().catch(() => undefined)
  }
}
