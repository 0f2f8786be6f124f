// /oauth/token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 section 2.1): a
// machine client trades an assertion signed with its own key for an access token to an API.
// iss is the client; sub is the client itself, or a user of the tenant when the client's grant for
// that API lets it act for users (client_grants[].act_for_users). As for client_credentials, the
// client needs a client grant for the API and gets at most its scopes. Sent without client
// authentication, the assertion is the client's proof; sent with it, the assertion must come from
// the client that authenticated.
import { JWT_BEARER, type AssertionVerifier, type VerifiedAssertion } from '../clients/assertions.js'
import { oauthError } from '../errors.js'
import type { Client, ClientGrant, ResourceServerDirectory, Tenant, UserStore } from '../store/port.js'
import type { TokenMinter } from '../tokens/minter.js'
import { JwtRejected } from '../tokens/verify-jwt.js'
import { JwtBearerAssertionGrantBody } from '../../schemas/oauth-token.js'
import { clientGrantFor, parseApiScopes, requireAudience } from './api-access.js'
import { defineGrant } from './types.js'

export interface JwtBearerAssertionDeps {
  users: UserStore
  apis: ResourceServerDirectory
  assertions: AssertionVerifier
  minter: TokenMinter
}

export const jwtBearerAssertionGrant = (deps: JwtBearerAssertionDeps) => {
  const refuse = (err: unknown) => {
    if (err instanceof JwtRejected) return oauthError('invalid_assertion', { reason: err.message }, { cause: err })
    return err
  }

  const verify = async (assertion: string, client: Client, issuer: string): Promise<VerifiedAssertion> => {
    try {
      return await deps.assertions.verify(assertion, { client, issuer, subject: 'any' })
    } catch (err) {
      throw refuse(err)
    }
  }

  /** The token's subject: the client itself, or a user it may act for at this API. */
  const subjectOf = async (tenant: Tenant, client: Client, grant: ClientGrant, sub: string): Promise<string> => {
    if (sub === client.clientId) return sub
    if (!grant.actForUsers) throw refuse(new JwtRejected(`sub is not the client, and its grant for ${grant.audience} does not act for users`))
    const user = await deps.users.userById(tenant.id, sub)
    if (!user || user.blocked) throw oauthError('jwt_bearer_user_refused', {}, { cause: new Error(user ? 'user is blocked' : 'user not found') })
    return user.id
  }

  return defineGrant({
    name: JWT_BEARER,
    bodySchema: JwtBearerAssertionGrantBody,

    async authenticateClient ({ issuer, body, findClient }) {
      let clientId: string
      try {
        clientId = deps.assertions.claimedClient(body.assertion)
      } catch (err) {
        throw refuse(err)
      }
      const client = await findClient(clientId)
      if (!client) throw refuse(new JwtRejected('iss is not a client of this tenant'))
      if (body.client_id !== undefined && body.client_id !== clientId) throw refuse(new JwtRejected('client_id is not the assertion\'s iss'))
      const { sub, claims } = await verify(body.assertion, client, issuer)
      return { client, proof: { ...claims, sub } }
    },

    async handle ({ tenant, issuer, client, body, clientProof }) {
      const { sub } = clientProof ? clientProof as { sub: string } : await verify(body.assertion, client, issuer)
      const audience = requireAudience(body.audience)
      const { grant, scopes } = await clientGrantFor(deps.apis, { tenant, client, audience, scopes: parseApiScopes(body.scope) })
      const subject = await subjectOf(tenant, client, grant, sub)
      return deps.minter.mintAccessToken({ tenant, issuer, client, subject, audience, scopes })
    },
  })
}
