/**
 * The reference the ordered consumer must converge to: every record of the twitter mapping
 * applied one after the other in event-time order (ties: message id, then record index).
 */
import { version } from '../../src/consume/versions.js'

export type Rec = Record<string, unknown>
export interface Msg {
  id: string
  eventTime: number
  records: Rec[]
}

/** The truth: every record applied in event-time order with the twitter mapping's meaning. */
export function truth(messages: Msg[]): { users: Map<string, Rec>; edges: Set<string> } {
  const users = new Map<string, Rec>()
  const edges = new Set<string>()
  const events = messages.flatMap((m) => m.records.map((r, i) => ({ ver: version(m.eventTime, m.id, i), r })))
  events.sort((a, b) => (a.ver < b.ver ? -1 : a.ver > b.ver ? 1 : 0))
  for (const { r } of events) {
    const u = r.username as string
    if (r.deleted === true) {
      users.delete(u)
      for (const e of [...edges]) {
        const [f, t] = e.split('\t')
        if (f === u || t === u) edges.delete(e)
      }
      continue
    }
    const { follow, unfollow, ...attrs } = r
    users.set(u, { ...(users.get(u) ?? {}), ...attrs })
    for (const t of follow === undefined ? [] : Array.isArray(follow) ? follow : [follow]) {
      edges.add(`${u}\t${t as string}`)
      if (!users.has(t as string)) users.set(t as string, { username: t })
    }
    if (unfollow !== undefined) edges.delete(`${u}\t${unfollow as string}`)
  }
  return { users, edges }
}
