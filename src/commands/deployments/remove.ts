import { Args } from '@oclif/core'

import { GraphpipeCommand } from '../../cli/base-command.js'
import { removeProfile } from '../../deployment/profiles.js'

export default class DeploymentsRemove extends GraphpipeCommand<typeof DeploymentsRemove> {
  static override summary = 'Remove a named deployment'
  static override examples = ['<%= config.bin %> deployments remove oasis']
  static override args = { name: Args.string({ required: true, description: 'deployment name' }) }

  public async run(): Promise<{ removed: string }> {
    removeProfile(this.args.name)
    if (!this.jsonEnabled()) this.out(`removed deployment '${this.args.name}'`)
    return { removed: this.args.name }
  }
}
