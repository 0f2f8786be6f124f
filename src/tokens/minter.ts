// Mints the token response of a successful grant: an id_token and an access token signed with the
// tenant's current key, and a refresh token when the scope asks for offline access on a device.
// Refresh tokens rotate: `refresh` consumes the presented one and issues its successor.
import { randomUUID } from 'node:crypto'
import { oauthError } from '../errors.js'
import type { LoginSessions } from '../sessions/login-sessions.js'
import type { Client, KeyStore, LoginSession, RefreshTokenRecord, RefreshTokenStore, ResourceServerDirectory, SigningKey, StoredRefreshToken, Tenant, User } from '../store/port.js'
import { randomToken, sha256Hex } from '../security/secrets.js'
import { resolveAudience, userinfoAudience, type ResolvedAudience } from './audience.js'
import type { JwtSigner } from './signer.js'

export interface TokenLifetimes {
  idTokenLifetime: number
  accessTokenLifetime: number
  refreshTokenLifetime: number
}

export interface TokenResponse {
  access_token: string
  id_token?: string
  token_type: 'bearer'
  expires_in: number
  refresh_token?: string
  scope?: string
  /** The mfa-recovery-code grant's new recovery code. */
  recovery_code?: string
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
  /** The API (resource server) the token is for: a registered identifier, or the tenant's /userinfo. */
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
  /** The API the access token is for (checked here); without it, the tenant's /userinfo. */
  audience?: string
  /**
   * /oauth/token issues a refresh token for offline_access alone; Auth0's legacy /oauth/ro also
   * needs a device. A token issued without a device is bound to the empty device name.
   */
  refreshWithoutDevice?: boolean
  /** The live session this login continues (the id_token exchange); a new one is started without it. */
  session?: LoginSession
}

