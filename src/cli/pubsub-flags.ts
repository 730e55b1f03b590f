/**
 * The Pub/Sub flags `publish` and `consume` share; spread into a command's flags:
 *   static override flags = { ...pubsubFlags, topic: Flags.string(...) }
 * Values go to resolvePubSubTarget (src/pubsub/client.ts), which also reads the environment.
 */
import { Flags } from '@oclif/core'

export const pubsubFlags = {
  project: Flags.string({
    helpGroup: 'PUB/SUB',
    description: 'Google Cloud project id [env: GOOGLE_CLOUD_PROJECT]',
  }),
  'key-file': Flags.string({
    helpGroup: 'PUB/SUB',
    description: 'service account key file (JSON) [env: GOOGLE_APPLICATION_CREDENTIALS]',
  }),
  emulator: Flags.string({
    helpGroup: 'PUB/SUB',
    description: 'use the Pub/Sub emulator at HOST:PORT [env: PUBSUB_EMULATOR_HOST]',
  }),
}
