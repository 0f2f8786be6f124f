// What setting a new password does, whoever asks (the reset page today): the connection's policy and
// the breached list first, then the new hash; the user's sessions end (refresh tokens revoked, older
// id_tokens no longer exchanged); brute-force blocks lift (and a password_leaked refusal with them,
// the new password not being breached); an audit event; and a "your password was changed" email.
import { oauthError } from '../errors.js'
import type { AttackProtection } from '../security/attack-protection.js'
import type { PasswordHasher } from '../security/password-hasher.js'
import { DEFAULT_PASSWORD_POLICY, describePolicy, satisfiesPolicy } from '../security/password-policy.js'
import type { LoginSessions } from '../sessions/login-sessions.js'
import type { AuditLog, Connection, PasswordPolicy, Tenant, User, UserSessionStore, UserStore } from '../store/port.js'
import type { AccountEmails } from './emails.js'

export interface PasswordChangeDeps {
  users: UserStore
  sessions: UserSessionStore
  /** Login sessions (the `sid` of id_tokens): all of the user's end. */
  loginSessions: Pick<LoginSessions, 'endAllOf'>
  hasher: PasswordHasher
  protection: AttackProtection
  audit: AuditLog
  emails: AccountEmails
}

export const policyOf = (connection: Connection): PasswordPolicy => connection.options.password_policy ?? DEFAULT_PASSWORD_POLICY

export class PasswordChanger {
  constructor (private readonly deps: PasswordChangeDeps) {}

  /** Throws the catalog's refusal when the connection would not take this password. */
  checkNewPassword (tenant: Tenant, connection: Connection, password: string): void {
    const policy = policyOf(connection)
    if (!satisfiesPolicy(policy, password)) throw oauthError('invalid_password', { rules: describePolicy(policy) })
    if (this.deps.protection.isBreached(tenant, password)) throw oauthError('new_password_breached')
  }

  /** Sets the password (already checked) and does everything a change entails. */
  async change (request: { tenant: Tenant, connection: Connection, user: User, password: string, ip: string | null, via: string }): Promise<void> {
    const { tenant, connection, user, password, ip, via } = request
    const now = Math.floor(Date.now() / 1000)
    const updated: User = { ...user, passwordHash: await this.deps.hasher.hash(password), updatedAt: now, sessionsValidAfter: now }
    await this.deps.users.updateUser(updated)
    const ended = await this.deps.loginSessions.endAllOf(tenant.id, user.id, now)
    const revoked = await this.deps.sessions.endUserSessions(tenant.id, user.id, now)
    const cleared = await this.deps.protection.liftBlocksAfterPasswordChange(tenant, connection, user)
    await this.deps.audit.recordEvent({
      type: 'password_change', tenantId: tenant.id, clientId: null, connection: connection.name, userId: user.id,
      login: user.email, ip, detail: `${via}; ${ended} sessions ended; ${revoked} refresh tokens revoked; ${cleared} block counters cleared`, createdAt: Date.now(),
    })
    this.deps.emails.passwordChanged(tenant, connection, updated)
  }
}
