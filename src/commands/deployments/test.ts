import { Args } from '@oclif/core'

import { BaseCommand } from '../../cli/base-command.js'
import { checkConnection, type DeploymentCheck, envForProfile } from '../../deployment/index.js'

export default class DeploymentsTest extends BaseCommand<typeof DeploymentsTest> {
  static override summary = 'Connect to a deployment and report server version, database and round-trip time'
  static override description =
    'With NAME it tests that profile (deployment flags still apply; ARANGO_URL and the like do not). Without NAME it tests whatever the deployment flags and environment resolve to (the embedded engine by default). Fails with exit code 3 and one line for: connection refused, TLS failure, bad credentials (401), unknown database.'
  static override examples = [
    '<%= config.bin %> deployments test oasis',
    'ARANGO_PASSWORD=secret <%= config.bin %> deployments test --url https://db.example.com:8529 --ca-cert ca.pem',
  ]
  static override args = {
    name: Args.string({ required: false, description: 'deployment name (a profile)' }),
  }

  public async run(): Promise<DeploymentCheck> {
    const name = this.args.name
    if (name) this.flags.deployment = name
    // `test NAME` tests that profile: ARANGO_URL and friends in the environment do not override it
    const conn = await this.connect(name ? { env: envForProfile(process.env, name) } : {})
    try {
      const r = await checkConnection(conn)
      if (!this.jsonEnabled()) {
        this.out(`ok: ${r.target}`)
        this.out(`server:     ${r.server} ${r.version}${r.license ? ` (${r.license})` : ''}`)
        this.out(`database:   ${r.database}`)
        this.out(`round trip: ${r.roundTripMs} ms`)
      }
      return r
    } finally {
      await conn.close()
    }
  }
}
