import { GraphpipeCommand } from '../../cli/base-command.js'
import { listProfiles, type Profile, profilesPath } from '../../deployment/profiles.js'
import { renderTable } from '../../ui/table.js'

export default class DeploymentsList extends GraphpipeCommand<typeof DeploymentsList> {
  static override summary = 'List the named deployments'
  static override examples = [
    '<%= config.bin %> deployments list',
    '<%= config.bin %> deployments list --json',
  ]

  public async run(): Promise<Profile[]> {
    const profiles = listProfiles()
    if (this.jsonEnabled()) return profiles
    if (profiles.length === 0) {
      this.info(
        `no deployments yet (${profilesPath()}); add one with \`graphpipe deployments add NAME --url URL\``,
      )
      return profiles
    }
    const auth = (p: Profile) =>
      p.tokenEnv ? `token $${p.tokenEnv}` : p.passwordEnv ? `password $${p.passwordEnv}` : ''
    process.stdout.write(
      renderTable(
        ['NAME', 'URL', 'DATABASE', 'USERNAME', 'AUTH', 'CA CERT'],
        profiles.map((p) => [p.name, p.url, p.database, p.username, auth(p), p.caCert]),
      ),
    )
    return profiles
  }
}
