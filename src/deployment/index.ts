// Placeholder until the deployment resolver lands (issue 2, src/deployment/ owner replaces this file).
import type { Connection, DeploymentFlags } from './types.js'

export async function connect(_flags: DeploymentFlags, _opts: { interactive: boolean }): Promise<Connection> {
  throw new Error('deployment resolution is not built yet')
}
