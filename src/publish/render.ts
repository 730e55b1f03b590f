/** The lines `graphpipe publish` prints. */
import type { PublishProgress, PublishResult } from './publish.js'
import { formatCount } from '../ui/numbers.js'

const num = formatCount

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`
  const units = ['kB', 'MB', 'GB', 'TB']
  let v = n
  let u = -1
  do {
    v /= 1000
    u++
  } while (v >= 1000 && u < units.length - 1)
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

export function progressLine(p: PublishProgress): string {
  if (p.phase === 'validating') {
    return `validating: ${num(p.messages)} messages${p.invalid ? `, ${num(p.invalid)} invalid` : ''}`
  }
  const rate = p.elapsedMs > 0 ? Math.round((p.published * 1000) / p.elapsedMs) : 0
  return `published ${num(p.published)} messages, ${num(rate)} msg/s, ${formatBytes(p.bytes)}${p.failed ? `, ${num(p.failed)} failed` : ''}`
}

/** `file:line: reason` for each rejected message shown, and how many more there were. */
export function rejectedLines(r: PublishResult): string[] {
  const lines = r.errors.map(
    (e) => `${e.file}:${e.line}: ${e.kind === 'failed' ? 'publish failed: ' : ''}${e.reason}`,
  )
  const more = r.invalid + r.failed - r.errors.length
  if (more > 0) lines.push(`... and ${num(more)} more rejected`)
  return lines
}

export function summary(r: PublishResult): string {
  const took = `in ${seconds(r.elapsedMs)}`
  if (r.validationFailed) {
    return (
      `nothing published: ${num(r.invalid)} invalid message${r.invalid === 1 ? '' : 's'} ` +
      `(${num(r.messages)} valid) ${took}; fix the input or pass --skip-invalid`
    )
  }
  const parts = [
    `published ${num(r.published)} message${r.published === 1 ? '' : 's'} (${formatBytes(r.bytes)}) to ${r.topic} ${took}, ${num(r.messagesPerSecond)} msg/s`,
  ]
  if (r.invalid) parts.push(`${num(r.invalid)} invalid skipped`)
  if (r.failed) parts.push(`${num(r.failed)} failed`)
  if (r.interrupted) {
    const unread = r.files.filter((f) => !f.complete).map((f) => f.file)
    parts.push(`interrupted: not read ${unread.length ? unread.join(', ') : '(nothing)'} to the end`)
  }
  if (r.idsFile) parts.push(`ids in ${r.idsFile}`)
  return parts.join('; ')
}
