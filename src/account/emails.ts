// The emails about a user's account: a reset link, a verification link, a notice that the password
// changed. Each is composed from the tenant's templates and queued on the mailer; none is awaited.
import type { Mailer } from '../email/mailer.js'
import { renderEmail } from '../email/templates.js'
import type { Connection, EmailTemplateName, Tenant, TicketKind, User } from '../store/port.js'
import { ticketLink } from './links.js'
import type { UserTickets } from './tickets.js'

export const DEFAULT_TICKET_LIFETIME = 5 * 24 * 3600

export const ticketLifetimeOf = (tenant: Tenant, kind: TicketKind): number =>
  (kind === 'reset_password' ? tenant.email?.reset_ticket_lifetime : tenant.email?.verify_ticket_lifetime) ?? DEFAULT_TICKET_LIFETIME

export class AccountEmails {
  constructor (private readonly mailer: Mailer, private readonly tickets: UserTickets) {}

  /** A new link of that kind for the user (the previous one stops working). */
  async link (tenant: Tenant, issuer: string, user: User, kind: TicketKind): Promise<string> {
    return ticketLink(issuer, kind, await this.tickets.issue(user, kind, ticketLifetimeOf(tenant, kind)))
  }

  /** Issues a link and queues the email carrying it; users without an email address get nothing. */
  async sendLink (tenant: Tenant, issuer: string, connection: Connection, user: User, kind: TicketKind): Promise<void> {
    if (!user.email) return
    const link = await this.link(tenant, issuer, user, kind)
    this.queue(tenant, connection, user, kind, { link, lifetime: ticketLifetimeOf(tenant, kind) })
  }

  passwordChanged (tenant: Tenant, connection: Connection, user: User): void {
    if (user.email) this.queue(tenant, connection, user, 'password_changed', {})
  }

  private queue (tenant: Tenant, connection: Connection, user: User, kind: EmailTemplateName, values: { link?: string, lifetime?: number }): void {
    const { subject, text } = renderEmail(tenant.email, kind, { email: user.email!, tenant: tenant.name, ...values })
    this.mailer.enqueue(tenant, {
      tenantId: tenant.id, connection: connection.name, kind, from: this.mailer.fromOf(tenant), to: user.email!, subject, text,
    })
  }
}
