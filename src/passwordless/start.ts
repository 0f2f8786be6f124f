// POST /passwordless/start's work once the request is read: send a fresh code (or a link carrying
// it) to the user, then make it the current code. Nothing is half-written: a code becomes current
// only after its delivery succeeded, and users are created at their first login, not here.
// A blocked user is sent nothing, and the caller answers exactly as if something was sent.
import { oauthError } from '../errors.js'
import type { Client, Connection, ConnectionDirectory, Tenant, UserStore } from '../store/port.js'
import { channelOf, isPasswordless, loginField } from './channel.js'
import type { PasswordlessCodes } from './codes.js'
import type { DeliveryProviders } from './delivery/index.js'
import { DeliveryError, type DeliveryLog } from './delivery/types.js'
import { buildLink, composeMessage } from './messages.js'
import type { StartRequest } from './start-request.js'

export interface StartDeps {
  users: UserStore
  connections: ConnectionDirectory
  codes: PasswordlessCodes
  providers: DeliveryProviders
  /** Seconds a code stays valid (said in the message). */
  codeLifetime: number
}

export interface StartContext {
  tenant: Tenant
  client: Client
  connection: Connection
  language: string | null
  log: DeliveryLog
}

export class PasswordlessStarter {
  constructor (private readonly deps: StartDeps) {}

  /**
   * The client and passwordless connection a start names, with start's documented error for each
   * way they can be wrong. `findClient` is the request's own client lookup.
   */
  async target ({ tenant, clientId, connectionName, findClient }: {
    tenant: Tenant, clientId: string, connectionName: string, findClient: (clientId: string) => Promise<Client | undefined>
  }): Promise<{ client: Client, connection: Connection }> {
    const client = await findClient(clientId)
    if (!client) throw oauthError('passwordless_unknown_client', { client_id: clientId })
    const connection = await this.deps.connections.connectionByName(tenant.id, connectionName)
    if (!connection) throw oauthError('passwordless_connection_not_found')
    if (!connection.enabledClients.includes(client.clientId)) throw oauthError('passwordless_connection_disabled')
    if (!isPasswordless(connection)) throw oauthError('passwordless_connection_strategy')
    return { client, connection }
  }

  async start (request: StartRequest, { tenant, client, connection, language, log }: StartContext): Promise<void> {
    const { users, codes, providers, codeLifetime } = this.deps
    const known = await users.userByLogin(connection.id, request.login)
    if (known?.blocked) {
      log.info({ connection: connection.name, user_id: known.id }, 'passwordless start for a blocked user: nothing sent')
      return
    }

    const channel = channelOf(connection)
    const code = codes.generate()
    const link = request.callback === undefined
      ? undefined
      : buildLink(request.callback, {
        verification_code: code, connection: connection.name, [loginField(channel)]: request.to, state: request.state, scope: request.scope,
      })
    const { subject, text } = composeMessage({ channel, code, link, lifetime: codeLifetime })
    try {
      await providers.forConnection(connection).deliver({
        channel, to: request.to, subject, text, code, link: link ?? null, send: request.send, language,
        tenant: tenant.name, connection: connection.name, clientId: client.clientId,
      }, { tenantId: tenant.id, log })
    } catch (err) {
      if (err instanceof DeliveryError) throw oauthError('sms_provider_error', { message: err.message, code: err.code }, { cause: err })
      throw err
    }
    await codes.save({ tenantId: tenant.id, connectionId: connection.id, login: request.login }, code)
  }
}
