// openid-client v6 (a certified OpenID relying party) against Tollgate over HTTPS, unchanged:
// discovery, the password grant through its generic grant call, refresh, client credentials,
// userinfo, and id_token validation including the signature against the JWKS.
import t from 'tap'
import { PASSWORD } from './helpers/fixture.js'
import { decodeClaims } from './helpers/http.js'
import { startHttpsTollgateWithSdk } from './helpers/sdk.js'
import { MACHINE_SECRET, ORDERS_API, PASSWORD_REALM, sessionsFixture } from './helpers/sessions-fixture.js'

t.test('openid-client v6', async (t) => {
  const { call, issuer } = await startHttpsTollgateWithSdk(t, sessionsFixture())

  const metadata = await call({ op: 'oidc.discovery', name: 'mobile', server: issuer, clientId: 'mobile', auth: 'none' })
  t.equal(metadata.error, undefined)
  t.match(metadata.result, {
    issuer,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['RS256'],
  })

  const login = await call({ op: 'oidc.grant', name: 'mobile', grantType: 'password', parameters: { username: 'alice@acme.test', password: PASSWORD, scope: 'openid profile offline_access' } })
  t.equal(login.error, undefined)
  t.match(login.result.response, { token_type: 'bearer', expires_in: 86400 })
  t.type(login.result.response.refresh_token, 'string')
  t.match(login.result.claims, { iss: issuer, aud: 'mobile', sub: 'auth0|alice', name: 'Alice Liddell' }, 'the validated id_token claims')

  const realm = await call({ op: 'oidc.grant', name: 'mobile', grantType: PASSWORD_REALM, parameters: { username: 'alice', password: PASSWORD, realm: 'db', scope: 'openid' } })
  t.equal(realm.error, undefined)
  t.equal(realm.result.claims.sub, 'auth0|alice', 'password-realm through the generic grant call')

  const refreshed = await call({ op: 'oidc.refresh', name: 'mobile', refreshToken: login.result.response.refresh_token })
  t.equal(refreshed.error, undefined)
  t.not(refreshed.result.response.refresh_token, login.result.response.refresh_token, 'rotated')
  t.equal(refreshed.result.claims.sub, 'auth0|alice')

  const reused = await call({ op: 'oidc.refresh', name: 'mobile', refreshToken: login.result.response.refresh_token })
  t.match(reused.error, { name: 'ResponseBodyError', error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.', status: 403 })

  const userinfo = await call({ op: 'oidc.userinfo', name: 'mobile', accessToken: refreshed.result.response.access_token, expectedSubject: 'auth0|alice' })
  t.same(userinfo.result, { sub: 'auth0|alice', name: 'Alice Liddell', nickname: 'alice', picture: 'https://acme.test/alice.png', updated_at: userinfo.result.updated_at })

  await call({ op: 'oidc.discovery', name: 'machine', server: issuer, clientId: 'machine', clientSecret: MACHINE_SECRET, auth: 'basic' })
  const machine = await call({ op: 'oidc.clientCredentials', name: 'machine', parameters: { audience: ORDERS_API } })
  t.equal(machine.error, undefined)
  t.match(machine.result.response, { token_type: 'bearer', expires_in: 3600, scope: 'read:orders' })
  t.equal(machine.result.claims, null, 'no id_token for a machine')
  t.match(decodeClaims(machine.result.response.access_token), { iss: issuer, aud: ORDERS_API, sub: 'machine@clients', client_id: 'machine' })

  await call({ op: 'oidc.discovery', name: 'machine-post', server: issuer, clientId: 'machine', clientSecret: 'not-the-secret-0000', auth: 'post' })
  const wrong = await call({ op: 'oidc.clientCredentials', name: 'machine-post', parameters: { audience: ORDERS_API } })
  t.match(wrong.error, { error: 'invalid_client', error_description: 'Client authentication failed.', status: 401 })
})
