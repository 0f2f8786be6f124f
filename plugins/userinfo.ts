// GET /userinfo (OpenID Connect Core 5.3): the claims of the user a Bearer access token acts for.
// @fastify/jwt reads and verifies the token: its secret is a function that finds the tenant's key
// by kid, and refuses a token whose header names another algorithm than that key's or is not an
// RFC 9068 access token (typ at+jwt). The verify options pin the algorithms and require the
// tenant's issuer and its /userinfo audience. Every refusal is a 401 whose WWW-Authenticate header
// repeats the body's error and description (RFC 6750 section 3).
import fastifyJwt, { type JwtVerifyFunction, type TokenOrHeader } from '@fastify/jwt'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { createPublicKey } from 'node:crypto'
import { checkClientOrigin } from '../src/clients/web-origins.js'
import { OAuthError, oauthError, type ErrorKey } from '../src/errors.js'
import { parseScopes } from '../src/grants/types.js'
import { userinfoAudience } from '../src/tokens/audience.js'
import { SIGNING_ALGORITHMS } from '../src/tokens/keys.js'
import { userClaims } from '../src/tokens/minter.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** @fastify/jwt's verify, registered under the `accessToken` namespace (plugins/userinfo.ts). */
    accessTokenJwtVerify: JwtVerifyFunction
  }
}

interface AccessTokenClaims {
  sub: string
  scope?: string
  client_id?: string
  azp?: string
}

function bearerError (key: ErrorKey, cause?: unknown): OAuthError {
  const error = oauthError(key, {}, { cause })
  error.headers['www-authenticate'] = `Bearer error="${error.body.error}", error_description="${error.body.error_description}"`
  return error
}

/** @fastify/jwt's and fast-jwt's failures, as the catalog names them; anything else is not the token's fault. */
function classify (err: unknown): OAuthError | undefined {
  if (err instanceof OAuthError) return err
  const code = String((err as { code?: unknown })?.code ?? '')
  if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') return bearerError('access_token_missing')
  if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED' || code === 'FAST_JWT_EXPIRED') return bearerError('access_token_expired')
  if (code.startsWith('FST_JWT_') || code.startsWith('FAST_JWT_')) return bearerError('access_token_invalid', err)
  return undefined
}

const userinfo: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.tollgate
  const pems = new Map<string, string>()

  await app.register(fastifyJwt, {
    namespace: 'accessToken',
    decoratorName: 'accessTokenClaims',
    decode: { complete: true },
    verify: { algorithms: [...SIGNING_ALGORITHMS] },
    async secret (request: FastifyRequest, token: TokenOrHeader): Promise<string> {
      const header = 'header' in token ? token.header : token
      if (header.typ !== 'at+jwt') throw bearerError('access_token_invalid', new Error(`token typ ${header.typ}`))
      const key = (await store.signingKeys(request.tenant.id)).find((k) => k.kid === header.kid)
      if (!key || key.alg !== header.alg) throw bearerError('access_token_invalid', new Error(`no ${header.alg} key ${header.kid}`))
      let pem = pems.get(key.kid)
      if (!pem) {
        pem = createPublicKey({ key: key.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
        pems.set(key.kid, pem)
      }
      return pem
    },
  })

  app.get('/userinfo', async (request, reply) => {
    let claims: AccessTokenClaims
    try {
      claims = await request.accessTokenJwtVerify<AccessTokenClaims>({
        decode: { complete: true },
        verify: {
          algorithms: [...SIGNING_ALGORITHMS],
          allowedIss: request.issuer,
          allowedAud: userinfoAudience(request.issuer),
          requiredClaims: ['sub', 'exp', 'iat'],
        },
      })
    } catch (err) {
      throw classify(err) ?? err
    }
    const clientId = claims.client_id ?? claims.azp
    const client = clientId === undefined ? undefined : await store.clientById(request.tenant.id, clientId)
    checkClientOrigin(client ?? { clientId: clientId ?? '', webOrigins: [] }, request.headers.origin)
    const user = await store.userById(request.tenant.id, claims.sub)
    if (!user || user.blocked) throw bearerError('access_token_user_unavailable')
    reply.header('cache-control', 'no-store')
    return { sub: user.id, ...userClaims(user, parseScopes(claims.scope ?? '')) }
  })
}

export default userinfo
