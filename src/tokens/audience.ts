// What an access token may be for: the tenant's own /userinfo, or an API (resource server)
// registered in the tenant, with the scopes that API defines.
import { oauthError } from '../errors.js'
import type { ResourceServerDirectory, Tenant } from '../store/port.js'

/** OpenID Connect's scopes: they belong to /userinfo and may accompany any API's scopes. */
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access']

export const userinfoAudience = (issuer: string): string => `${issuer}userinfo`

/** The tenant's MFA API as an audience (Auth0's https://{domain}/mfa/): tokens for managing a user's authenticators. */
export const mfaAudience = (issuer: string): string => `${issuer}mfa/`
export const MFA_API_SCOPES: readonly string[] = ['enroll', 'read:authenticators', 'remove:authenticators']
/** Auth0: tokens for the MFA API live 10 minutes, not configurable. */
const MFA_API_TOKEN_LIFETIME = 600

export interface ResolvedAudience {
  identifier: string
  /** True for the tenant's /userinfo, which every tenant has without registering it. */
  userinfo: boolean
  tokenLifetime: number
  allowOfflineAccess: boolean
}

/**
 * Finds the API an access token is asked for and checks the scopes against it. Unknown audience:
 * 403 access_denied "Service not found"; a scope the API does not define: 400 invalid_scope.
 * /userinfo takes any scope, as Auth0's legacy endpoints send attribute names as scopes.
 */
export async function resolveAudience (apis: ResourceServerDirectory, { tenant, issuer, audience, scopes, userinfoLifetime }: {
  tenant: Tenant, issuer: string, audience: string, scopes: string[], userinfoLifetime: number
}): Promise<ResolvedAudience> {
  if (audience === userinfoAudience(issuer)) {
    return { identifier: audience, userinfo: true, tokenLifetime: userinfoLifetime, allowOfflineAccess: true }
  }
  if (audience === mfaAudience(issuer)) {
    const undefinedScopes = scopes.filter((s) => !OIDC_SCOPES.includes(s) && !MFA_API_SCOPES.includes(s))
    if (undefinedScopes.length > 0) throw oauthError('scope_not_allowed', { audience, scopes: undefinedScopes.join(' ') })
    return { identifier: audience, userinfo: false, tokenLifetime: MFA_API_TOKEN_LIFETIME, allowOfflineAccess: false }
  }
  const api = await apis.resourceServerByIdentifier(tenant.id, audience)
  if (!api) throw oauthError('unknown_audience', { audience })
  const undefinedScopes = scopes.filter((s) => !OIDC_SCOPES.includes(s) && !api.scopes.includes(s))
  if (undefinedScopes.length > 0) throw oauthError('scope_not_allowed', { audience, scopes: undefinedScopes.join(' ') })
  return { identifier: api.identifier, userinfo: false, tokenLifetime: api.tokenLifetime, allowOfflineAccess: api.allowOfflineAccess }
}
