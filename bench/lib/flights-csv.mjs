// The flights-shaped CSV the import benchmarks generate (bench/import.mjs, bench/import-resume.mjs):
// deterministic rows in the graph-course layout (quoted strings, unquoted numbers).
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

const HEADER = [
  '_from',
  '_to',
  'Year',
  'Month',
  'Day',
  'DayOfWeek',
  'DepTime',
  'ArrTime',
  'DepTimeUTC',
  'ArrTimeUTC',
  'UniqueCarrier',
  'FlightNum',
  'TailNum',
  'Distance',
]
const AIRPORTS = [
  'ATL',
  'BIS',
  'BOS',
  'DEN',
  'DFW',
  'JFK',
  'LAX',
  'MSP',
  'ORD',
  'SEA',
  'SFO',
  'MIA',
  'PHX',
  'LAS',
  'IAH',
]
const CARRIERS = ['AA', 'UA', 'DL', 'WN', 'NW', 'OO', 'FL', 'US', 'CO']

/**
 * Deterministic flights-shaped rows (quoted strings, unquoted numbers). `plainEnds`: the first two
 * columns are `Origin`/`Dest` airport codes instead of `airports/...` handles (the mapping's input).
 */
export async function generate(file, rows, plainEnds = false) {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 })
  let seed = 42
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  const p2 = (n) => (n < 10 ? '0' + n : String(n))
  const names = plainEnds ? ['Origin', 'Dest', ...HEADER.slice(2)] : HEADER
  out.write(names.map((h) => `"${h}"`).join(',') + '\n')
  const end = plainEnds ? (a) => a : (a) => `airports/${a}`
  let buf = ''
  for (let i = 0; i < rows; i++) {
    const from = AIRPORTS[rnd(AIRPORTS.length)]
    let to = AIRPORTS[rnd(AIRPORTS.length)]
    if (to === from) to = AIRPORTS[(AIRPORTS.indexOf(from) + 1) % AIRPORTS.length]
    const m = 1 + rnd(12)
    const d = 1 + rnd(28)
    const dep = (5 + rnd(18)) * 100 + rnd(60)
    const arr = ((dep / 100) | 0) * 100 + 100 + rnd(60)
    const iso = (h, mi) => `"2008-${p2(m)}-${p2(d)}T${p2(h % 24)}:${p2(mi)}:00.000Z"`
    buf +=
      `"${end(from)}","${end(to)}",2008,${m},${d},${1 + rnd(7)},${dep},${arr},` +
      `${iso(((dep / 100) | 0) + 6, dep % 100)},${iso(((arr / 100) | 0) + 6, arr % 100)},` +
      `"${CARRIERS[rnd(CARRIERS.length)]}",${rnd(8000)},"N${100 + rnd(900)}AT",${150 + rnd(2500)}\n`
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.write(buf)
  out.end()
  await once(out, 'finish')
}
