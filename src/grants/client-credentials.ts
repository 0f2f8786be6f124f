// /oauth/token grant_type=client_credentials (RFC 6749 section 4.4): a machine client gets an access
// token for itself, for an API it has a client grant for, with at most the scopes granted.
import { oauthError } from '../errors.js'
import type { ResourceServerDirectory } from '../store/port.js'
import type { TokenMinter } from '../tokens/minter.js'
import { ClientCredentialsGrantBody } from '../../schemas/oauth-token.js'
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
    if (!await deps.apis.resourceServerByIdentifier(tenant.id, audience)) throw oauthError('unknown_audience', { audience })
    const grant = await deps.apis.clientGrant(tenant.id, client.clientId, audience)
    if (!grant) throw oauthError('client_not_authorized_for_api', { audience })
    const scopes = body.scope === undefined ? grant.scopes : parseScopes(body.scope)
    const notGranted = scopes.filter((s) => !grant.scopes.includes(s))
    if (notGranted.length > 0) throw oauthError('scope_not_granted', { scopes: notGranted.join(' ') })
    return deps.minter.mintAccessToken({
      tenant, issuer, client, audience, scopes, subject: `${client.clientId}@clients`, extra: { gty: 'client-credentials' },
    })
  },
})
