/**
 * Optional vitest globalSetup: one Pub/Sub emulator for the whole run instead of one per test
 * file. Wire it with `test.globalSetup: ['test/helpers/pubsub-global-setup.ts']` in vitest.config.ts;
 * usePubSubEmulator() then finds PUBSUB_EMULATOR_HOST (inherited by the test workers) and uses
 * it, each file still under its own project id. A PUBSUB_EMULATOR_HOST set by the caller wins.
 */
import { startEmulator, type RunningEmulator } from '../../src/pubsub/emulator.js'

let running: RunningEmulator | undefined

export async function setup(): Promise<void> {
  if (process.env.PUBSUB_EMULATOR_HOST) return
  running = await startEmulator()
  process.env.PUBSUB_EMULATOR_HOST = running.host
}

export async function teardown(): Promise<void> {
  if (!running) return
  await running.stop()
  delete process.env.PUBSUB_EMULATOR_HOST
  running = undefined
}
