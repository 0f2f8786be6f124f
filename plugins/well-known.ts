// GET /.well-known/jwks.json and /.well-known/openid-configuration: what a client needs to verify
// the tenant's tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { JWT_BEARER, tokenEndpoint } from '../src/clients/assertions.js'
import { ASSERTION_ALGORITHMS } from '../src/tokens/public-keys.js'

const wellKnown: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.tollgate

  app.get('/.well-known/jwks.json', async (request) => {
    const keys = await store.signingKeys(request.tenant.id)
    return { keys: keys.map((k) => k.publicJwk) }
  })

  app.get('/.well-known/openid-configuration', async (request) => {
    const issuer = request.issuer
    const keys = await store.signingKeys(request.tenant.id)
    return {
      issuer,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      grant_types_supported: ['password', JWT_BEARER],
      token_endpoint: tokenEndpoint(issuer),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      response_types_supported: ['token', 'id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified'],
    }
  })
}

export default wellKnown
