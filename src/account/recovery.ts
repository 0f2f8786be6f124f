// Account recovery: asking for a reset email (POST /dbconnections/change_password), setting a new
// password with a reset link (/lo/reset), verifying an email address (/lo/verify_email), and the
// reset email a leaked password earns (at most once a day per user).
import { oauthError } from '../errors.js'
import type { Mailer } from '../email/mailer.js'
import type { AuditLog, Connection, ConnectionById, Tenant, User, UserStore, UserTicketStore } from '../store/port.js'
import type { AccountEmails } from './emails.js'
import { policyOf, type PasswordChanger } from './password-change.js'
import type { UserTickets } from './tickets.js'

/** A leaked-password email goes to a user at most this often. */
export const LEAKED_NOTICE_INTERVAL_SECONDS = 24 * 3600

export interface AccountRecoveryDeps {
  users: UserStore
  connections: ConnectionById
  ticketStore: UserTicketStore
  tickets: UserTickets
  emails: AccountEmails
  changer: PasswordChanger
  mailer: Mailer
  audit: AuditLog
}

/** What the reset page needs to show its form. */
export interface ResetForm {
  user: User
  connection: Connection
  policy: ReturnType<typeof policyOf>
}

export class AccountRecovery {
  constructor (private readonly deps: AccountRecoveryDeps) {}

  /**
   * Sends a reset link if the email names a user of the (database) connection. Runs in the
   * background: the caller answers the same, at the same time, whether or not the user exists.
   */
  requestPasswordReset (request: { tenant: Tenant, issuer: string, connection: Connection, email: string }): void {
    const { tenant, issuer, connection, email } = request
    this.deps.mailer.background(async () => {
      const user = await this.deps.users.userByLogin(connection.id, email)
      if (!user || user.email !== email.toLowerCase()) return
      await this.deps.emails.sendLink(tenant, issuer, connection, user, 'reset_password')
    }, 'password reset request')
  }

  /** Sends a new user a verification link, in the background (signup; `tollgate apply` with verify_email). */
  sendVerification (request: { tenant: Tenant, issuer: string, user: User }): void {
    const { tenant, issuer, user } = request
    if (!user.email || user.emailVerified) return
    this.deps.mailer.background(async () => {
      const connection = await this.deps.connections.connectionById(tenant.id, user.connectionId)
      if (connection) await this.deps.emails.sendLink(tenant, issuer, connection, user, 'verify_email')
    }, 'verification email')
  }

  /** A password_leaked refusal: a reset link goes to the user, at most once a day. */
  notifyLeakedPassword (request: { tenant: Tenant, issuer?: string, connection: Connection, user: User }): void {
    const { tenant, connection, user } = request
    const issuer = request.issuer ?? tenant.publicUrl
    // Only a database connection's passwords are Tollgate's to change.
    if (!issuer || !user.email || connection.strategy !== 'database') return
    this.deps.mailer.background(async () => {
      const now = Math.floor(Date.now() / 1000)
      if (!await this.deps.ticketStore.claimLeakedPasswordNotice(user.id, now, LEAKED_NOTICE_INTERVAL_SECONDS)) return
      await this.deps.emails.sendLink(tenant, issuer, connection, user, 'reset_password')
    }, 'leaked password notice')
  }

  /** The form's data for a valid reset ticket; 406 link_expired otherwise. */
  async resetForm (tenant: Tenant, ticket: unknown): Promise<ResetForm> {
    const record = await this.deps.tickets.peek('reset_password', ticket, tenant.id)
    const found = record && await this.userAndConnection(tenant, record.userId)
    if (!found || found.connection.strategy !== 'database') throw oauthError('link_expired')
    return { ...found, policy: policyOf(found.connection) }
  }

  /** Sets the new password with a reset ticket, which is used up only if the password is taken. */
  async resetPassword (request: { tenant: Tenant, ticket: unknown, password: string, confirmation: string, ip: string }): Promise<User> {
    const { tenant, ticket, password, confirmation, ip } = request
    const { user, connection } = await this.resetForm(tenant, ticket)
    if (password !== confirmation) throw oauthError('passwords_do_not_match')
    this.deps.changer.checkNewPassword(tenant, connection, password)
    // Taking the ticket is the atomic step: of two parallel submissions, one changes the password.
    if (!await this.deps.tickets.take('reset_password', ticket, tenant.id)) throw oauthError('link_expired')
    const current = await this.deps.users.userById(tenant.id, user.id)
    if (!current) throw oauthError('link_expired')
    await this.deps.changer.change({ tenant, connection, user: current, password, ip, via: 'reset_link' })
    return current
  }

  /** Marks the email of the ticket's user verified; 406 link_expired for a bad ticket. */
  async verifyEmail (request: { tenant: Tenant, ticket: unknown, ip: string }): Promise<User> {
    const { tenant, ticket, ip } = request
    const record = await this.deps.tickets.take('verify_email', ticket, tenant.id)
    const found = record && await this.userAndConnection(tenant, record.userId)
    if (!found) throw oauthError('link_expired')
    const user: User = { ...found.user, emailVerified: true, updatedAt: Math.floor(Date.now() / 1000) }
    await this.deps.users.updateUser(user)
    await this.deps.audit.recordEvent({
      type: 'email_verified', tenantId: tenant.id, clientId: null, connection: found.connection.name, userId: user.id,
      login: user.email, ip, detail: 'verify_link', createdAt: Date.now(),
    })
    return user
  }

  private async userAndConnection (tenant: Tenant, userId: string): Promise<{ user: User, connection: Connection } | undefined> {
    const user = await this.deps.users.userById(tenant.id, userId)
    const connection = user && await this.deps.connections.connectionById(tenant.id, user.connectionId)
    return user && connection ? { user, connection } : undefined
  }
}
