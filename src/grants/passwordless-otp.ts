// /oauth/token grant_type=http://auth0.com/oauth/grant-type/passwordless/otp: the code sent by
// /passwordless/start (`otp`) for a phone number or email (`username`) in an sms or email
// connection (`realm`).
import { oauthError } from '../errors.js'
import { isPasswordless } from '../passwordless/channel.js'
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordlessOtpGrantBody } from '../../schemas/passwordless.js'
import { loginWithSecret, wrongCredentials, type SecretLoginDeps } from './secret-login.js'
import { accountKey, defineGrant } from './types.js'

export const PASSWORDLESS_OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp'

export interface PasswordlessOtpGrantDeps extends SecretLoginDeps {
  connections: ConnectionDirectory
  minter: TokenMinter
}

export const passwordlessOtpGrant = (deps: PasswordlessOtpGrantDeps) => defineGrant({
  name: PASSWORDLESS_OTP,
  bodySchema: PasswordlessOtpGrantBody,
  account: ({ body }) => accountKey(body.realm, body.username),
  async handle ({ tenant, issuer, client, scopes, body, ip }) {
    const connection = await resolveConnection(deps.connections, tenant, client, body.realm)
    if (!isPasswordless(connection)) throw oauthError('strategy_not_supported')
    const user = await loginWithSecret(deps, { tenant, client, connection, login: body.username, secret: body.otp, ip })
    if (!user) throw wrongCredentials(connection, 'token')
    return deps.minter.mint({ tenant, issuer, client, user, scopes })
  },
})
