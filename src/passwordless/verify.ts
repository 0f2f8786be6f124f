// POST /passwordless/verify (Auth0's legacy endpoint, as auth0.js calls it): the code for a phone
// number or email in a connection, for a client. Tollgate serves no browser session to hand the
// login over to, so a right code is answered with the same tokens /oauth/ro would give.
import { oauthError } from '../errors.js'
import type { Client, ConnectionDirectory, Tenant } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter, TokenResponse } from '../tokens/minter.js'
import { channelOf, isPasswordless, loginField, loginLabel } from './channel.js'
import type { PasswordlessLogin } from './login.js'

export interface VerifyRequest {
  tenant: Tenant
  issuer: string
  client: Client
  scopes: string[]
  body: { connection: string, verification_code: string, phone_number?: string, email?: string, device?: string }
}

export class PasswordlessVerification {
  constructor (private readonly deps: { connections: ConnectionDirectory, login: PasswordlessLogin, minter: TokenMinter }) {}

  async verify ({ tenant, issuer, client, scopes, body }: VerifyRequest): Promise<TokenResponse> {
    const connection = await resolveConnection(this.deps.connections, tenant, client, body.connection)
    if (!isPasswordless(connection)) throw oauthError('strategy_not_supported')
    const channel = channelOf(connection)
    const field = loginField(channel)
    const login = body[field]
    if (login === undefined) throw oauthError('missing_parameter', { name: field })
    const user = await this.deps.login.login({ client, connection, login, code: body.verification_code })
    if (!user) throw oauthError('wrong_verification_code', { login: loginLabel(channel) })
    return this.deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  }
}
