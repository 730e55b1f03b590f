/**
 * Flags the `deadletters` commands share: the collection, and which dead letters to act on.
 * `list` takes the filters; `replay` and `purge` want a filter or `--all`, so that nothing is
 * replayed or removed whole by an omitted flag.
 */
import { Flags } from '@oclif/core'

import { DEFAULTS } from '../config/defaults.js'
import { parseDuration } from '../config/duration.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { isEmptySelection, type Selection } from '../consume/index.js'

const G = 'DEAD LETTERS'

export const collectionFlag = {
  'dead-letter-collection': Flags.string({
    helpGroup: G,
    default: DEFAULTS.consume.deadLetterCollection,
    description: 'the collection `consume` writes dead letters to',
  }),
}

export const filterFlags = {
  reason: Flags.string({ helpGroup: G, description: 'only dead letters whose reason contains this text' }),
  'older-than': Flags.string({
    helpGroup: G,
    description: 'only dead letters written longer ago than this: 30m, 12h, 7d',
  }),
  limit: Flags.integer({ helpGroup: G, min: 1, description: 'at most this many, oldest first' }),
}

export const selectFlags = {
  ...filterFlags,
  key: Flags.string({
    helpGroup: G,
    multiple: true,
    description: 'this dead letter (its _key; repeatable)',
  }),
  all: Flags.boolean({
    helpGroup: G,
    default: false,
    description: 'every dead letter (needed when no --key, --reason or --older-than narrows it)',
  }),
}

/** The selection of the flags; `requireOne`: without a filter, --all must say "all" outright. */
export function selectionOf(
  f: { reason?: string; 'older-than'?: string; limit?: number; key?: string[]; all?: boolean },
  requireOne: boolean,
): Selection {
  const s: Selection = {
    keys: f.key,
    reason: f.reason,
    olderThanMs: f['older-than'] === undefined ? undefined : parseDuration(f['older-than'], '--older-than'),
    limit: f.limit,
  }
  if (requireOne && isEmptySelection(s) && !f.all)
    throw new GraphpipeError(
      'DEADLETTERS_NO_SELECTION',
      'say which dead letters: --key, --reason, --older-than, or --all for every one',
      EXIT.USAGE,
    )
  if (f.all && !isEmptySelection(s))
    throw new GraphpipeError(
      'DEADLETTERS_NO_SELECTION',
      '--all selects every dead letter: leave out --key, --reason and --older-than, or --all',
      EXIT.USAGE,
    )
  return s
}
