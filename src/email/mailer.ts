// Sends the emails of a tenant through its transport (SMTP, or the development outbox), in the
// background: a caller never waits for a mail server and never learns whether a message went out,
// so an answer cannot reveal whether an account exists. Failures are logged and retried a bounded
// number of times, with a growing delay.
import { setTimeout as sleep } from 'node:timers/promises'
import type { OutboxStore, Tenant } from '../store/port.js'
import { outboxTransport } from './development.js'
import { smtpTransport, type SmtpTransport } from './smtp.js'
import type { EmailMessage, EmailTransport, MailLog } from './types.js'

export interface MailerSettings {
  /** Attempts per message, the first included. */
  maxAttempts: number
  /** Delay before the first retry; doubled before each next one. */
  retryDelayMs: number
}

export const DEFAULT_FROM = 'Tollgate <no-reply@localhost>'

export class Mailer {
  private readonly outbox: EmailTransport
  private readonly smtp = new Map<string, SmtpTransport>()
  private readonly pending = new Set<Promise<void>>()

  constructor (store: OutboxStore, private readonly settings: MailerSettings, private readonly log: MailLog) {
    this.outbox = outboxTransport(store)
  }

  /** The From address of the tenant's emails. */
  fromOf (tenant: Tenant): string {
    return tenant.email?.from ?? DEFAULT_FROM
  }

  /** Queues the message and returns at once; `idle()` waits for everything queued. */
  enqueue (tenant: Tenant, message: EmailMessage): void {
    this.track(this.deliver(tenant, message))
  }

  /** Runs background work (finding a user, issuing a ticket, sending) tracked like a send. */
  background (work: () => Promise<void>, what: string): void {
    this.track(work().catch((err: Error) => { this.log.error({ err: { message: err.message }, what }, 'background email work failed') }))
  }

  /** Resolves when nothing is being sent (app shutdown, the CLI before it exits). */
  async idle (): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  close (): void {
    for (const transport of this.smtp.values()) transport.close()
    this.smtp.clear()
  }

  /** Sends with bounded retries; never throws. Resolves true when the message went out. */
  async deliver (tenant: Tenant, message: EmailMessage): Promise<boolean> {
    const fields = { tenant: tenant.name, kind: message.kind, connection: message.connection }
    let transport: EmailTransport
    try {
      transport = this.transportOf(tenant)
    } catch (err) {
      this.log.error({ ...fields, err: { message: (err as Error).message } }, 'email not sent: the tenant\'s email settings are unusable')
      return false
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.send(message)
        this.log.info({ ...fields, attempt, via: tenant.email?.provider ?? 'development' }, 'email sent')
        return true
      } catch (err) {
        const { message: reason, permanent } = err as Error & { permanent?: boolean }
        const last = permanent === true || attempt >= this.settings.maxAttempts
        this.log[last ? 'error' : 'warn']({ ...fields, attempt, err: { message: reason } },
          last ? 'email not sent: giving up' : 'email not sent: will retry')
        if (last) return false
        await sleep(this.settings.retryDelayMs * 2 ** (attempt - 1))
      }
    }
  }

  private transportOf (tenant: Tenant): EmailTransport {
    const email = tenant.email
    if (email?.provider !== 'smtp' || !email.smtp) return this.outbox
    const key = `${tenant.id} ${JSON.stringify(email.smtp)}`
    let transport = this.smtp.get(key)
    if (!transport) {
      transport = smtpTransport(email.smtp)
      this.smtp.set(key, transport)
    }
    return transport
  }

  private track (work: Promise<unknown>): void {
    const done = work.then(() => {}, () => {}).finally(() => { this.pending.delete(done) })
    this.pending.add(done)
  }
}
