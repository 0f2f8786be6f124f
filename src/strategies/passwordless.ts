// strategies "sms" and "email": the login is the phone number or email, the secret is the code
// /passwordless/start sent. Used by every endpoint that takes a code (/oauth/ro, /passwordless/verify,
// the otp grant), through src/grants/secret-login.ts.
import type { PasswordlessLogin } from '../passwordless/login.js'
import type { SecretStrategy } from './types.js'

export function passwordlessStrategy (passwordless: PasswordlessLogin): SecretStrategy {
  return {
    secret: 'code',
    verifySecret: ({ connection, login, secret }) => passwordless.verify(connection, login, secret),
  }
}
