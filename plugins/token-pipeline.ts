// The token pipeline: the one way every credential endpoint (/oauth/token, /oauth/ro,
// /passwordless/verify, and any later one) turns a request into tokens, in this order, as
// oidc-provider's token action does:
//
//   grant named by the body (+ its own fields) ─▶ client lookup (once per request, request.findClient)
//   ─▶ client authentication (its registered methods; `none` only for a public client; or the
//      grant's own credential, RFC 7523) ─▶ grant allowed for the client ─▶ end user's IP
//   ─▶ per-account limit (the account the grant names) ─▶ grant handler ─▶ token response (no-store)
//
// An endpoint differs only in its path, its body schema, which grants it maps, how its body names
// the grant, and its answer for an unknown client. Grants are modules in src/grants/.
import type { Static, TSchema } from '@sinclair/typebox'
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { readClientCredentials, sendsClientAuthentication } from '../src/clients/credentials.js'
import { oauthError } from '../src/errors.js'
import type { GrantMap } from '../src/grants/index.js'
import { parseScopes, type Grant } from '../src/grants/types.js'
import type { Client, ClientAuthMethod } from '../src/store/port.js'
import { toOAuthError } from '../src/validation.js'
import { TokenResponse } from '../schemas/token-response.js'
import { endUserIp } from './client-ip.js'

export interface CredentialEndpoint<S extends TSchema> {
  url: string
  /** What every grant of the endpoint shares (client_id, grant_type, scope...); each grant checks its own fields after. */
  bodySchema: S
  grants: GrantMap
  /** The grant a (valid) body names. */
  grantType (body: Static<S>): string
  /** The answer for a client_id the tenant does not have: the legacy endpoints document their own. */
  unknownClient?: 'invalid_client'
  config?: FastifyContextConfig
}

/** The grant `grantType` names on this endpoint, once the request's body has the grant's fields. */
function grantOf (grants: GrantMap, grantType: string, request: FastifyRequest): Grant<any> {
  const grant = grants.get(grantType)
  if (!grant) throw oauthError('unsupported_grant_type', { grant_type: grantType })
  const validGrantBody = request.compileValidationSchema(grant.bodySchema)
  if (!validGrantBody(request.body)) throw toOAuthError(validGrantBody.errors ?? [])
  return grant
}

/** Tokens are never cached, by the browser or by anything in between (RFC 6749 section 5.1). */
export function noStore (reply: FastifyReply): void {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

interface AuthenticatedClient {
  client: Client
  /** How it authenticated; undefined when the grant's own credential proved it. */
  authMethod?: ClientAuthMethod
  clientProof?: Record<string, unknown>
}

/** Registers a credential endpoint's POST route on the pipeline. */
export function credentialRoute<S extends TSchema> (app: FastifyInstance, endpoint: CredentialEndpoint<S>): void {
  const { clientAuthenticator } = app.tollgate

  async function authenticateClient (request: FastifyRequest, grant: Grant<any>, body: Record<string, unknown>): Promise<AuthenticatedClient> {
    const { tenant, issuer } = request
    const findClient = (id: string) => request.findClient(id)
    // A grant whose own credential proves the client (RFC 7523 assertions) may stand in for client authentication.
    if (grant.authenticateClient && !sendsClientAuthentication(request.headers.authorization, body)) {
      const { client, proof } = await grant.authenticateClient({ tenant, issuer, body, findClient })
      return { client, clientProof: proof }
    }
    const credentials = readClientCredentials(request.headers.authorization, body)
    const client = await clientAuthenticator.authenticate({ tenant, issuer, credentials, findClient, unknownClient: endpoint.unknownClient })
    // A client_id in the body must name the client that authenticated (Basic names it in the header).
    if (typeof body.client_id === 'string' && body.client_id !== client.clientId) throw oauthError('invalid_client_credentials')
    return { client, authMethod: credentials.method }
  }

  app.post(endpoint.url, {
    schema: { body: endpoint.bodySchema, response: { 200: TokenResponse } },
    config: { ...endpoint.config, credentialPipeline: true },
    // A request without a body is a request with no parameters: it gets "missing ... parameter".
    preValidation: (request, _reply, done) => {
      request.body ??= {}
      done()
    },
  }, async (request, reply) => {
    const body = request.body as Static<S> & Record<string, unknown>
    const grant = grantOf(endpoint.grants, endpoint.grantType(body), request)
    const { client, authMethod, clientProof } = await authenticateClient(request, grant, body)
    if (!client.grantTypes.includes(grant.name)) throw oauthError('grant_not_allowed', { grant_type: grant.name })

    const proven = clientProof !== undefined || (authMethod !== undefined && authMethod !== 'none')
    request.clientIp = endUserIp(request, client, proven)
    await app.limitAccount(request, reply, await grant.account?.({ tenant: request.tenant, client, body }))

    const tokens = await grant.handle({
      tenant: request.tenant,
      issuer: request.issuer,
      client,
      scopes: parseScopes(typeof body.scope === 'string' ? body.scope : undefined),
      body,
      ip: request.clientIp,
      clientProof,
      authMethod,
    })
    noStore(reply)
    return tokens
  })
}
