// GET /userinfo (OpenID Connect Core 5.3): the claims of the user a Bearer access token acts for.
// The token is verified by the same stack as every JWT Tollgate receives (src/tokens/verify-jwt.ts
// through AccessTokenVerifier: the tenant's published keys, each pinned to its algorithm; typ
// at+jwt; the tenant's issuer and its /userinfo audience). Every refusal is a 401 whose
// WWW-Authenticate header repeats the body's error and description (RFC 6750 section 3).
import type { FastifyPluginAsync } from 'fastify'
import { checkClientOrigin } from '../src/clients/web-origins.js'
import { OAuthError, oauthError, type ErrorKey } from '../src/errors.js'
import { parseScopes } from '../src/grants/types.js'
import { JwtRejected } from '../src/tokens/verify-jwt.js'

function bearerError (key: ErrorKey, cause?: unknown): OAuthError {
  const error = oauthError(key, {}, { cause })
  error.headers['www-authenticate'] = `Bearer error="${error.body.error}", error_description="${error.body.error_description}"`
  return error
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1); any other scheme carries none. */
function bearerToken (authorization: string | undefined): string {
  if (authorization === undefined || !/^Bearer /i.test(authorization)) throw bearerError('access_token_missing')
  // What follows is checked by verifyJwt (length first, then three base64url segments).
  return authorization.slice('Bearer '.length).trim()
}

const userinfo: FastifyPluginAsync = async (app) => {
  const { accessTokens, userInfo } = app.tollgate

  app.get('/userinfo', async (request, reply) => {
    const token = bearerToken(request.headers.authorization)
    let claims
    try {
      claims = await accessTokens.verify(token, { tenant: request.tenant, issuer: request.issuer })
    } catch (err) {
      if (err instanceof JwtRejected) throw bearerError(err.expired ? 'access_token_expired' : 'access_token_invalid', err)
      throw err
    }
    const clientId = claims.client_id ?? claims.azp
    const client = clientId === undefined ? undefined : await request.findClient(clientId)
    checkClientOrigin(client ?? { clientId: clientId ?? '', webOrigins: [] }, request.headers.origin)
    const user = await userInfo.claimsOf(request.tenant, claims.sub, parseScopes(claims.scope ?? ''))
    if (!user) throw bearerError('access_token_user_unavailable')
    reply.header('cache-control', 'no-store')
    return user
  })
}

export default userinfo
