// Which API (resource server) an RFC 7523 access token is for. The audience must be given; that it is
// a registered API of the tenant, and that the scopes are ones it defines, is checked when the token
// is minted (TokenMinter.mintAccessToken, src/tokens/audience.ts), for every grant alike.
import { oauthError } from '../errors.js'

export function requireAudience (audience: string | undefined): string {
  if (audience === undefined || audience.trim() === '') throw oauthError('missing_parameter', { name: 'audience' })
  return audience
}

/** Splits a scope parameter; unlike the login grants, an API token asks for no scope by default. */
export function parseApiScopes (scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))]
}
