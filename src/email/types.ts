// What every way of sending email shares: a message for one user, and the interface a transport implements.
import type { EmailTemplateName } from '../store/port.js'

export interface EmailMessage {
  tenantId: string
  /** The connection of the user it goes to (shown by `tollgate outbox`). */
  connection: string
  kind: EmailTemplateName
  from: string
  to: string
  subject: string
  text: string
}

export interface EmailTransport {
  /** Sends the message or throws; a thrown error with `permanent: true` is not retried. */
  send (message: EmailMessage): Promise<void>
}

/** Where the mailer notes what it did; never given a message's text (it carries links). */
export interface MailLog {
  info (fields: Record<string, unknown>, message: string): void
  warn (fields: Record<string, unknown>, message: string): void
  error (fields: Record<string, unknown>, message: string): void
}
