/**
 * Starting and stopping Google's Pub/Sub emulator, for the test harness and the benchmarks.
 * Not used by the commands: they only connect to an emulator someone else started.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'

import { GraphpipeError } from '../errors.js'

export const EMULATOR_BINARY = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator'

export const EMULATOR_INSTALL_HINT =
  'the Google Cloud Pub/Sub emulator is not installed: install it with ' +
  '`sudo apt-get install google-cloud-cli-pubsub-emulator` (Google Cloud SDK apt repository) or ' +
  '`gcloud components install pubsub-emulator`, or point PUBSUB_EMULATOR_HOST at a running emulator'

export interface RunningEmulator {
  /** `localhost:PORT`, the value for PUBSUB_EMULATOR_HOST / --emulator. */
  readonly host: string
  readonly port: number
  /** Stops the emulator's whole process group (the Java server, not just a wrapper). */
  stop(): Promise<void>
}

export interface StartEmulatorOptions {
  /** Port to listen on; a free one by default. */
  port?: number
  /** How long to wait for "Server started" (ms). */
  startTimeoutMs?: number
  /** Emulator launcher; EMULATOR_BINARY, else `gcloud beta emulators pubsub start`. */
  binary?: string
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, 'localhost', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = `${dir}/${cmd}`
    if (dir && fs.existsSync(p)) return p
  }
  return undefined
}

function launcher(port: number, binary?: string): { cmd: string; args: string[] } {
  const bin = binary ?? EMULATOR_BINARY
  if (fs.existsSync(bin)) return { cmd: bin, args: ['--host=localhost', `--port=${port}`] }
  const gcloud = onPath('gcloud')
  if (gcloud && !binary) {
    return { cmd: gcloud, args: ['beta', 'emulators', 'pubsub', 'start', `--host-port=localhost:${port}`] }
  }
  throw new GraphpipeError('PUBSUB_EMULATOR_MISSING', EMULATOR_INSTALL_HINT)
}

const groups = new Set<number>()
let exitHookInstalled = false

/** If the process dies without stop(), the Java server must not outlive it. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.on('exit', () => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL')
  })
  // A signal ends the process without 'exit': stop the emulators, then die of the same signal.
  // Only where nobody else handles the signal, so no one's own handling is replaced.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(sig) > 0) continue
    process.once(sig, () => {
      for (const pgid of groups) killGroup(pgid, 'SIGKILL')
      groups.clear()
      process.kill(process.pid, sig)
    })
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Starts the emulator on a free port in its own process group and resolves once it prints
 * "Server started, listening on PORT" (about 3 s here).
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort())
  const { cmd, args } = launcher(port, options.binary)
  const child: ChildProcess = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const pgid = child.pid
  if (pgid === undefined) throw new GraphpipeError('PUBSUB_EMULATOR_START', `cannot start ${cmd}`)
  groups.add(pgid)
  installExitHook()

  const stop = async (): Promise<void> => {
    if (!groups.has(pgid)) return
    killGroup(pgid, 'SIGTERM')
    const deadline = Date.now() + 5000
    while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL')
    groups.delete(pgid)
    child.stdout?.destroy()
    child.stderr?.destroy()
  }

  const timeoutMs = options.startTimeoutMs ?? 30_000
  let log = ''
  const onData = (chunk: Buffer): void => {
    if (log.length < 100_000) log += chunk.toString()
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`emulator did not start within ${timeoutMs} ms:\n${log.slice(-2000)}`)),
        timeoutMs,
      )
      const onReady = (): void => {
        if (log.includes(`Server started, listening on ${port}`)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout?.on('data', onReady)
      child.stderr?.on('data', onReady)
      child.once('error', (err) => {
        clearTimeout(timer)
        reject(err)
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`emulator exited with code ${code} before it was ready:\n${log.slice(-2000)}`))
      })
    })
  } catch (err) {
    await stop()
    throw new GraphpipeError('PUBSUB_EMULATOR_START', (err as Error).message)
  }
  // Keep draining its output (a full pipe would block the emulator) but stop collecting it.
  child.stdout?.removeAllListeners('data').resume()
  child.stderr?.removeAllListeners('data').resume()
  child.unref()
  ;(child.stdout as unknown as { unref?: () => void })?.unref?.()
  ;(child.stderr as unknown as { unref?: () => void })?.unref?.()
  return { host: `localhost:${port}`, port, stop }
}
