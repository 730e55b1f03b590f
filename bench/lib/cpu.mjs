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

/**
 * A JVM's CPU so far by kind of thread (ticks): its JIT compilers (`C1/C2 CompilerThread`), its
 * garbage collector (`GC Thread`, `G1 ...`, `VM Thread`) and the rest (the work itself). A JVM
 * started for the run keeps compiling long after it starts, which takes cores from everyone else.
 */
export function jvmTicks(pid) {
  const out = { jit: 0, gc: 0, work: 0 }
  let ids = []
  try {
    ids = fs.readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const t of ids) {
    let name = ''
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8')
    } catch {
      continue
    }
    const v = ticksOf(`/proc/${pid}/task/${t}/stat`)
    if (/Compiler/.test(name)) out.jit += v
    else if (/^(GC |G1 |VM Thread)/.test(name)) out.gc += v
    else out.work += v
  }
  return out
}
