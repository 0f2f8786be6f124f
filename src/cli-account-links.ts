// `tollgate users reset-link` and `tollgate users verify-link`: a one-time link for an operator to
// hand to a user (Auth0's password-change and email-verification tickets), and the verification
// emails `tollgate apply` sends to new users declared with verify_email: true.
import { parseArgs } from 'node:util'
import { AccountEmails, ticketLifetimeOf } from './account/emails.js'
import { ticketLink } from './account/links.js'
import { UserTickets } from './account/tickets.js'
import { CommandError } from './cli-keys.js'
import type { Config } from './config.js'
import { Mailer } from './email/mailer.js'
import type { MailLog } from './email/types.js'
import { describeDuration } from './email/templates.js'
import type { Store, Tenant, TicketKind } from './store/port.js'

export const accountLinksUsage = `  users reset-link --connection NAME [--tenant NAME] [--base-url URL] LOGIN
                   print a one-time password-reset link for the user (the previous one stops working)
  users verify-link --connection NAME [--tenant NAME] [--base-url URL] LOGIN
                   print a one-time email-verification link for the user
                   (--base-url: the tenant's public URL, when its provisioning sets no public_url)`

const KINDS: Record<string, TicketKind> = { 'reset-link': 'reset_password', 'verify-link': 'verify_email' }

export const isAccountLinkCommand = (action: string | undefined): boolean => action !== undefined && action in KINDS

/** The base URL of the tenant's links: its public_url, else the one given; refused when neither is a URL. */
function issuerOf (tenant: Tenant, baseUrl: string | undefined): string {
  const base = baseUrl ?? tenant.publicUrl
  if (!base) throw new CommandError(`tenant ${tenant.name} has no public_url: give --base-url https://... (the URL users reach Tollgate at)`)
  let url: URL
  try {
    url = new URL(base)
  } catch {
    throw new CommandError(`--base-url ${base} is not a URL: give e.g. https://auth.example.com/`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CommandError(`--base-url ${base} must be an http or https URL`)
  return url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`
}

export async function accountLinkCommand (args: string[], { store, out }: { store: Store, out: (text: string) => void }): Promise<void> {
  const { positionals: [action, login, ...extra], values } = parseArgs({
    args,
    allowPositionals: true,
    options: { tenant: { type: 'string' }, connection: { type: 'string' }, 'base-url': { type: 'string' } },
  })
  const kind = KINDS[action ?? '']
  if (!kind || !login || extra.length > 0 || !values.connection) throw new CommandError(`users ${action} needs: --connection NAME [--tenant NAME] [--base-url URL] LOGIN`)
  const tenant = values.tenant ? await store.tenantByName(values.tenant) : await store.defaultTenant()
  if (!tenant) throw new CommandError(values.tenant ? `no tenant named ${values.tenant}` : 'no default tenant: name one with --tenant')
  const issuer = issuerOf(tenant, values['base-url'])
  const connection = await store.connectionByName(tenant.id, values.connection)
  if (!connection) throw new CommandError(`no connection named ${values.connection} in tenant ${tenant.name}`)
  if (connection.strategy !== 'database') throw new CommandError(`connection ${connection.name} is not a database connection (its strategy is ${connection.strategy})`)
  const user = await store.userByLogin(connection.id, login)
  if (!user) throw new CommandError(`no user ${login} in ${tenant.name}/${connection.name}`)
  const lifetime = ticketLifetimeOf(tenant, kind)
  const link = ticketLink(issuer, kind, await new UserTickets(store).issue(user, kind, lifetime))
  out(link)
  out(`(for ${user.email ?? login} in ${tenant.name}/${connection.name}; works once, expires in ${describeDuration(lifetime)})`)
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
