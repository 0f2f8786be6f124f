// Verifies an id_token this tenant issued, for the id_token exchange on /oauth/ro: signed by one of
// the keys the tenant publishes (each pinned to its own algorithm), iss the tenant's issuer, aud
// the client asking, not expired beyond the clock tolerance. Access tokens (typ at+jwt) are refused.
import type { KeyStore, Tenant } from '../store/port.js'
import { cachedVerificationKey } from './public-keys.js'
import { JwtRejected, verifyJwt } from './verify-jwt.js'

export interface IdTokenSettings {
  clockTolerance: number
  maxTokenLength: number
}

export interface VerifiedIdToken {
  sub: string
  claims: Record<string, unknown>
}

export class IdTokenVerifier {
  constructor (private readonly keys: KeyStore, private readonly settings: IdTokenSettings) {}

  /** Throws JwtRejected with the reason when the token is not one of ours for `audience`. */
  async verify (token: string, { tenant, issuer, audience }: { tenant: Tenant, issuer: string, audience: string }): Promise<VerifiedIdToken> {
    const published = await this.keys.signingKeys(tenant.id)
    const { header, payload } = verifyJwt(token, {
      keys: published.map((k) => cachedVerificationKey(k.publicJwk)),
      issuer,
      audiences: [audience],
      requiredClaims: ['iss', 'sub', 'aud', 'exp'],
      clockTolerance: this.settings.clockTolerance,
      maxLength: this.settings.maxTokenLength,
    })
    if (header.typ !== undefined && header.typ !== 'JWT') throw new JwtRejected('the token is not an id_token')
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new JwtRejected('the sub claim is not a string')
    return { sub: payload.sub, claims: payload }
  }
}
