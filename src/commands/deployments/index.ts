import DeploymentsList from './list.js'

/** `graphpipe deployments` alone lists them; its summary describes the topic in `graphpipe help`. */
export default class Deployments extends DeploymentsList {
  static override summary = 'Manage named deployments (profiles): add, list, remove, test'
  static override examples = ['<%= config.bin %> deployments', '<%= config.bin %> deployments add --help']
}
