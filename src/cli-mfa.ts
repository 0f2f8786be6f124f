// `tollgate users mfa list|reset`: a user's second factors, and an administrator's reset (the user
// enrols again at the next login that needs MFA). Prints only through `out`.
import { parseArgs } from 'node:util'
import { MultiFactor } from './mfa/multi-factor.js'
import { createDeliveryProviders } from './passwordless/delivery/index.js'
import type { Store } from './store/port.js'

export const usersMfaUsage = `  users mfa list --connection NAME [--tenant NAME] LOGIN
                   show a user's MFA authenticators (never their secrets)
  users mfa reset --connection NAME [--tenant NAME] LOGIN
                   remove every MFA authenticator of a user; they enrol again at their next login`

export class UsersMfaError extends Error {}

export async function usersMfaCommand (args: string[], { store, out }: { store: Store, out: (line: string) => void }): Promise<void> {
  const { positionals: [action, login], values } = parseArgs({
    args, allowPositionals: true, options: { tenant: { type: 'string' }, connection: { type: 'string' }, help: { type: 'boolean' } },
  })
  if (values.help) return out(`usage:\n${usersMfaUsage}`)
  if ((action !== 'list' && action !== 'reset') || !login || !values.connection) throw new UsersMfaError(`users mfa needs:\n${usersMfaUsage}`)
  const tenant = values.tenant ? await store.tenantByName(values.tenant) : await store.defaultTenant()
  if (!tenant) throw new UsersMfaError(values.tenant ? `no tenant named ${values.tenant}` : 'no default tenant: name one with --tenant')
  const connection = await store.connectionByName(tenant.id, values.connection)
  if (!connection) throw new UsersMfaError(`no connection named ${values.connection} in tenant ${tenant.name}`)
  const user = await store.userByLogin(connection.id, login)
  if (!user) throw new UsersMfaError(`no user ${login} in ${tenant.name}/${connection.name}`)

  const multiFactor = new MultiFactor({
    store, state: store, audit: store, box: undefined, delivery: createDeliveryProviders({ outbox: store, defaultTimeoutMs: 1000 }),
  })
  if (action === 'reset') {
    const removed = await multiFactor.reset(tenant, user)
    return out(`reset MFA of ${login} (${user.id}) in ${tenant.name}: ${removed} authenticator${removed === 1 ? '' : 's'} removed`)
  }
  const authenticators = await store.authenticatorsOfUser(tenant.id, user.id)
  if (authenticators.length === 0) return out(`${login} (${user.id}) has no MFA authenticator`)
  for (const a of authenticators) {
    const channel = a.oobChannel ? ` ${a.oobChannel} ${a.phoneNumber ?? ''}` : ''
    out(`${a.id}  ${a.type}${channel}  ${a.active ? 'active' : 'pending'}  enrolled ${new Date(a.createdAt * 1000).toISOString()}`)
  }
}
