// `tollgate clients delete`: remove a client (an application) for good. Its client grants go with
// it; its refresh tokens and any request naming it are refused from then on, by every instance
// sharing the store within a second (each reads the configuration version at least that often).
import { Command, InvalidArgumentError, Option } from 'commander'
import { CliFailure, out, outJson, withStore } from './common.js'

/** A client id as a provisioning file may declare one. */
const CLIENT_ID = /^[A-Za-z0-9._-]{1,128}$/

function clientId (value: string): string {
  if (!CLIENT_ID.test(value)) throw new InvalidArgumentError('a client id is 1 to 128 letters, digits, dots, dashes or underscores.')
  return value
}

export function clientsCommand (): Command {
  const clients = new Command('clients').description('manage clients (applications)')
  clients.command('delete')
    .description('delete a client and its client grants; every instance refuses it within a second')
    .argument('<client_id>', 'the client to delete', clientId)
    .addOption(new Option('--tenant <name>', "the client's tenant (default: the one it belongs to)"))
    .option('--json', 'print JSON')
    .action((id: string, options: { tenant?: string, json?: boolean }) => withStore(async ({ store }) => {
      const tenantId = await store.tenantIdOfClient(id)
      const tenant = (await store.allTenants()).find((t) => t.id === tenantId)
      if (!tenant) throw new CliFailure(`no client ${id}`)
      if (options.tenant !== undefined && tenant.name !== options.tenant) {
        if (!await store.tenantByName(options.tenant)) throw new CliFailure(`no tenant named ${options.tenant}`)
        throw new CliFailure(`no client ${id} in tenant ${options.tenant} (it belongs to ${tenant.name})`)
      }
      if (!await store.deleteClient(tenant.id, id)) throw new CliFailure(`no client ${id}`)
      if (options.json) return outJson({ tenant: tenant.name, clientId: id, deleted: true })
      out(`deleted client ${id} of tenant ${tenant.name}, with its client grants`)
    }))
  return clients
}
