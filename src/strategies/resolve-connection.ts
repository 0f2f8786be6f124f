// Finds the connection a client names, with the documented error for each way it can be wrong.
import { oauthError } from '../errors.js'
import type { Client, Connection, ConnectionDirectory, Tenant } from '../store/port.js'

export async function resolveConnection (connections: ConnectionDirectory, tenant: Tenant, client: Client, name: string): Promise<Connection> {
  const connection = await connections.connectionByName(tenant.id, name)
  if (!connection) {
    if (await connections.connectionExistsElsewhere(tenant.id, name)) {
      throw oauthError('connection_not_found_for_tenant', { tenant: tenant.name })
    }
    throw oauthError('connection_not_found')
  }
  if (!connection.enabledClients.includes(client.clientId)) throw oauthError('connection_disabled')
  return connection
}
