// Login sessions: one per login (password, code), named by the `sid` of the id_tokens it issues; its
// refresh tokens belong to it. A session ends when its refresh token is revoked, when the user's
// password changes or the user is blocked (`tollgate apply`, and whatever else calls `endAllOf`),
// and at its absolute end, which nothing issued for it outlives. The id_token exchange on /oauth/ro
// continues a session only while it is live.
import { randomUUID } from 'node:crypto'
import { sha256Hex } from '../security/secrets.js'
import type { Client, LoginSession, LoginSessionStore, RefreshTokenStore, Tenant, User } from '../store/port.js'

/** Part of a hash of the user's password hash: it changes with the password, and reveals nothing. */
export const passwordFingerprint = (user: User): string => user.passwordHash ? sha256Hex(user.passwordHash).slice(0, 16) : ''

const epoch = () => Math.floor(Date.now() / 1000)

export class LoginSessions {
  private lastPrune = 0

  constructor (
    private readonly store: LoginSessionStore & RefreshTokenStore,
    /** Seconds from login to the session's absolute end (the refresh token lifetime). */
    private readonly absoluteLifetime: number,
  ) {}

  /** Starts the session of a login that just succeeded. */
  async start ({ tenant, client, user, now = epoch() }: { tenant: Tenant, client: Client, user: User, now?: number }): Promise<LoginSession> {
    const session: LoginSession = {
      id: randomUUID(),
      tenantId: tenant.id,
      userId: user.id,
      clientId: client.clientId,
      passwordFingerprint: passwordFingerprint(user),
      createdAt: now,
      expiresAt: now + this.absoluteLifetime,
      endedAt: null,
    }
    await this.store.insertLoginSession(session)
    // Sessions past their end are forgotten, at most once a minute.
    if (now - this.lastPrune >= 60) {
      this.lastPrune = now
      await this.store.deleteExpiredLoginSessions(now)
    }
    return session
  }

  /**
   * The session `sid` names, if it is still live for this user and client: not ended, before its
   * absolute end, the user not blocked and their password unchanged since the login.
   */
  async live ({ tenant, client, user, sid, now = epoch() }: { tenant: Tenant, client: Client, user: User, sid: string, now?: number }): Promise<LoginSession | undefined> {
    const session = await this.store.loginSessionById(sid)
    if (!session || session.tenantId !== tenant.id || session.userId !== user.id || session.clientId !== client.clientId) return undefined
    if (session.endedAt !== null || now >= session.expiresAt || user.blocked) return undefined
    if (session.passwordFingerprint !== passwordFingerprint(user)) return undefined
    return session
  }

  /** Ends one session: its refresh tokens are revoked and its id_tokens buy nothing more. */
  async end (sessionId: string, now = epoch()): Promise<boolean> {
    return this.store.endLoginSession(sessionId, now)
  }

  /** Ends every session of a user (a password reset, a block); returns how many were live. */
  async endAllOf (tenantId: string, userId: string, now = epoch()): Promise<number> {
    return this.store.endLoginSessionsOfUser(tenantId, userId, now)
  }

  /**
   * POST /oauth/revoke's work: a refresh token the client holds is revoked with its family and its
   * session. Any other token is left alone; the caller answers the same either way.
   */
  async revokeRefreshToken ({ tenant, client, token }: { tenant: Tenant, client: Client, token: string }): Promise<{ familyId: string, revoked: number } | undefined> {
    const stored = await this.store.refreshTokenByHash(sha256Hex(token))
    if (!stored || stored.tenantId !== tenant.id || stored.clientId !== client.clientId) return undefined
    const now = epoch()
    const revoked = await this.store.revokeRefreshTokenFamily(stored.familyId, now)
    if (stored.sessionId) await this.end(stored.sessionId, now)
    return { familyId: stored.familyId, revoked }
  }
}
