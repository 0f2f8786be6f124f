// `tollgate users unblock`, `tollgate ips unthrottle` and `tollgate logs`: attack protection's
// operator commands, on the same state (store or Redis) as the server.
import { Command, Option } from 'commander'
import type { AuditEvent, AuditEventType } from '../store/port.js'
import { CliFailure, ipAddress, oneOf, out, outJson, positiveInteger, withProtection } from './common.js'
import { accountLinkCommands } from './account-links.js'
import { usersMfaCommand } from './mfa.js'

const EVENT_TYPES: AuditEventType[] = ['failed_login', 'block', 'unblock', 'throttle', 'unthrottle', 'mfa_enrolment', 'mfa_success', 'mfa_failure', 'mfa_reset',
  'password_change', 'email_verified']
const tenantOption = () => new Option('--tenant <name>', 'the tenant (default: the default tenant)')

function formatEvent (e: AuditEvent): string {
  const fields = { client: e.clientId, connection: e.connection, user: e.userId, login: e.login, ip: e.ip, detail: e.detail }
  const shown = Object.entries(fields).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`)
  return [new Date(e.createdAt).toISOString(), e.type.padEnd(12), ...shown].join(' ')
}

export function usersCommand (): Command {
  const users = new Command('users').description("manage users' brute-force blocks, second factors, and reset and verification links")
  users.addCommand(usersMfaCommand())
  for (const command of accountLinkCommands()) users.addCommand(command)
  users.command('unblock')
    .description("lift an account's brute-force blocks, from every IP")
    .argument('<login>', "the user's email or username")
    .requiredOption('--connection <name>', 'the database connection of the user')
    .addOption(tenantOption())
    .option('--json', 'print JSON')
    .action((login: string, options: { connection: string, tenant?: string, json?: boolean }) =>
      withProtection(options.tenant, async ({ store, protection, tenant }) => {
        const connection = await store.connectionByName(tenant.id, options.connection)
        if (!connection) throw new CliFailure(`no connection named ${options.connection} in tenant ${tenant.name}`)
        const user = await store.userByLogin(connection.id, login)
        if (!user) throw new CliFailure(`no user ${login} in ${tenant.name}/${connection.name}`)
        const cleared = await protection.unblock({ tenant, connection, login, user })
        if (options.json) return outJson({ tenant: tenant.name, connection: connection.name, login, userId: user.id, countersCleared: cleared })
        out(`unblocked ${login} (${user.id}) in ${tenant.name}/${connection.name}: ${cleared} failed-login counter${cleared === 1 ? '' : 's'} cleared`)
      }))
  return users
}

export function ipsCommand (): Command {
  const ips = new Command('ips').description('manage suspicious-IP throttling')
  ips.command('unthrottle')
    .description('give a throttled IP its failed-login allowance back')
    .argument('<ip>', 'the IPv4 or IPv6 address', ipAddress)
    .addOption(tenantOption())
    .action((ip: string, options: { tenant?: string }) => withProtection(options.tenant, async ({ protection, tenant }) => {
      const held = await protection.unthrottle(tenant, ip)
      out(held ? `${ip} may log in to ${tenant.name} again` : `${ip} was not throttled in ${tenant.name}`)
    }))
  return ips
}

export function logsCommand (): Command {
  return new Command('logs')
    .description(`the audit log, newest first (${EVENT_TYPES.join(', ')})`)
    .addOption(tenantOption())
    .addOption(new Option('--type <type>', 'only events of this type').argParser(oneOf(EVENT_TYPES)))
    .addOption(new Option('--limit <n>', 'how many events').argParser(positiveInteger).default(50))
    .option('--json', 'print JSON')
    .action((options: { tenant?: string, type?: AuditEventType, limit: number, json?: boolean }) =>
      withProtection(options.tenant, async ({ store, tenant }) => {
        const events = await store.events({ tenantId: tenant.id, type: options.type, limit: options.limit })
        if (options.json) return outJson(events.map((e) => ({ ...e, tenant: tenant.name })))
        for (const e of events) out(formatEvent(e))
      }))
}
