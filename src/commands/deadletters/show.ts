import { Args } from '@oclif/core'

import { BaseCommand } from '../../cli/base-command.js'
import { collectionFlag } from '../../cli/deadletter-flags.js'
import { DeadLetterStore, entryOf, rawBytes, type DeadLetterEntry } from '../../consume/index.js'

export interface ShowResult extends DeadLetterEntry {
  attributes: Record<string, string>
  /** The raw message as stored: text (utf8) or base64 for bytes that are not UTF-8. */
  data: string
  dataEncoding: 'utf8' | 'base64'
  /** The rejected record, for a record-level dead letter. */
  record?: unknown
}

export default class DeadlettersShow extends BaseCommand<typeof DeadlettersShow> {
  static override summary = 'Show one dead letter: why, where from, attributes and the raw message'
  static override examples = ['<%= config.bin %> deadletters show 3f2a9c... --json']

  static override args = {
    key: Args.string({ required: true, description: 'the dead letter _key (see `deadletters list`)' }),
  }

  static override flags = { ...collectionFlag }

  async run(): Promise<ShowResult> {
    const conn = await this.connect()
    const store = new DeadLetterStore(conn.db, this.flags['dead-letter-collection'])
    const d = await store.get(this.args.key)
    const result: ShowResult = {
      ...entryOf(d),
      attributes: d.attributes ?? {},
      data: d.data ?? '',
      dataEncoding: d.dataEncoding ?? 'utf8',
    }
    if (d.record !== undefined) result.record = d.record
    if (this.jsonEnabled()) return result
    const lines: [string, unknown][] = [
      ['key', result.key],
      ['reason', result.reason],
      ['message id', result.messageId],
      ['record index', result.recordIndex],
      ['published', result.publishTime],
      ['dead-lettered', result.deadLetteredAt],
      ['topic', result.topic],
      ['subscription', result.subscription],
      ['attributes', JSON.stringify(result.attributes)],
      ['bytes', d.dataDropped ? 'not kept (too big)' : result.bytes],
    ]
    for (const [k, v] of lines) if (v !== undefined) this.out(`${`${k}:`.padEnd(15)}${String(v)}`)
    if (result.record !== undefined) this.out(`${'record:'.padEnd(15)}${JSON.stringify(result.record)}`)
    if (!d.dataDropped) {
      this.out('')
      this.out(result.dataEncoding === 'utf8' ? rawBytes(d).toString('utf8') : `(base64) ${result.data}`)
    }
    return result
  }
}
