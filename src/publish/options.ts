/** From `graphpipe publish` flag values to PublishOptions; every mistake is a usage error (exit 2). */
import { EXIT, GraphpipeError } from '../errors.js'
import { parsePath } from './message.js'
import type { PublishOptions } from './publish.js'

export interface PublishFlagValues {
  topic: string
  'create-topic': boolean
  split: boolean
  attribute?: string[]
  'attribute-from'?: string[]
  'ordering-key'?: string
  'ordering-key-from'?: string
  'batch-max-messages'?: number
  'batch-max-bytes'?: number
  'batch-max-ms'?: number
  'max-outstanding'?: number
  'skip-invalid': boolean
  'ids-file'?: string
}

function keyValue(flag: string, raw: string, what: string): [string, string] {
  const eq = raw.indexOf('=')
  if (eq <= 0) {
    throw new GraphpipeError('PUBLISH_BAD_FLAG', `${flag} expects KEY=${what}, got "${raw}"`, EXIT.USAGE)
  }
  return [raw.slice(0, eq), raw.slice(eq + 1)]
}

export function optionsFromFlags(
  inputs: string[],
  f: PublishFlagValues,
  extra: Partial<PublishOptions> = {},
): PublishOptions {
  const attributes: Record<string, string> = {}
  for (const raw of f.attribute ?? []) {
    const [k, v] = keyValue('--attribute', raw, 'VALUE')
    attributes[k] = v
  }
  const attributesFrom = (f['attribute-from'] ?? []).map((raw) => {
    const [key, path] = keyValue('--attribute-from', raw, 'PATH')
    return { key, path: parsePath(path, '--attribute-from') }
  })
  if (f['ordering-key'] !== undefined && f['ordering-key-from'] !== undefined) {
    throw new GraphpipeError(
      'PUBLISH_BAD_FLAG',
      '--ordering-key and --ordering-key-from cannot be used together',
      EXIT.USAGE,
    )
  }
  if (f['ordering-key'] === '') {
    throw new GraphpipeError('PUBLISH_BAD_FLAG', '--ordering-key must not be empty', EXIT.USAGE)
  }
  const batching = {
    maxMessages: f['batch-max-messages'],
    maxBytes: f['batch-max-bytes'],
    maxMilliseconds: f['batch-max-ms'],
  }
  const anyBatching = Object.values(batching).some((v) => v !== undefined)
  return {
    inputs,
    topic: f.topic,
    createTopic: f['create-topic'],
    split: f.split,
    skipInvalid: f['skip-invalid'],
    attributes: Object.keys(attributes).length ? attributes : undefined,
    attributesFrom: attributesFrom.length ? attributesFrom : undefined,
    orderingKey: f['ordering-key'],
    orderingKeyFrom:
      f['ordering-key-from'] !== undefined
        ? parsePath(f['ordering-key-from'], '--ordering-key-from')
        : undefined,
    batching: anyBatching ? batching : undefined,
    maxOutstanding: f['max-outstanding'],
    idsFile: f['ids-file'],
    ...extra,
  }
}
