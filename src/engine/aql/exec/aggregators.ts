/** The aggregate functions of COLLECT … AGGREGATE and WINDOW (docs 3.12 "COLLECT": supported functions). */
import { canonicalKey, compare, toNumber, type AqlValue } from '../values.js'

export type Aggregator = { add(v: AqlValue): void; result(): AqlValue }

export function makeAggregator(fn: string): Aggregator | null {
  switch (fn) {
    case 'LENGTH':
    case 'COUNT': {
      let n = 0
      return { add: () => void n++, result: () => n }
    }
    case 'MIN':
    case 'MAX': {
      let best: AqlValue = null
      let has = false
      const sign = fn === 'MIN' ? -1 : 1
      return {
        add(v) {
          if (v === null) return
          if (!has || compare(v, best) * sign > 0) {
            best = v
            has = true
          }
        },
        result: () => best,
      }
    }
    case 'SUM': {
      let s = 0
      return { add: (v) => void (v !== null && (s += toNumber(v))), result: () => s }
    }
    case 'AVG':
    case 'AVERAGE': {
      let s = 0
      let n = 0
      return {
        add(v) {
          if (v === null) return
          s += toNumber(v)
          n++
        },
        result: () => (n === 0 ? null : s / n),
      }
    }
    case 'UNIQUE':
    case 'SORTED_UNIQUE':
    case 'COUNT_DISTINCT':
    case 'COUNT_UNIQUE': {
      const m = new Map<string, AqlValue>()
      return {
        add(v) {
          if (v === null) return
          const k = canonicalKey(v)
          if (!m.has(k)) m.set(k, v)
        },
        result() {
          if (fn === 'COUNT_DISTINCT' || fn === 'COUNT_UNIQUE') return m.size
          const vals = [...m.values()]
          if (fn === 'SORTED_UNIQUE') vals.sort(compare)
          return vals
        },
      }
    }
    case 'PUSH': {
      const a: AqlValue[] = []
      return { add: (v) => void a.push(v), result: () => a }
    }
    case 'STDDEV':
    case 'STDDEV_POPULATION':
    case 'STDDEV_SAMPLE':
    case 'VARIANCE':
    case 'VARIANCE_POPULATION':
    case 'VARIANCE_SAMPLE': {
      let n = 0
      let mean = 0
      let m2 = 0
      const sample = fn.endsWith('SAMPLE')
      const sqrt = fn.startsWith('STDDEV')
      return {
        add(v) {
          if (v === null) return
          const x = toNumber(v)
          n++
          const d = x - mean
          mean += d / n
          m2 += d * (x - mean)
        },
        result() {
          if (n === 0 || (sample && n < 2)) return null
          const variance = m2 / (sample ? n - 1 : n)
          return sqrt ? Math.sqrt(variance) : variance
        },
      }
    }
    case 'BIT_AND':
    case 'BIT_OR':
    case 'BIT_XOR': {
      let acc: number | null = null
      return {
        add(v) {
          if (typeof v !== 'number') return
          if (acc === null) acc = v
          else if (fn === 'BIT_AND') acc = (acc & v) >>> 0
          else if (fn === 'BIT_OR') acc = (acc | v) >>> 0
          else acc = (acc ^ v) >>> 0
        },
        result: () => acc,
      }
    }
    default:
      return null
  }
}
