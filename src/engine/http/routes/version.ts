import type { Router } from '../router.js'

/** Reported as ArangoDB's version: clients (arangojs, drivers) gate features on it. */
export const ENGINE_VERSION = '3.12.10'

export function registerVersionRoutes(router: Router): void {
  router.add('GET', '/_api/version', (ctx) => {
    const body: Record<string, unknown> = {
      server: 'arango',
      license: 'community',
      version: ENGINE_VERSION,
    }
    if (ctx.bool('details')) {
      body.details = {
        architecture: '64bit',
        'server-version': ENGINE_VERSION,
        mode: 'server',
        role: 'SINGLE',
        'storage-engine': 'graphpipe-sqlite',
        platform: process.platform,
      }
    } else {
      Object.assign(body, { apiVersions: ['v0'], deprecatedApiVersions: [], requestedApiVersion: 'v0' })
    }
    return { status: 200, body }
  })
  router.add('GET', '/_admin/server/role', () => ({
    status: 200,
    body: { error: false, code: 200, role: 'SINGLE', mode: 'default' },
  }))
  router.add('GET', '/_api/engine', () => ({
    status: 200,
    body: { name: 'graphpipe-sqlite', supports: { dfdb: false, indexes: ['primary', 'edge', 'persistent'] } },
  }))
}
