// RFC 7523 assertions a client signs with its own key, for the jwt-bearer grant (section 2.1) and
// for private_key_jwt client authentication (section 2.2). One set of checks for both:
// signature by a key the client registered (algorithm pinned per key), iss the client, sub the
// client (or, for the grant, whoever the caller then accepts), aud the token endpoint or the
// issuer, exp required and at most the maximum lifetime away, nbf and iat honoured, jti required
// and used once (recorded atomically until exp + clock tolerance). The checks that need no store
// run first; the jti is spent only by an assertion that passed all of them.
import type { Client } from '../store/port.js'
import type { ReplayGuard } from '../security/replay-guard.js'
import { AUDIENCE_REFUSED, JwtRejected, peekJwt, verifyJwtInThreadPool } from '../tokens/verify-jwt.js'
import type { ClientKeys } from './client-keys.js'

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface AssertionSettings {
  clockTolerance: number
  maxAssertionLifetime: number
  maxTokenLength: number
}

export interface AssertionRequest {
  client: Client
  /** The tenant's issuer URL (with its trailing slash); the token endpoint is under it. */
  issuer: string
  /** 'client': sub must be the client (client authentication); 'any': the caller decides. */
  subject: 'client' | 'any'
}

export interface VerifiedAssertion {
  sub: string
  claims: Record<string, unknown>
}

export const tokenEndpoint = (issuer: string) => `${issuer}oauth/token`

/** Says which audience is expected when an assertion names another: both are public URLs. */
async function verifyAudience<T> (audiences: string[], verify: () => Promise<T>): Promise<T> {
  try {
    return await verify()
  } catch (err) {
    if (err instanceof JwtRejected && err.message === AUDIENCE_REFUSED) {
      throw new JwtRejected(`the aud claim must be ${audiences.join(' or ')}`)
    }
    throw err
  }
}

const MAX_JTI_LENGTH = 256

export class AssertionVerifier {
  constructor (
    private readonly keys: ClientKeys,
    private readonly replay: ReplayGuard,
    private readonly settings: AssertionSettings,
  ) {}

  /** The client an assertion says it comes from (its iss), unverified: only to find whose keys to use. */
  claimedClient (assertion: unknown): string {
    const { payload } = peekJwt(assertion, this.settings.maxTokenLength)
    if (typeof payload.iss !== 'string' || payload.iss === '') throw new JwtRejected('the assertion has no iss')
    return payload.iss
  }

  /** Throws JwtRejected with the reason when the assertion is not good for this client. */
  async verify (assertion: unknown, { client, issuer, subject }: AssertionRequest): Promise<VerifiedAssertion> {
    const { clockTolerance, maxAssertionLifetime, maxTokenLength } = this.settings
    const { header } = peekJwt(assertion, maxTokenLength)
    const keys = await this.keys.keysFor(client, header.kid)
    const nowMs = Date.now()
    const audiences = [tokenEndpoint(issuer), issuer]
    const { payload } = await verifyAudience(audiences, () => verifyJwtInThreadPool(assertion, {
      keys,
      issuer: client.clientId,
      audiences,
      ...(subject === 'client' ? { subject: client.clientId } : {}),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      clockTolerance,
      maxLength: maxTokenLength,
      now: nowMs,
    }))
    const now = Math.floor(nowMs / 1000)
    const { sub, jti, exp, iat } = payload as { sub: unknown, jti: unknown, exp: number, iat: unknown }
    if (typeof sub !== 'string' || sub === '') throw new JwtRejected('the sub claim is not a string')
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new JwtRejected('the jti claim is not a short string')
    if (iat !== undefined) {
      if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new JwtRejected('the iat claim is not a number')
      if (iat > now + clockTolerance) throw new JwtRejected('the assertion was issued in the future')
      if (exp - iat > maxAssertionLifetime) throw new JwtRejected(`the assertion lives longer than the ${maxAssertionLifetime} seconds allowed`)
    }
    // Without iat, the lifetime still counts from now: no assertion stays usable (or recorded) longer.
    if (exp - now > maxAssertionLifetime + clockTolerance) throw new JwtRejected(`the assertion lives longer than the ${maxAssertionLifetime} seconds allowed`)
    if (!await this.replay.useOnce(client.clientId, jti, exp + clockTolerance)) throw new JwtRejected('the jti was already used')
    return { sub, claims: payload }
  }
}
