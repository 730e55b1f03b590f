/** A count as people read it in summaries and messages: 1234567 → "1,234,567" (any locale). */
export function formatCount(v: number): string {
  return v.toLocaleString('en-US')
}
