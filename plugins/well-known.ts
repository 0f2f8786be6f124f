// GET /.well-known/jwks.json and /.well-known/openid-configuration: what a client needs to verify
// the tenant's tokens, and every endpoint, grant type and authentication method that exists. Both are
// public metadata, readable cross-origin (plugins/cors.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { tokenEndpoint } from '../src/clients/assertions.js'
import { ASSERTION_ALGORITHMS } from '../src/tokens/public-keys.js'

/**
 * Both documents may be cached for a short while. A verifier meeting a kid its cached set lacks
 * fetches the set again (jose, openid-client and Auth0's SDKs all do), so a rotation is not hidden
 * for long; a retired key stays published far longer than this (src/tokens/key-rotation.ts).
 */
const CACHE_CONTROL = 'public, max-age=300'

const wellKnown: FastifyPluginAsyncTypebox = async (app) => {
  const { store, grants, clientAuthenticator } = app.tollgate

  app.get('/.well-known/jwks.json', { config: { corsPolicy: 'public' } }, async (request, reply) => {
    const keys = await store.signingKeys(request.tenant.id)
    reply.header('cache-control', CACHE_CONTROL)
    return { keys: keys.map((k) => k.publicJwk) }
  })

  app.get('/.well-known/openid-configuration', { config: { corsPolicy: 'public' } }, async (request, reply) => {
    const issuer = request.issuer
    reply.header('cache-control', CACHE_CONTROL)
    const keys = await store.signingKeys(request.tenant.id)
    const authMethods = clientAuthenticator.methods
    return {
      issuer,
      token_endpoint: tokenEndpoint(issuer),
      userinfo_endpoint: `${issuer}userinfo`,
      revocation_endpoint: `${issuer}oauth/revoke`,
      jwks_uri: `${issuer}.well-known/jwks.json`,
      grant_types_supported: [...new Set([...grants.token.keys(), ...grants.ro.keys()])],
      token_endpoint_auth_methods_supported: authMethods,
      token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
      revocation_endpoint_auth_methods_supported: authMethods,
      response_types_supported: ['token', 'id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set(keys.map((k) => k.alg))],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified', 'sid'],
    }
  })
}

export default wellKnown
