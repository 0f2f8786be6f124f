// Tenants: found by Host, each with its own keys, issuer, connections, clients and users.
import t from 'tap'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { fixture } from './helpers/fixture.js'
import { verifyWithServedJwks } from './helpers/tokens.js'

t.test('the Host header picks the tenant; nothing crosses tenants', async (t) => {
  const doc = fixture()
  doc.tenants[1].hosts.push('auth.other.test:8443')
  doc.tenants[1].public_url = 'https://login.other.test/'
  const app = await buildTestApp(t, { document: doc })

  const jwks = async (host: string) => (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host } })).json()
  const acmeKeys = await jwks('acme.test')
  const otherKeys = await jwks('other.test')
  t.equal(acmeKeys.keys.length, 1)
  t.equal(otherKeys.keys.length, 1)
  t.not(acmeKeys.keys[0].kid, otherKeys.keys[0].kid, 'each tenant has its own key')
  t.same(Object.keys(acmeKeys.keys[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], 'only public members are served')
  t.same(await jwks('acme.test:3000'), acmeKeys, 'a port on a listed host still finds it')
  const unlisted = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'unlisted.test' } })
  t.equal(unlisted.statusCode, 400, 'an unlisted host is refused: the default tenant has no public_url')
  t.same(unlisted.json(), { error: 'invalid_request', error_description: 'no tenant is configured for this host' })
  t.same(await jwks('auth.other.test:8443'), otherKeys, 'a host listed with its port')

  // A token of one tenant does not verify with the other's keys.
  const login = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'other.test' }, payload: passwordBody({ client_id: 'other-app', connection: 'other-db', password: 'another password' }) })
  t.equal(login.statusCode, 200)
  const claims = await verifyWithServedJwks(app, login.json().id_token, { host: 'other.test', issuer: 'https://login.other.test/', audience: 'other-app' })
  t.equal(claims.iss, 'https://login.other.test/', 'a configured public URL is the issuer')
  await t.rejects(verifyWithServedJwks(app, login.json().id_token, { host: 'acme.test', issuer: 'https://login.other.test/', audience: 'other-app' }))

  // Clients and users of one tenant are unknown to the other.
  const crossClient = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ client_id: 'other-app', connection: 'other-db' }) })
  t.same(crossClient.json(), { error: 'unauthorized_client', error_description: 'invalid client' })
})

t.test('discovery describes the tenant it is asked of; a port the request did not arrive on is not in its URLs', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host: 'acme.test:8080' } })
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    issuer: 'http://acme.test/',
    jwks_uri: 'http://acme.test/.well-known/jwks.json',
    id_token_signing_alg_values_supported: ['RS256'],
  })
})
