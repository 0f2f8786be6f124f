// The tickets of one-time links (password reset, email verification): 32 random bytes, of which
// only the SHA-256 is stored; one per user and kind, so a new link makes the previous one useless;
// used once (taking a ticket deletes it in the same statement that checks it).
import { randomToken, sha256Hex } from '../security/secrets.js'
import type { TicketKind, User, UserTicketRecord, UserTicketStore } from '../store/port.js'

/** Longest ticket accepted: anything longer is refused before it is hashed. */
export const MAX_TICKET_LENGTH = 128

export class UserTickets {
  constructor (private readonly store: UserTicketStore, private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** A new ticket for the user; the one it replaces stops working. Returns the ticket itself. */
  async issue (user: User, kind: TicketKind, lifetimeSeconds: number): Promise<string> {
    const ticket = randomToken(32)
    const now = this.now()
    await this.store.saveTicket({ tenantId: user.tenantId, userId: user.id, kind, tokenHash: sha256Hex(ticket), createdAt: now, expiresAt: now + lifetimeSeconds })
    return ticket
  }

  /** The ticket's record if it is valid, without using it (the reset form is shown first). */
  async peek (kind: TicketKind, ticket: unknown, tenantId: string): Promise<UserTicketRecord | undefined> {
    if (!wellFormed(ticket)) return undefined
    const record = await this.store.findTicket(kind, sha256Hex(ticket), this.now())
    return record?.tenantId === tenantId ? record : undefined
  }

  /** Uses the ticket: of parallel uses exactly one gets its record. */
  async take (kind: TicketKind, ticket: unknown, tenantId: string): Promise<UserTicketRecord | undefined> {
    if (!wellFormed(ticket)) return undefined
    // A ticket of another tenant is not taken (the hash lookup alone would consume it).
    if (!(await this.peek(kind, ticket, tenantId))) return undefined
    return this.store.takeTicket(kind, sha256Hex(ticket), this.now())
  }
}

const wellFormed = (ticket: unknown): ticket is string =>
  typeof ticket === 'string' && ticket.length > 0 && ticket.length <= MAX_TICKET_LENGTH && /^[A-Za-z0-9_-]+$/.test(ticket)
