// `tollgate users reset-link` and `tollgate users verify-link`: a one-time link for an operator to
// hand to a user (Auth0's password-change and email-verification tickets), and the verification
// emails `tollgate apply` sends to new users declared with verify_email: true.
import { Command, Option } from 'commander'
import { AccountEmails, ticketLifetimeOf } from '../account/emails.js'
import { ticketLink } from '../account/links.js'
import { UserTickets } from '../account/tickets.js'
import { CliFailure, out, tenantNamed, withStore } from './common.js'
import type { Config } from '../config.js'
import { Mailer } from '../email/mailer.js'
import type { MailLog } from '../email/types.js'
import { describeDuration } from '../email/templates.js'
import type { Store, Tenant, TicketKind } from '../store/port.js'

const KINDS: Array<[string, TicketKind, string]> = [
  ['reset-link', 'reset_password', 'print a one-time password-reset link for the user (the previous one stops working)'],
  ['verify-link', 'verify_email', 'print a one-time email-verification link for the user (the previous one stops working)'],
]

/** The base URL of the tenant's links: its public_url, else the one given; refused when neither is a URL. */
function issuerOf (tenant: Tenant, baseUrl: string | undefined): string {
  const base = baseUrl ?? tenant.publicUrl
  if (!base) throw new CliFailure(`tenant ${tenant.name} has no public_url: give --base-url https://... (the URL users reach Tollgate at)`)
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new CliFailure(`--base-url ${base} is not a URL: give e.g. https://auth.example.com/`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliFailure(`--base-url ${base} must be an http or https URL`)
  return url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`
}

/** `users reset-link` and `users verify-link`. */
export function accountLinkCommands (): Command[] {
  return KINDS.map(([name, kind, description]) => new Command(name)
    .description(description)
    .argument('<login>', "the user's email or username")
    .requiredOption('--connection <name>', 'the database connection of the user')
    .addOption(new Option('--tenant <name>', 'the tenant (default: the default tenant)'))
    .option('--base-url <url>', "the tenant's public URL, when its provisioning sets no public_url")
    .action((login: string, options: { connection: string, tenant?: string, baseUrl?: string }) => withStore(async ({ store }) => {
      const tenant = await tenantNamed(store, options.tenant)
      const issuer = issuerOf(tenant, options.baseUrl)
      const connection = await store.connectionByName(tenant.id, options.connection)
      if (!connection) throw new CliFailure(`no connection named ${options.connection} in tenant ${tenant.name}`)
      if (connection.strategy !== 'database') throw new CliFailure(`connection ${connection.name} is not a database connection (its strategy is ${connection.strategy})`)
      const user = await store.userByLogin(connection.id, login)
      if (!user) throw new CliFailure(`no user ${login} in ${tenant.name}/${connection.name}`)
      const lifetime = ticketLifetimeOf(tenant, kind)
      out(ticketLink(issuer, kind, await new UserTickets(store).issue(user, kind, lifetime)))
      out(`(for ${user.email ?? login} in ${tenant.name}/${connection.name}; works once, expires in ${describeDuration(lifetime)})`)
    })))
}

/**
 * Sends the verification links a `tollgate apply` owes, and waits until they are sent or given up;
 * `notes` says what happened, failures included, for the operator.
 */
export function verificationSender (config: Config, store: Store) {
  const notes: string[] = []
  const note = (fields: Record<string, unknown>, message: string) => { notes.push(`${message} (${JSON.stringify(fields)})`) }
  const log: MailLog = { info () {}, warn: note, error: note }
  const mailer = new Mailer(store, config.email, log)
  const emails = new AccountEmails(mailer, new UserTickets(store))
  return {
    notes,
    async send (tenantName: string, userId: string): Promise<void> {
      const tenant = await store.tenantByName(tenantName)
      const user = tenant && await store.userById(tenant.id, userId)
      if (!tenant || !user) return
      if (!tenant.publicUrl) {
        notes.push(`no verification email for ${user.email}: tenant ${tenant.name} has no public_url for the link`)
        return
      }
      const connection = await store.connectionById(tenant.id, user.connectionId)
      if (connection) await emails.sendLink(tenant, tenant.publicUrl, connection, user, 'verify_email')
      notes.push(`verification email queued for ${user.email}`)
    },
    async finish (): Promise<void> {
      await mailer.idle()
      mailer.close()
    },
  }
}
