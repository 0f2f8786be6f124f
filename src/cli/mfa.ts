// `tollgate users mfa list|reset`: a user's second factors, and an administrator's reset (the user
// enrols again at the next login that needs MFA). Never prints a secret.
import { Command, Option } from 'commander'
import { MultiFactor } from '../mfa/multi-factor.js'
import { createDeliveryProviders } from '../passwordless/delivery/index.js'
import type { Store, Tenant, User } from '../store/port.js'
import { CliFailure, out, outJson, tenantNamed, withStore } from './common.js'

interface UserOptions { connection: string, tenant?: string, json?: boolean }

async function userOf (store: Store, login: string, options: UserOptions): Promise<{ tenant: Tenant, user: User }> {
  const tenant = await tenantNamed(store, options.tenant)
  const connection = await store.connectionByName(tenant.id, options.connection)
  if (!connection) throw new CliFailure(`no connection named ${options.connection} in tenant ${tenant.name}`)
  const user = await store.userByLogin(connection.id, login)
  if (!user) throw new CliFailure(`no user ${login} in ${tenant.name}/${connection.name}`)
  return { tenant, user }
}

function userCommand (name: string, description: string) {
  return new Command(name).description(description)
    .argument('<login>', "the user's email or username")
    .requiredOption('--connection <name>', 'the connection of the user')
    .addOption(new Option('--tenant <name>', 'the tenant (default: the default tenant)'))
    .option('--json', 'print JSON')
}

export function usersMfaCommand (): Command {
  const mfa = new Command('mfa').description("a user's MFA authenticators")
  mfa.addCommand(userCommand('list', "show a user's MFA authenticators (never their secrets)")
    .action((login: string, options: UserOptions) => withStore(async ({ store }) => {
      const { tenant, user } = await userOf(store, login, options)
      const authenticators = (await store.authenticatorsOfUser(tenant.id, user.id))
        .map((a) => ({ id: a.id, type: a.type, oobChannel: a.oobChannel, phoneNumber: a.phoneNumber, active: a.active, enrolledAt: new Date(a.createdAt * 1000).toISOString() }))
      if (options.json) return outJson(authenticators)
      if (authenticators.length === 0) return out(`${login} (${user.id}) has no MFA authenticator`)
      for (const a of authenticators) {
        const channel = a.oobChannel ? ` ${a.oobChannel} ${a.phoneNumber ?? ''}` : ''
        out(`${a.id}  ${a.type}${channel}  ${a.active ? 'active' : 'pending'}  enrolled ${a.enrolledAt}`)
      }
    })))
  mfa.addCommand(userCommand('reset', 'remove every MFA authenticator of a user; they enrol again at their next login')
    .action((login: string, options: UserOptions) => withStore(async ({ store }) => {
      const { tenant, user } = await userOf(store, login, options)
      const multiFactor = new MultiFactor({
        store, state: store, audit: store, box: undefined, delivery: createDeliveryProviders({ outbox: store, defaultTimeoutMs: 1000 }),
      })
      const removed = await multiFactor.reset(tenant, user)
      if (options.json) return outJson({ tenant: tenant.name, login, userId: user.id, authenticatorsRemoved: removed })
      out(`reset MFA of ${login} (${user.id}) in ${tenant.name}: ${removed} authenticator${removed === 1 ? '' : 's'} removed`)
    })))
  return mfa
}
