// POST /oauth/revoke (RFC 7009, with Auth0's answers): the client authenticates as at /oauth/token,
// then a refresh token it holds is revoked with its whole family (the login session it belongs to).
// An unknown token, an access token (a JWT, which lives until it expires) and another client's
// token all get the same 200: the answer never tells which tokens exist.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { readClientCredentials } from '../src/clients/authenticate.js'
import { sha256Hex } from '../src/security/secrets.js'
import { OAuthRevokeBody } from '../schemas/oauth-revoke.js'

const oauthRevoke: FastifyPluginAsyncTypebox = async (app) => {
  const { store, clientAuthenticator } = app.tollgate

  app.post('/oauth/revoke', {
    schema: { body: OAuthRevokeBody },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const credentials = readClientCredentials(request.headers.authorization, request.body)
    const client = await clientAuthenticator.authenticate({ tenant: request.tenant, issuer: request.issuer, credentials })
    const token = await store.refreshTokenByHash(sha256Hex(request.body.token))
    if (token && token.tenantId === request.tenant.id && token.clientId === client.clientId) {
      const revoked = await store.revokeRefreshTokenFamily(token.familyId, Math.floor(Date.now() / 1000))
      request.log.info({ family: token.familyId, revoked }, 'refresh token family revoked')
    }
    return reply.code(200).send()
  })
}

export default oauthRevoke
