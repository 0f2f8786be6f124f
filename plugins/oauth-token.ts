// POST /oauth/token (RFC 6749, RFC 7523): authenticates the client, checks that it may use the grant,
// then hands the request to the grant's own module (src/grants/index.ts lists them).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { readClientCredentials, sendsClientAuthentication } from '../src/clients/authenticate.js'
import { oauthError } from '../src/errors.js'
import { parseScopes } from '../src/grants/types.js'
import type { Client, ClientAuthMethod } from '../src/store/port.js'
import { OAuthTokenBody } from '../schemas/oauth-token.js'
import { TokenResponse } from '../schemas/token-response.js'
import { grantOf, noStore } from './token-endpoint.js'

const oauthToken: FastifyPluginAsyncTypebox = async (app) => {
  const { grants, clientAuthenticator } = app.tollgate

  app.post('/oauth/token', {
    schema: { body: OAuthTokenBody, response: { 200: TokenResponse } },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const { grant_type: grantType, scope } = request.body
    const grant = grantOf(grants.token, grantType, request)

    // A grant whose own credential proves the client (RFC 7523 assertions) may stand in for client authentication.
    let client: Client
    let clientProof: Record<string, unknown> | undefined
    let authMethod: ClientAuthMethod | undefined
    if (grant.authenticateClient && !sendsClientAuthentication(request.headers.authorization, request.body)) {
      ({ client, proof: clientProof } = await grant.authenticateClient({ tenant: request.tenant, issuer: request.issuer, body: request.body }))
    } else {
      const credentials = readClientCredentials(request.headers.authorization, request.body)
      client = await clientAuthenticator.authenticate({ tenant: request.tenant, issuer: request.issuer, credentials })
      authMethod = credentials.method
    }
    if (!client.grantTypes.includes(grantType)) throw oauthError('grant_not_allowed', { grant_type: grantType })

    const tokens = await grant.handle({
      tenant: request.tenant,
      issuer: request.issuer,
      client,
      scopes: parseScopes(scope),
      body: request.body,
      ip: request.clientIp,
      clientProof,
      authMethod,
    })
    noStore(reply)
    return tokens
  })
}

export default oauthToken
