// POST /passwordless/verify (Auth0's legacy endpoint, as auth0.js calls it): the code for a phone
// number or email in a connection. Run by the token pipeline like any grant; a client verifies codes
// only if it may use the passwordless otp grant. Tollgate serves no browser session to hand the
// login over to, so a right code is answered with the same tokens /oauth/ro would give.
import { oauthError } from '../errors.js'
import { channelOf, isPasswordless, loginField } from '../passwordless/channel.js'
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordlessVerifyBody } from '../../schemas/passwordless.js'
import { PASSWORDLESS_OTP } from './passwordless-otp.js'
import { loginWithSecret, wrongCredentials, type SecretLoginDeps } from './secret-login.js'
import { accountKey, defineGrant } from './types.js'

export interface PasswordlessVerifyDeps extends SecretLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
}

export const passwordlessVerifyGrant = (deps: PasswordlessVerifyDeps) => defineGrant({
  name: PASSWORDLESS_OTP,
  bodySchema: PasswordlessVerifyBody,
  // The login field the connection's channel reads (phone_number for sms, email for email): varying
  // the other field names no other account.
  async account ({ tenant, body }) {
    const connection = await deps.connections.connectionByName(tenant.id, body.connection)
    if (!connection || !isPasswordless(connection)) return undefined
    const login = body[loginField(channelOf(connection))]
    return login === undefined ? undefined : accountKey(connection.name, login)
  },
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connection = await resolveConnection(deps.connections, tenant, client, body.connection)
    if (!isPasswordless(connection)) throw oauthError('strategy_not_supported')
    const field = loginField(channelOf(connection))
    const login = body[field]
    if (login === undefined) throw oauthError('missing_parameter', { name: field })
    const user = await loginWithSecret(deps, { tenant, client, connection, login, secret: body.verification_code, ip })
    if (!user) throw wrongCredentials(connection, 'legacy')
    return deps.minter.mint({ tenant, issuer, client, user, scopes, device: body.device })
  },
})
