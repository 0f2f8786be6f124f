// Mints the token response of a successful grant: an id_token and an access token signed with the
// tenant's current key, and a refresh token when the scope asks for offline access on a device.
import { randomUUID } from 'node:crypto'
import type { Client, KeyStore, RefreshTokenStore, Tenant, User } from '../store/port.js'
import { randomToken, sha256Hex } from '../security/secrets.js'
import type { JwtSigner } from './signer.js'

export interface TokenLifetimes {
  idTokenLifetime: number
  accessTokenLifetime: number
  refreshTokenLifetime: number
}

export interface TokenResponse {
  access_token: string
  id_token: string
  token_type: 'bearer'
  expires_in: number
  refresh_token?: string
  scope?: string
}

/** The response of grants that issue only an access token (no user login, no id_token). */
export interface AccessTokenResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
  scope?: string
}

export interface AccessTokenRequest {
  tenant: Tenant
  issuer: string
  client: Client
  /** The user the token acts for, or the client id itself for machine-to-machine tokens. */
  subject: string
  /** The API (resource server) the token is for. */
  audience: string
  scopes: string[]
  lifetime?: number
  /** Claims to add (e.g. gty). */
  extra?: Record<string, unknown>
}

export interface MintRequest {
  tenant: Tenant
  /** The tenant's issuer URL for this request, with its trailing slash. */
  issuer: string
  client: Client
  user: User
  scopes: string[]
  device?: string
}

const now = () => Math.floor(Date.now() / 1000)

/** The claims an id_token carries for the scopes asked. */
export function userClaims (user: User, scopes: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  if (scopes.includes('profile')) {
    const { name, nickname, picture } = user.profile as Record<string, unknown>
    const fallbackName = user.email ?? user.username ?? user.phoneNumber ?? user.id
    claims.name = name ?? fallbackName
    claims.nickname = nickname ?? (user.email?.split('@')[0] ?? user.username ?? fallbackName)
    if (picture !== undefined) claims.picture = picture
    claims.updated_at = new Date(user.updatedAt * 1000).toISOString()
  }
  if (scopes.includes('email') && user.email !== null) {
    claims.email = user.email
    claims.email_verified = user.emailVerified
  }
  return claims
}

export class TokenMinter {
  constructor (
    private readonly keys: KeyStore,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly signer: JwtSigner,
    private readonly lifetimes: TokenLifetimes,
  ) {}

  async mint ({ tenant, issuer, client, user, scopes, device }: MintRequest): Promise<TokenResponse> {
    const key = await this.currentKey(tenant)
    const iat = now()
    const idToken = this.signer.sign(key, {
      iss: issuer,
      sub: user.id,
      aud: client.clientId,
      iat,
      exp: iat + this.lifetimes.idTokenLifetime,
      ...userClaims(user, scopes),
    })
    const accessToken = this.signer.sign(key, {
      iss: issuer,
      sub: user.id,
      aud: `${issuer}userinfo`,
      azp: client.clientId,
      scope: scopes.join(' '),
      iat,
      exp: iat + this.lifetimes.accessTokenLifetime,
    })
    const response: TokenResponse = {
      access_token: accessToken,
      id_token: idToken,
      token_type: 'bearer',
      expires_in: this.lifetimes.accessTokenLifetime,
    }
    if (scopes.includes('offline_access') && device) {
      response.refresh_token = await this.issueRefreshToken(tenant, client, user, scopes, device, iat)
    }
    return response
  }

  /**
   * An access token for an API, as an RFC 9068 JWT (header typ at+jwt). Used by grants that do not
   * log a user in (client credentials, RFC 7523 assertions); checking that the audience is a
   * registered API and the scopes are allowed is the caller's job.
   */
  async mintAccessToken ({ tenant, issuer, client, subject, audience, scopes, lifetime, extra }: AccessTokenRequest): Promise<AccessTokenResponse> {
    const key = await this.currentKey(tenant)
    const iat = now()
    const expiresIn = lifetime ?? this.lifetimes.accessTokenLifetime
    const token = this.signer.sign(key, {
      iss: issuer,
      sub: subject,
      aud: audience,
      azp: client.clientId,
      client_id: client.clientId,
      scope: scopes.join(' '),
      jti: randomUUID(),
      iat,
      exp: iat + expiresIn,
      ...extra,
    }, { typ: 'at+jwt' })
    return { access_token: token, token_type: 'bearer', expires_in: expiresIn, ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) }
  }

  private async currentKey (tenant: Tenant) {
    // Only the current key signs; previous keys are published for verification only.
    const key = (await this.keys.signingKeys(tenant.id)).find((k) => k.status === 'current')
    if (!key) throw new Error(`tenant ${tenant.name} has no signing key`)
    return key
  }

  private async issueRefreshToken (tenant: Tenant, client: Client, user: User, scopes: string[], device: string, iat: number): Promise<string> {
    const token = randomToken()
    await this.refreshTokens.insertRefreshToken({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      familyId: randomUUID(),
      tenantId: tenant.id,
      clientId: client.clientId,
      userId: user.id,
      device,
      scope: scopes.join(' '),
      createdAt: iat,
      expiresAt: iat + this.lifetimes.refreshTokenLifetime,
    })
    return token
  }
}
