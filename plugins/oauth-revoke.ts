// POST /oauth/revoke (RFC 7009, with Auth0's answers): the client authenticates as at /oauth/token,
// then a refresh token it holds is revoked with its family and its login session
// (src/sessions/login-sessions.ts). An unknown token, an access token (a JWT, which lives until it
// expires) and another client's token all get the same 200: the answer never tells which tokens exist.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { readClientCredentials } from '../src/clients/credentials.js'
import { OAuthRevokeBody } from '../schemas/oauth-revoke.js'

const oauthRevoke: FastifyPluginAsyncTypebox = async (app) => {
  const { clientAuthenticator, sessions } = app.tollgate

  app.post('/oauth/revoke', {
    schema: { body: OAuthRevokeBody },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const { tenant, issuer } = request
    const credentials = readClientCredentials(request.headers.authorization, request.body)
    const client = await clientAuthenticator.authenticate({ tenant, issuer, credentials, findClient: (id) => request.findClient(id) })
    const revoked = await sessions.revokeRefreshToken({ tenant, client, token: request.body.token })
    if (revoked) request.log.info(revoked, 'refresh token family and its session revoked')
    return reply.code(200).send()
  })
}

export default oauthRevoke
