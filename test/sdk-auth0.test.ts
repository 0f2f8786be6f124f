// The official Auth0 Node SDK v2 (auth0@2, AuthenticationClient) against Tollgate over HTTPS, unchanged:
// it validates every id_token itself (RS256 against the JWKS, iss exactly https://<domain>/).
import t from 'tap'
import { PASSWORD } from './helpers/fixture.js'
import { decodeClaims } from './helpers/http.js'
import { startHttpsTollgateWithSdk } from './helpers/sdk.js'
import { ORDERS_API, sessionsFixture } from './helpers/sessions-fixture.js'

t.test('node-auth0 v2 AuthenticationClient', async (t) => {
  const document = sessionsFixture()
  // Reached as 127.0.0.1, this tenant announces another issuer: the SDK must refuse its id_tokens.
  document.tenants[1].hosts.push('127.0.0.1')
  document.tenants[1].public_url = 'https://login.other.test/'
  const { call, domain, issuer, port } = await startHttpsTollgateWithSdk(t, document)
  const auth0 = (clientId: string, method: string, ...args: unknown[]) => call({ op: 'auth0', client: { domain, clientId }, method, args })

  await t.test('oauth.signIn (/oauth/ro)', async (t) => {
    const { result, error } = await auth0('spa', 'oauth.signIn', { username: 'alice@acme.test', password: PASSWORD, connection: 'db', scope: 'openid profile' })
    t.equal(error, undefined)
    t.same(Object.keys(result).sort(), ['access_token', 'expires_in', 'id_token', 'token_type'])
    t.equal(result.token_type, 'bearer')
    t.match(decodeClaims(result.id_token), { iss: issuer, aud: 'spa', sub: 'auth0|alice', name: 'Alice Liddell' })
  })

  await t.test('oauth.passwordGrant, oauth.refreshToken, users.getInfo', async (t) => {
    const login = await auth0('mobile', 'oauth.passwordGrant', { username: 'alice@acme.test', password: PASSWORD, realm: 'db', scope: 'openid profile email offline_access' })
    t.equal(login.error, undefined)
    t.same(Object.keys(login.result).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type'])

    const refreshed = await auth0('mobile', 'oauth.refreshToken', { refresh_token: login.result.refresh_token })
    t.equal(refreshed.error, undefined)
    t.same(Object.keys(refreshed.result).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type'])
    t.not(refreshed.result.refresh_token, login.result.refresh_token, 'rotated')

    const reused = await auth0('mobile', 'oauth.refreshToken', { refresh_token: login.result.refresh_token })
    t.match(reused.error, { name: 'invalid_grant', statusCode: 403 })
    t.same(JSON.parse(reused.error!.message), { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' })

    const info = await auth0('mobile', 'users.getInfo', refreshed.result.access_token)
    t.same(info.result, {
      sub: 'auth0|alice', name: 'Alice Liddell', nickname: 'alice', picture: 'https://acme.test/alice.png',
      updated_at: info.result.updated_at, email: 'alice@acme.test', email_verified: true,
    })
    const revoked = await auth0('mobile', 'oauth.refreshToken', { refresh_token: refreshed.result.refresh_token })
    t.equal(revoked.error?.name, 'invalid_grant', 'the reuse revoked the family')
  })

  await t.test('oauth.passwordGrant with an audience, and a wrong password', async (t) => {
    const api = await auth0('spa', 'oauth.passwordGrant', { username: 'alice', password: PASSWORD, audience: ORDERS_API, scope: 'openid read:orders' })
    t.equal(api.error, undefined)
    t.same(decodeClaims(api.result.access_token).aud, [ORDERS_API, `${issuer}userinfo`])
    t.equal(api.result.scope, 'openid read:orders')

    const wrong = await auth0('spa', 'oauth.passwordGrant', { username: 'alice', password: 'wrong' })
    t.match(wrong.error, { name: 'invalid_grant', statusCode: 403 })
    t.same(JSON.parse(wrong.error!.message), { error: 'invalid_grant', error_description: 'Wrong email or password.' })
  })

  await t.test('the SDK really checks the id_token: a foreign issuer is refused', async (t) => {
    const { error } = await call({ op: 'auth0', client: { domain: `127.0.0.1:${port}`, clientId: 'other-app' }, method: 'oauth.signIn', args: [{ username: 'alice@acme.test', password: 'another password', connection: 'other-db' }] })
    t.match(error, { name: 'JsonWebTokenError', message: `jwt issuer invalid. expected: https://127.0.0.1:${port}/` })
  })

  await t.test('database.signUp', async (t) => {
    const created = await auth0('spa', 'database.signUp', { email: 'sdk@acme.test', password: 'a long password', connection: 'db', username: 'sdkuser', user_metadata: { plan: 'free' } })
    t.equal(created.error, undefined)
    t.same(created.result, { _id: created.result._id, email: 'sdk@acme.test', email_verified: false, username: 'sdkuser', user_metadata: { plan: 'free' } })
    const again = await auth0('spa', 'database.signUp', { email: 'sdk@acme.test', password: 'a long password', connection: 'db' })
    t.match(again.error, { name: 'user_exists', statusCode: 409 })
    const login = await auth0('spa', 'oauth.passwordGrant', { username: 'sdkuser', password: 'a long password', realm: 'db' })
    t.match(decodeClaims(login.result.id_token), { sub: `auth0|${created.result._id}` })
  })
})
