// client_credentials and API access tokens: RFC 9068 JWTs for a registered API, scopes from the
// client grant, every way a machine client can authenticate, form and JSON bodies.
import t from 'tap'
import { buildTestApp, countingHasher } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { decodeHeader, poster } from './helpers/http.js'
import { MACHINE_SECRET, ORDERS_API, sessionsFixture } from './helpers/sessions-fixture.js'
import { verifyWithServedJwks } from './helpers/tokens.js'

t.test('client credentials: an RFC 9068 access token for the API, with the granted scopes', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const token = poster(app, '/oauth/token')

  const res = await token({ grant_type: 'client_credentials', client_id: 'machine', client_secret: MACHINE_SECRET, audience: ORDERS_API })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type'], 'no id_token, no refresh token')
  t.match(body, { token_type: 'bearer', expires_in: 3600, scope: 'read:orders' })
  t.same(decodeHeader(body.access_token), { alg: 'RS256', typ: 'at+jwt', kid: decodeHeader(body.access_token).kid })
  const claims = await verifyWithServedJwks(app, body.access_token, { issuer: 'http://acme.test/', audience: ORDERS_API })
  t.match(claims, { iss: 'http://acme.test/', sub: 'machine@clients', aud: ORDERS_API, client_id: 'machine', scope: 'read:orders', gty: 'client-credentials' })
  t.type(claims.jti, 'string')
  t.equal(claims.exp! - claims.iat!, 3600, "the API's token lifetime")

  const basic = `Basic ${Buffer.from(`machine:${MACHINE_SECRET}`).toString('base64')}`
  const viaBasic = await token({ grant_type: 'client_credentials', audience: ORDERS_API, scope: 'read:orders' }, { json: true, headers: { authorization: basic } })
  t.equal(viaBasic.statusCode, 200, 'client_secret_basic with a JSON body')
  t.equal(viaBasic.json().scope, 'read:orders')

  const noScope = await token({ grant_type: 'client_credentials', client_id: 'machine', client_secret: MACHINE_SECRET, audience: ORDERS_API, scope: '' })
  t.equal(noScope.statusCode, 200, 'an empty scope asks for none')
  t.equal(noScope.json().scope, undefined)

  const wrongSecret = await token({ grant_type: 'client_credentials', client_id: 'machine', client_secret: 'not-the-secret-000000', audience: ORDERS_API })
  t.equal(wrongSecret.statusCode, 401)
  t.same(wrongSecret.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' })
})

t.test('password grants with an audience: an API token that also opens /userinfo with openid', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const token = poster(app, '/oauth/token')
  const res = await token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, audience: ORDERS_API, scope: 'openid read:orders write:orders' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.scope, 'openid read:orders write:orders')
  t.equal(body.expires_in, 3600)
  const claims = await verifyWithServedJwks(app, body.access_token, { issuer: 'http://acme.test/', audience: ORDERS_API })
  t.same(claims.aud, [ORDERS_API, 'http://acme.test/userinfo'])
  t.match(claims, { sub: 'auth0|alice', client_id: 'spa', scope: 'openid read:orders write:orders' })
  const me = await app.inject({ method: 'GET', url: '/userinfo', headers: { host: 'acme.test', authorization: `Bearer ${body.access_token}` } })
  t.equal(me.statusCode, 200)
  t.equal(me.json().sub, 'auth0|alice')

  const apiOnly = (await token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, audience: ORDERS_API, scope: 'read:orders' })).json()
  const denied = await app.inject({ method: 'GET', url: '/userinfo', headers: { host: 'acme.test', authorization: `Bearer ${apiOnly.access_token}` } })
  t.equal(denied.statusCode, 401, 'without openid the token is for the API alone')
  t.same(denied.json(), { error: 'invalid_token', error_description: 'The access token is invalid.' })
})

t.test('an unknown audience is refused before any password is verified', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { document: sessionsFixture(), hasher })
  await app.ready()
  const before = hasher.verifies
  const res = await poster(app, '/oauth/token')({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, audience: 'https://nowhere.test/' })
  t.equal(res.statusCode, 403)
  t.equal(hasher.verifies, before, 'no hash spent')
})
