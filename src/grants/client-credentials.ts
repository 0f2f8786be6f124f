// /oauth/token grant_type=client_credentials (RFC 6749 section 4.4): a machine client gets an access
// token for itself, for an API it has a client grant for, with at most the scopes granted.
import { oauthError } from '../errors.js'
import type { ResourceServerDirectory } from '../store/port.js'
import type { TokenMinter } from '../tokens/minter.js'
import { ClientCredentialsGrantBody } from '../../schemas/oauth-token.js'
import { clientGrantFor } from './api-access.js'
import { defineGrant, parseScopes } from './types.js'

export interface ClientCredentialsGrantDeps {
  apis: ResourceServerDirectory
  minter: TokenMinter
}

export const clientCredentialsGrant = (deps: ClientCredentialsGrantDeps) => defineGrant({
  name: 'client_credentials',
  bodySchema: ClientCredentialsGrantBody,
  async handle ({ tenant, issuer, client, body, authMethod }) {
    // Only a client that proved who it is may act as itself.
    if (authMethod === undefined || authMethod === 'none') throw oauthError('invalid_client_credentials')
    const audience = body.audience
    if (audience === undefined || audience === '') throw oauthError('missing_audience')
    const { scopes } = await clientGrantFor(deps.apis, { tenant, client, audience, scopes: body.scope === undefined ? undefined : parseScopes(body.scope) })
    return deps.minter.mintAccessToken({
      tenant, issuer, client, audience, scopes, subject: `${client.clientId}@clients`, extra: { gty: 'client-credentials' },
    })
  },
})
