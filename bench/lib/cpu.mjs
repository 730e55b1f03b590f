// CPU accounting from /proc (Linux), for the consume benchmarks: who used the 2 cores.
import fs from 'node:fs'

/** Clock ticks per second of /proc's CPU times (USER_HZ). */
export const TICK = 100

/** utime + stime (fields 14 and 15) of a /proc stat file in ticks; 0 once the task is gone. */
export function ticksOf(statPath) {
  try {
    const f = fs.readFileSync(statPath, 'utf8')
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return Number(rest[11]) + Number(rest[12])
  } catch {
    return 0
  }
}

/** This process's threads: thread id -> ticks used so far. */
export const tasks = () =>
  new Map(fs.readdirSync('/proc/self/task').map((t) => [t, ticksOf(`/proc/self/task/${t}/stat`)]))
