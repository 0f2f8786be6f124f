// /oauth/token grant_type=http://auth0.com/oauth/grant-type/passwordless/otp: the code sent by
// /passwordless/start (`otp`) for a phone number or email (`username`) in an sms or email
// connection (`realm`).
import { oauthError } from '../errors.js'
import { channelOf, isPasswordless, loginLabel } from '../passwordless/channel.js'
import type { PasswordlessLogin } from '../passwordless/login.js'
import type { ConnectionDirectory } from '../store/port.js'
import { resolveConnection } from '../strategies/resolve-connection.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordlessOtpGrantBody } from '../../schemas/passwordless.js'
import { defineGrant } from './types.js'

export const PASSWORDLESS_OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp'

export interface PasswordlessOtpGrantDeps {
  connections: ConnectionDirectory
  passwordless: PasswordlessLogin
  minter: TokenMinter
}

export const passwordlessOtpGrant = ({ connections, passwordless, minter }: PasswordlessOtpGrantDeps) => defineGrant({
  name: PASSWORDLESS_OTP,
  bodySchema: PasswordlessOtpGrantBody,
  async handle ({ tenant, issuer, client, scopes, body }) {
    const connection = await resolveConnection(connections, tenant, client, body.realm)
    if (!isPasswordless(connection)) throw oauthError('strategy_not_supported')
    const user = await passwordless.login({ client, connection, login: body.username, code: body.otp })
    if (!user) throw oauthError('wrong_verification_code_grant', { login: loginLabel(channelOf(connection)) })
    return minter.mint({ tenant, issuer, client, user, scopes })
  },
})
