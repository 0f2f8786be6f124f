// POST /oauth/ro: Auth0's legacy resource-owner endpoint. It checks what every grant shares
// (body shape, client, grant allowed), then hands the request to the grant's own module.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { oauthError } from '../src/errors.js'
import { parseScopes } from '../src/grants/types.js'
import { OAuthRoBody } from '../schemas/oauth-ro.js'
import { TokenResponse } from '../schemas/token-response.js'
import { grantOf, noStore } from './token-endpoint.js'

const oauthRo: FastifyPluginAsyncTypebox = async (app) => {
  const { store, grants } = app.tollgate

  app.post('/oauth/ro', {
    schema: { body: OAuthRoBody, response: { 200: TokenResponse } },
    // A request without a body is a request with no parameters: it gets "missing client_id parameter".
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const { client_id: clientId, grant_type: grantType, scope } = request.body
    const grant = grantOf(grants.ro, grantType, request)

    const client = await store.clientById(request.tenant.id, clientId)
    if (!client) throw oauthError('invalid_client')
    if (!client.grantTypes.includes(grantType)) throw oauthError('grant_not_allowed', { grant_type: grantType })

    const tokens = await grant.handle({
      tenant: request.tenant,
      issuer: request.issuer,
      client,
      scopes: parseScopes(scope),
      body: request.body,
      ip: request.clientIp,
    })
    noStore(reply)
    return tokens
  })
}

export default oauthRo
