// strategies "sms" and "email" on the password grant (Auth0's legacy passwordless login through
// /oauth/ro): the username is the phone number or email, the password is the code that was sent.
import { oauthError } from '../errors.js'
import { channelOf, loginLabel } from '../passwordless/channel.js'
import type { PasswordlessLogin } from '../passwordless/login.js'
import type { PasswordStrategy } from './types.js'

export function passwordlessStrategy (passwordless: PasswordlessLogin): PasswordStrategy {
  return {
    blockCheckedAfterCredentials: true,
    async verifyPassword ({ connection, login, password }) {
      const user = await passwordless.verify(connection, login, password)
      // Its own description ("Wrong phone number or verification code."), not the database one.
      if (!user) throw oauthError('wrong_verification_code', { login: loginLabel(channelOf(connection)) })
      return user
    },
  }
}