export interface RefreshRequest {
  tenant: Tenant
  issuer: string
  client: Client
  user: User
  /** The presented token, already checked by the grant: it is consumed here. */
  token: StoredRefreshToken
  scopes: string[]
  now: number
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
    private readonly apis: ResourceServerDirectory,
    private readonly sessions: LoginSessions,
  ) {}

  /** Checks that `audience` is the tenant's /userinfo or a registered API defining `scopes`. */
  resolveAudience ({ tenant, issuer, audience, scopes }: { tenant: Tenant, issuer: string, audience: string, scopes: string[] }): Promise<ResolvedAudience> {
    return resolveAudience(this.apis, { tenant, issuer, audience, scopes, userinfoLifetime: this.lifetimes.accessTokenLifetime })
  }

  async mint ({ tenant, issuer, client, user, scopes, device, audience, refreshWithoutDevice, session: continued }: MintRequest): Promise<TokenResponse> {
    const api = await this.resolveAudience({ tenant, issuer, audience: audience ?? userinfoAudience(issuer), scopes })
    const key = await this.currentKey(tenant)
    const iat = now()
    const session = continued ?? await this.sessions.start({ tenant, client, user, now: iat })
    // Nothing issued for a session outlives it (an exchange near its end gets shorter tokens).
    const left = session.expiresAt - iat
    // Both signatures at once: each runs in the thread pool (src/tokens/signer.ts).
    const [accessToken, idToken] = await Promise.all([
      this.signAccessToken(key, api, { issuer, client, subject: user.id, scopes, iat, lifetime: Math.min(api.tokenLifetime, left) }),
      this.signIdToken(key, { issuer, client, user, scopes, iat, sid: session.id, lifetime: Math.min(this.lifetimes.idTokenLifetime, left) }),
    ])
    const response: TokenResponse = { ...accessToken, id_token: idToken }
    if (audience === undefined) delete response.scope
    if (scopes.includes('offline_access') && api.allowOfflineAccess && (device !== undefined || refreshWithoutDevice)) {
      response.refresh_token = await this.issueRefreshToken(session, scopes, device ?? '', iat, audience ?? null)
    }
    return response
  }

  /**
   * Rotates a refresh token: consumes the presented one and issues its successor in the same family,
   * with the same absolute end. Throws invalid_grant when another request consumed it first.
   */
  async refresh ({ tenant, issuer, client, user, token, scopes, now }: RefreshRequest): Promise<TokenResponse> {
    const api = await this.resolveAudience({ tenant, issuer, audience: token.audience ?? userinfoAudience(issuer), scopes })
    const key = await this.currentKey(tenant)
    const successor = randomToken()
    const next: RefreshTokenRecord = {
      id: randomUUID(),
      tokenHash: sha256Hex(successor),
      familyId: token.familyId,
      tenantId: token.tenantId,
      clientId: token.clientId,
      userId: token.userId,
      device: token.device,
      scope: token.scope,
      createdAt: now,
      expiresAt: token.expiresAt,
      audience: token.audience,
      sessionId: token.sessionId ?? null,
    }
    if (!await this.refreshTokens.rotateRefreshToken(token.id, next, now)) {
      throw oauthError('invalid_refresh_token', {}, { cause: new Error('refresh token consumed by a parallel request') })
    }
    const [accessToken, idToken] = await Promise.all([
      this.signAccessToken(key, api, { issuer, client, subject: user.id, scopes, iat: now }),
      scopes.includes('openid') ? this.signIdToken(key, { issuer, client, user, scopes, iat: now, sid: token.sessionId ?? undefined }) : undefined,
    ])
    const response: TokenResponse = accessToken
    if (idToken !== undefined) response.id_token = idToken
    response.refresh_token = successor
    return response
  }

  /**
   * An access token for an API, as an RFC 9068 JWT (header typ at+jwt). The audience must be a
   * registered API (or the tenant's /userinfo) that defines the scopes; grants that decide who may
   * have which scopes (client grants for client credentials) check that before calling.
   */
  async mintAccessToken ({ tenant, issuer, client, subject, audience, scopes, lifetime, extra }: AccessTokenRequest): Promise<AccessTokenResponse> {
    const api = await this.resolveAudience({ tenant, issuer, audience, scopes })
    const key = await this.currentKey(tenant)
    return this.signAccessToken(key, api, { issuer, client, subject, scopes, iat: now(), lifetime, extra })
  }

  private async signAccessToken (key: SigningKey, api: ResolvedAudience, { issuer, client, subject, scopes, iat, lifetime, extra }: {
    issuer: string, client: Client, subject: string, scopes: string[], iat: number, lifetime?: number, extra?: Record<string, unknown>
  }): Promise<AccessTokenResponse> {
    const expiresIn = lifetime ?? api.tokenLifetime
    // With openid, an API's token also lets its holder call /userinfo (as Auth0 does).
    const aud = !api.userinfo && scopes.includes('openid') ? [api.identifier, userinfoAudience(issuer)] : api.identifier
    const token = await this.signer.sign(key, {
      iss: issuer,
      sub: subject,
      aud,
      azp: client.clientId,
      client_id: client.clientId,
      scope: scopes.join(' '),
      jti: randomUUID(),
      iat,
      exp: iat + expiresIn,
      ...extra,
    }, { typ: 'at+jwt' })
    return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn, ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) }
  }

  private signIdToken (key: SigningKey, { issuer, client, user, scopes, iat, sid, lifetime = this.lifetimes.idTokenLifetime }: {
    issuer: string, client: Client, user: User, scopes: string[], iat: number, sid?: string, lifetime?: number
  }): Promise<string> {
    return this.signer.sign(key, {
      iss: issuer,
      sub: user.id,
      aud: client.clientId,
      iat,
      exp: iat + lifetime,
      ...(sid === undefined ? {} : { sid }),
      ...userClaims(user, scopes),
    })
  }

  private async currentKey (tenant: Tenant) {
    // Only the current key signs; previous keys are published for verification only.
    const key = (await this.keys.signingKeys(tenant.id)).find((k) => k.status === 'current')
    if (!key) throw new Error(`tenant ${tenant.name} has no signing key`)
    return key
  }

  /** A new family in the session, ending when the session does. */
  private async issueRefreshToken (session: LoginSession, scopes: string[], device: string, iat: number, audience: string | null): Promise<string> {
    const token = randomToken()
    await this.refreshTokens.insertRefreshToken({
      id: randomUUID(),
      tokenHash: sha256Hex(token),
      familyId: randomUUID(),
      tenantId: session.tenantId,
      clientId: session.clientId,
      userId: session.userId,
      device,
      scope: scopes.join(' '),
      createdAt: iat,
      expiresAt: Math.min(iat + this.lifetimes.refreshTokenLifetime, session.expiresAt),
      audience,
      sessionId: session.id,
    })
    return token
  }
}
