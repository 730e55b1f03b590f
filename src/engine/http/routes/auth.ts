import { DEFAULTS } from '../../../config/defaults.js'
import { arangoError } from '../../errors.js'
import { checkPassword, signJwt, verifyJwt } from '../auth.js'
import type { RequestContext, Router } from '../router.js'

function bearer(ctx: RequestContext): string | undefined {
  const h = ctx.headers.authorization
  if (typeof h !== 'string' || !/^bearer /i.test(h)) return undefined
  return verifyJwt(ctx.engine.jwtSecret, h.slice(7).trim())
}

/** `/_open/auth` (login) and `/_open/auth/renew`; 404 when authentication is off, as ArangoDB. */
export function registerAuthRoutes(router: Router): void {
  router.add('POST', '/_open/auth', (ctx) => {
    if (!ctx.engine.authEnabled) throw arangoError('HTTP_NOT_FOUND', `unknown path '/_open/auth'`)
    const body = ctx.jsonObject('invalid JSON')
    const { username, password } = body
    if (typeof username !== 'string') throw arangoError('HTTP_BAD_PARAMETER', 'invalid JSON')
    if (!checkPassword(ctx.engine.rootPassword ?? '', username, password ?? '')) {
      throw arangoError('HTTP_UNAUTHORIZED')
    }
    return {
      status: 200,
      body: { jwt: signJwt(ctx.engine.jwtSecret, username, DEFAULTS.jwtLifetimeSeconds) },
    }
  })
  router.add('POST', '/_open/auth/renew', (ctx) => {
    if (!ctx.engine.authEnabled) throw arangoError('HTTP_NOT_FOUND', `unknown path '/_open/auth/renew'`)
    const user = bearer(ctx)
    if (!user) throw arangoError('FORBIDDEN')
    return { status: 200, body: { jwt: signJwt(ctx.engine.jwtSecret, user, DEFAULTS.jwtLifetimeSeconds) } }
  })
}
