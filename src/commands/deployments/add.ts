import path from 'node:path'
import fs from 'node:fs'

import { Args, Flags } from '@oclif/core'

import { GraphpipeCommand } from '../../cli/base-command.js'
import { loadCaCert } from '../../deployment/ca-cert.js'
import { type Profile, profilesPath, saveProfile } from '../../deployment/profiles.js'

export default class DeploymentsAdd extends GraphpipeCommand<typeof DeploymentsAdd> {
  static override summary = 'Save a named deployment (profile) in the config file'
  static override description =
    'Secrets are never stored: name the environment variables that hold them (--password-env, --token-env).'
  static override examples = [
    '<%= config.bin %> deployments add oasis --url https://abc123.arangodb.cloud:8529 --ca-cert oasis-ca.b64 --password-env OASIS_PASSWORD',
    '<%= config.bin %> deployments add cluster --url http://c1:8529,http://c2:8529 --database shop',
  ]

  static override args = { name: Args.string({ required: true, description: 'deployment name' }) }
  static override flags = {
    url: Flags.string({
      required: true,
      description: 'server URL; comma-separated URLs are coordinators of one cluster',
    }),
    database: Flags.string({ description: 'database name (default: _system)' }),
    username: Flags.string({ description: 'user name (default: root)' }),
    'ca-cert': Flags.string({ description: 'CA certificate file (PEM, or the base64 form Oasis shows)' }),
    'password-env': Flags.string({ description: 'environment variable that holds the password' }),
    'token-env': Flags.string({ description: 'environment variable that holds a JWT' }),
    'read-only': Flags.boolean({
      description: '`graphpipe query` refuses writing statements here unless given --no-read-only',
    }),
    force: Flags.boolean({ description: 'replace a deployment of the same name', default: false }),
  }

  public async run(): Promise<Profile & { file: string }> {
    const f = this.flags
    let caCert: string | undefined
    if (f['ca-cert'] !== undefined) {
      loadCaCert(f['ca-cert']) // refuse an unusable certificate now rather than at first use
      caCert = fs.existsSync(f['ca-cert']) ? path.resolve(f['ca-cert']) : f['ca-cert']
    }
    const saved = saveProfile(
      {
        name: this.args.name,
        url: f.url,
        database: f.database,
        username: f.username,
        caCert,
        passwordEnv: f['password-env'],
        tokenEnv: f['token-env'],
        readOnly: f['read-only'] ? true : undefined,
      },
      { replace: f.force },
    )
    const file = profilesPath()
    if (!this.jsonEnabled()) this.out(`saved deployment '${saved.name}' (${saved.url}) in ${file}`)
    return { ...saved, file }
  }
}
