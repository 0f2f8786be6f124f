// Which API (resource server) a machine-to-machine access token is for, and which of its scopes the
// client may have: the client grant's (client_credentials and RFC 7523 assertions alike). That the
// scopes are ones the API defines is checked again when the token is minted
// (TokenMinter.mintAccessToken, src/tokens/audience.ts), for every grant alike.
import { oauthError } from '../errors.js'
import type { Client, ClientGrant, ResourceServerDirectory, Tenant } from '../store/port.js'

export function requireAudience (audience: string | undefined): string {
  if (audience === undefined || audience.trim() === '') throw oauthError('missing_parameter', { name: 'audience' })
  return audience
}

/** Splits a scope parameter; unlike the login grants, an API token asks for no scope by default. */
export function parseApiScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))]
}

/**
 * The client's grant for the API, with the scopes asked for (all granted ones when `scopes` is
 * undefined); refuses an unknown API, a client without a grant for it, and any scope not granted.
 */
export async function clientGrantFor (apis: ResourceServerDirectory, { tenant, client, audience, scopes }: {
  tenant: Tenant, client: Client, audience: string, scopes: string[] | undefined
}): Promise<{ grant: ClientGrant, scopes: string[] }> {
  if (!await apis.resourceServerByIdentifier(tenant.id, audience)) throw oauthError('unknown_audience', { audience })
  const grant = await apis.clientGrant(tenant.id, client.clientId, audience)
  if (!grant) throw oauthError('client_not_authorized_for_api', { audience })
  const asked = scopes ?? grant.scopes
  const notGranted = asked.filter((s) => !grant.scopes.includes(s))
  if (notGranted.length > 0) throw oauthError('scope_not_granted', { scopes: notGranted.join(' ') })
  return { grant, scopes: asked }
}
