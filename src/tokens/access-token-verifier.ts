// Verifies an access token this tenant issued for its /userinfo (RFC 9068: header typ at+jwt),
// through the same verifyJwt as every JWT Tollgate receives: signed by one of the keys the tenant
// publishes, each pinned to its own algorithm; iss the tenant's issuer; aud its /userinfo; sub,
// exp and iat present; not expired (no clock tolerance: the issuer verifies its own tokens).
import type { KeyStore, Tenant } from '../store/port.js'
import { userinfoAudience } from './audience.js'
import { cachedVerificationKey } from './public-keys.js'
import { JwtRejected, verifyJwt } from './verify-jwt.js'

export interface AccessTokenClaims {
  sub: string
  scope?: string
  client_id?: string
  azp?: string
}

export class AccessTokenVerifier {
  constructor (private readonly keys: KeyStore, private readonly settings: { maxTokenLength: number }) {}

  /** Throws JwtRejected with the reason (`expired` set when that is all) when the token is not one of ours. */
  async verify (token: string, { tenant, issuer }: { tenant: Tenant, issuer: string }): Promise<AccessTokenClaims> {
    const published = await this.keys.signingKeys(tenant.id)
    const { header, payload } = verifyJwt(token, {
      keys: published.map((k) => cachedVerificationKey(k.publicJwk)),
      issuer,
      audiences: [userinfoAudience(issuer)],
      requiredClaims: ['sub', 'exp', 'iat'],
      clockTolerance: 0,
      maxLength: this.settings.maxTokenLength,
    })
    if (header.typ !== 'at+jwt') throw new JwtRejected('the token is not an access token (typ at+jwt)')
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new JwtRejected('the sub claim is not a string')
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
    return { sub: payload.sub, scope: str(payload.scope), client_id: str(payload.client_id), azp: str(payload.azp) }
  }
}
