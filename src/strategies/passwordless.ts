// strategies "sms" and "email": the username is the phone number or email, the password is the code
// /passwordless/start sent. Used by every endpoint that takes a code (/oauth/ro, /passwordless/verify,
// the otp grant), through src/grants/password-login.ts.
import type { PasswordlessLogin } from '../passwordless/login.js'
import type { PasswordStrategy } from './types.js'

export function passwordlessStrategy (passwordless: PasswordlessLogin): PasswordStrategy {
  return {
    secret: 'code',
    verifyPassword: ({ connection, login, password }) => passwordless.verify(connection, login, password),
  }
}
