// Auth0's current authentication client, @auth0/auth0-auth-js, unchanged against Tollgate over HTTPS:
// database.signUp, database.changePassword (the reset email read from a real SMTP server, the link
// followed), then the password grant with the new password (getTokenByPassword: discovery, client
// authentication, and openid-client's own id_token checks).
import t from 'tap'
import { BACKEND_SECRET } from './helpers/fixture.js'
import { decodeClaims } from './helpers/http.js'
import { CHANGE_PASSWORD_ANSWER, recoveryFixture } from './helpers/recovery.js'
import { startHttpsTollgateWithSdk } from './helpers/sdk.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

t.test('@auth0/auth0-auth-js: signUp, changePassword, then the password grant', async (t) => {
  const smtp = await startSmtpServer(t)
  const { app, call, domain, issuer } = await startHttpsTollgateWithSdk(t, recoveryFixture(smtp.port))
  const client = { domain, clientId: 'backend', clientSecret: BACKEND_SECRET }
  const sdk = (method: string, ...args: unknown[]) => call({ op: 'auth0-auth-js', client, method, args })

  const signedUp = await sdk('database.signUp', { email: 'sdk-user@acme.test', password: 'First Passw0rd', connection: 'db' })
  t.equal(signedUp.error, undefined, JSON.stringify(signedUp.error))
  t.match(signedUp.result, { email: 'sdk-user@acme.test', emailVerified: false, id: /^[0-9a-f]{24}$/ })

  const asked = await sdk('database.changePassword', { email: 'sdk-user@acme.test', connection: 'db' })
  t.equal(asked.error, undefined, JSON.stringify(asked.error))
  t.equal(asked.result, CHANGE_PASSWORD_ANSWER)

  const refused = await sdk('database.changePassword', { email: 'sdk-user@acme.test', connection: 'nope' })
  t.match(refused.error, { name: 'ChangePasswordError' })
  t.match(refused.error!.message, /the connection was not found|Failed to request a password change/)

  await app.tollgate.mailer.idle()
  const link = linkIn(await smtp.waitFor((m) => m.subject === 'Reset your password' && m.to.includes('sdk-user@acme.test')))
  t.equal(link.origin, issuer.slice(0, -1), 'the link is under the issuer the SDK talks to')
  const newPassword = 'Second Passw0rd'
  const set = await app.inject({
    method: 'POST', url: `/lo/reset`, headers: { host: domain, 'content-type': 'application/json', accept: 'application/json' },
    payload: { ticket: link.searchParams.get('ticket'), password: newPassword },
  })
  t.equal(set.statusCode, 200, set.body)

  const tokens = await sdk('getTokenByPassword', { username: 'sdk-user@acme.test', password: newPassword, realm: 'db', scope: 'openid email' })
  t.equal(tokens.error, undefined, JSON.stringify(tokens.error))
  t.match(decodeClaims(tokens.result.idToken), { iss: issuer, aud: 'backend', email: 'sdk-user@acme.test' })

  const old = await sdk('getTokenByPassword', { username: 'sdk-user@acme.test', password: 'First Passw0rd', realm: 'db', scope: 'openid' })
  t.match(old.error, { name: 'TokenByPasswordError' })
})
