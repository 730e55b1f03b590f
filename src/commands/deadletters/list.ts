import { BaseCommand } from '../../cli/base-command.js'
import { collectionFlag, filterFlags, selectionOf } from '../../cli/deadletter-flags.js'
import { DEFAULTS } from '../../config/defaults.js'
import { DeadLetterStore, entryOf, type DeadLetterEntry, type ReasonCount } from '../../consume/index.js'
import { renderTable } from '../../ui/table.js'

export interface ListResult {
  collection: string
  /** Dead letters matching the filters; the reason counts add up to it. */
  total: number
  reasons: ReasonCount[]
  /** The first --limit of them, oldest first. */
  deadLetters: DeadLetterEntry[]
}

export default class DeadlettersList extends BaseCommand<typeof DeadlettersList> {
  static override summary = 'Count dead letters by reason and list the oldest'
  static override description = `Dead letters are the messages and records \`consume\` could not write. The reason counts cover every dead letter matching the filters; the list shows the first --limit (default ${DEFAULTS.deadletters.listLimit}), oldest first.`
  static override examples = [
    '<%= config.bin %> deadletters list',
    "<%= config.bin %> deadletters list --reason 'not JSON' --limit 5 --json",
  ]

  static override flags = { ...collectionFlag, ...filterFlags }

  async run(): Promise<ListResult> {
    const f = this.flags
    const selection = selectionOf(f, false)
    const conn = await this.connect()
    const store = new DeadLetterStore(conn.db, f['dead-letter-collection'])
    const { total, reasons } = await store.countByReason(selection)
    const docs = await store.select({ ...selection, limit: f.limit ?? DEFAULTS.deadletters.listLimit })
    const result = { collection: store.collection, total, reasons, deadLetters: docs.map(entryOf) }
    if (this.jsonEnabled()) return result
    this.out(`${total} dead letter${total === 1 ? '' : 's'} in ${store.collection}`)
    if (total === 0) return result
    process.stdout.write(
      renderTable(
        ['COUNT', 'REASON'],
        reasons.map((r) => [r.count, r.reason]),
      ),
    )
    this.out('')
    process.stdout.write(
      renderTable(
        ['KEY', 'MESSAGE', 'RECORD', 'DEAD-LETTERED', 'TOPIC', 'REASON'],
        result.deadLetters.map((e) => [
          e.key,
          e.messageId,
          e.recordIndex ?? '',
          e.deadLetteredAt,
          e.topic ?? '',
          e.reason,
        ]),
      ),
    )
    if (result.deadLetters.length < total)
      this.info(`showing ${result.deadLetters.length} of ${total} (--limit)`)
    return result
  }
}
