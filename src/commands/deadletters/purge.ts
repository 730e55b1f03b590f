import { Flags } from '@oclif/core'

import { BaseCommand } from '../../cli/base-command.js'
import { collectionFlag, selectFlags, selectionOf } from '../../cli/deadletter-flags.js'
import { DeadLetterStore } from '../../consume/index.js'

export interface PurgeResult {
  collection: string
  selected: number
  purged: number
  /** Without --yes nothing is removed: the counts say what would be. */
  dryRun: boolean
}

export default class DeadlettersPurge extends BaseCommand<typeof DeadlettersPurge> {
  static override summary = 'Remove dead letters for good'
  static override description =
    'Never asks: without --yes it only counts what it would remove (a dry run, exit 0). Say which ones with --key, --reason, --older-than (combined with AND) or --all.'
  static override examples = [
    '<%= config.bin %> deadletters purge --older-than 30d --yes',
    "<%= config.bin %> deadletters purge --reason 'not JSON'",
    '<%= config.bin %> deadletters purge --all --yes --json',
  ]

  static override flags = {
    ...collectionFlag,
    ...selectFlags,
    yes: Flags.boolean({ char: 'y', default: false, description: 'remove them (without it: a dry run)' }),
  }

  async run(): Promise<PurgeResult> {
    const f = this.flags
    const selection = selectionOf(f, true)
    const conn = await this.connect()
    const store = new DeadLetterStore(conn.db, f['dead-letter-collection'])
    const docs = await store.select(selection)
    const purged = f.yes ? (await store.remove(docs)).size : 0
    const result = { collection: store.collection, selected: docs.length, purged, dryRun: !f.yes }
    if (this.jsonEnabled()) return result
    if (!f.yes)
      this.out(`dry run: would remove ${docs.length} dead letters from ${store.collection}; pass --yes`)
    else
      this.out(
        `removed ${purged} of ${docs.length} dead letters from ${store.collection}${purged < docs.length ? ` (${docs.length - purged} changed meanwhile, kept)` : ''}`,
      )
    return result
  }
}
