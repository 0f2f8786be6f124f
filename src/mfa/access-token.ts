// Access tokens for the tenant's MFA API (audience {issuer}mfa/), as DELETE /mfa/authenticators/{id}
// requires them: an RFC 9068 access token (typ at+jwt) signed by one of the tenant's published keys,
// for that audience, with the scope the operation needs. Any refusal is a 401 invalid_token (or
// 403 for a token without the scope); why goes to the log only.
import { oauthError } from '../errors.js'
import type { KeyStore, Tenant } from '../store/port.js'
import { mfaAudience } from '../tokens/audience.js'
import { cachedVerificationKey } from '../tokens/public-keys.js'
import { JwtRejected, verifyJwt } from '../tokens/verify-jwt.js'

export interface MfaApiTokenSettings {
  clockTolerance: number
  maxTokenLength: number
}

/** The user a token for the MFA API acts for, once it carries `scope`. */
export async function mfaApiSubject (keys: KeyStore, settings: MfaApiTokenSettings,
  { tenant, issuer, token, scope }: { tenant: Tenant, issuer: string, token: string, scope: string }): Promise<string> {
  let payload: Record<string, unknown>
  try {
    const published = await keys.signingKeys(tenant.id)
    const verified = verifyJwt(token, {
      keys: published.map((k) => cachedVerificationKey(k.publicJwk)),
      issuer,
      audiences: [mfaAudience(issuer)],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: settings.clockTolerance,
      maxLength: settings.maxTokenLength,
    })
    if (verified.header.typ !== 'at+jwt') throw new JwtRejected('not an access token')
    payload = verified.payload
  } catch (err) {
    if (err instanceof JwtRejected) throw oauthError('access_token_invalid', {}, { cause: err })
    throw err
  }
  if (typeof payload.sub !== 'string') throw oauthError('access_token_invalid')
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : []
  if (!scopes.includes(scope)) throw oauthError('mfa_remove_scope_missing')
  return payload.sub
}
