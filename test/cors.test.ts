// CORS for SPAs: preflights and responses allow exactly the client's web origins, with credentials;
// any other origin gets a 403 in the catalog's body; discovery and JWKS are public.
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { poster } from './helpers/http.js'
import { OTHER_SPA_ORIGIN, SPA_ORIGIN, sessionsFixture } from './helpers/sessions-fixture.js'

t.test('CORS for single-page apps', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const token = poster(app, '/oauth/token')
  const login = { grant_type: 'password', client_id: 'web', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access' }
  const preflight = (origin: string, url = '/oauth/token') => app.inject({
    method: 'OPTIONS', url, headers: { host: 'acme.test', origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  })

  await t.test('preflight from a listed origin', async (t) => {
    const res = await preflight(SPA_ORIGIN)
    t.equal(res.statusCode, 204)
    t.match(res.headers, {
      'access-control-allow-origin': SPA_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type, Auth0-Client',
      'access-control-max-age': '600',
      vary: 'Origin',
    })
  })

  await t.test('preflight from an origin no client lists', async (t) => {
    const res = await preflight('https://evil.test')
    t.equal(res.statusCode, 403)
    t.same(res.json(), { error: 'access_denied', error_description: 'Origin https://evil.test is not an allowed web origin of any client of this tenant.' })
    t.equal(res.headers['access-control-allow-origin'], undefined)
  })

  await t.test("a login from the client's own origin", async (t) => {
    const res = await token(login, { json: true, headers: { origin: SPA_ORIGIN } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['access-control-allow-origin'], SPA_ORIGIN, 'exactly that origin, never *')
    t.equal(res.headers['access-control-allow-credentials'], 'true')
    t.equal(res.headers.vary, 'Origin')
    const refreshed = await token({ grant_type: 'refresh_token', client_id: 'web', refresh_token: res.json().refresh_token }, { headers: { origin: SPA_ORIGIN } })
    t.equal(refreshed.statusCode, 200, 'the SPA refreshes too')
    t.equal(refreshed.headers['access-control-allow-origin'], SPA_ORIGIN)
  })

  await t.test('errors carry the CORS headers, so the SPA can read them', async (t) => {
    const res = await token({ grant_type: 'password', client_id: 'web', password: PASSWORD }, { headers: { origin: SPA_ORIGIN } })
    t.equal(res.statusCode, 400)
    t.same(res.json(), { error: 'invalid_request', error_description: 'missing username parameter' })
    t.equal(res.headers['access-control-allow-origin'], SPA_ORIGIN)
  })

  await t.test("another client's origin is refused for this client", async (t) => {
    const res = await token(login, { headers: { origin: OTHER_SPA_ORIGIN } })
    t.equal(res.statusCode, 403)
    t.same(res.json(), { error: 'access_denied', error_description: `Origin ${OTHER_SPA_ORIGIN} is not an allowed web origin of client web.` })
    t.equal(res.headers['access-control-allow-origin'], undefined)
    const admin = await token({ ...login, client_id: 'admin-web' }, { headers: { origin: OTHER_SPA_ORIGIN } })
    t.equal(admin.statusCode, 200, 'and allowed for the client that lists it')
  })

  await t.test('no Origin header (not a browser, or same origin): no CORS headers, no check', async (t) => {
    const res = await token(login)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['access-control-allow-origin'], undefined)
    t.equal(res.headers.vary, 'Origin', 'an answer that would differ with an Origin says so to caches')
  })

  await t.test("/userinfo checks the origin against the token's client", async (t) => {
    const web = (await token(login)).json()
    const ok = await app.inject({ method: 'GET', url: '/userinfo', headers: { host: 'acme.test', origin: SPA_ORIGIN, authorization: `Bearer ${web.access_token}` } })
    t.equal(ok.statusCode, 200)
    t.equal(ok.headers['access-control-allow-origin'], SPA_ORIGIN)
    const spa = (await token({ ...login, client_id: 'spa' })).json()
    const refused = await app.inject({ method: 'GET', url: '/userinfo', headers: { host: 'acme.test', origin: SPA_ORIGIN, authorization: `Bearer ${spa.access_token}` } })
    t.equal(refused.statusCode, 403)
    t.same(refused.json(), { error: 'access_denied', error_description: `Origin ${SPA_ORIGIN} is not an allowed web origin of client spa.` })
  })

  await t.test('revoke and signup from the SPA', async (t) => {
    const revoke = await poster(app, '/oauth/revoke')({ client_id: 'web', token: 'x' }, { headers: { origin: SPA_ORIGIN } })
    t.equal(revoke.statusCode, 200)
    t.equal(revoke.headers['access-control-allow-origin'], SPA_ORIGIN)
    const signup = await poster(app, '/dbconnections/signup')({ client_id: 'web', connection: 'db', email: 'spa-user@acme.test', password: 'long enough' }, { json: true, headers: { origin: SPA_ORIGIN } })
    t.equal(signup.statusCode, 200)
    t.equal(signup.headers['access-control-allow-origin'], SPA_ORIGIN)
  })

  await t.test('discovery and JWKS are public metadata', async (t) => {
    for (const url of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: 'acme.test', origin: 'https://anyone.test' } })
      t.equal(res.statusCode, 200)
      t.equal(res.headers['access-control-allow-origin'], '*', url)
      t.equal(res.headers['access-control-allow-credentials'], undefined)
    }
  })
})
