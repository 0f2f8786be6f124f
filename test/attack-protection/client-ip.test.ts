// Which IP the protections count: the connecting address; X-Forwarded-For only from proxies the
// deliberate trustProxy setting names; auth0-forwarded-for only from a confidential client that
// authenticated with its secret on this very request and is marked trusted to forward end-user IPs
// (token_endpoint_ip_header_trusted: its backend logs users in on their behalf).
import t from 'tap'
import { login, protection } from '../helpers/attack.js'
import { buildTestApp } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'

const BLOCKED = { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' }
const SECRET = 'backend-secret-0123456789'

function documentWithBackend () {
  const document = fixture()
  const acme = document.tenants[0]
  const backend = acme.clients.find((c) => c.client_id === 'backend')!
  backend.token_endpoint_ip_header_trusted = true
  backend.client_secret = SECRET
  // Confidential, with its secret, but not trusted to forward IPs.
  acme.clients.push({ client_id: 'untrusted', name: 'Untrusted backend', type: 'native', grant_types: ['password'], client_secret: SECRET })
  acme.connections[0].enabled_clients.push('untrusted')
  return document
}

const blockAfterOne = protection({ bruteForce: { threshold: 1 } })

t.test('without trustProxy, X-Forwarded-For changes nothing', async (t) => {
  const app = await buildTestApp(t, { config: blockAfterOne })
  await login(app, { password: 'wrong' }, { ip: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } })
  t.same((await login(app, {}, { ip: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).json(), BLOCKED)
})

t.test('with trustProxy naming the proxy, its X-Forwarded-For is the user\'s IP', async (t) => {
  const app = await buildTestApp(t, { config: { ...blockAfterOne, trustProxy: '10.0.0.1' } })
  await login(app, { password: 'wrong' }, { ip: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } })
  t.same((await login(app, {}, { ip: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5' } })).json(), BLOCKED)
  t.equal((await login(app, {}, { ip: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode, 200, 'another user behind the proxy')

  await login(app, { password: 'wrong' }, { ip: '10.0.0.2', headers: { 'x-forwarded-for': '192.0.2.1' } })
  t.same((await login(app, {}, { ip: '10.0.0.2', headers: { 'x-forwarded-for': '192.0.2.2' } })).json(), BLOCKED,
    'an address that is not the proxy cannot choose its IP')
})

t.test('a confidential client authenticated with its secret passes the user\'s IP in auth0-forwarded-for', async (t) => {
  const app = await buildTestApp(t, { document: documentWithBackend(), config: blockAfterOne })
  const viaBackend = (userIp: string, fields: Record<string, unknown> = {}) =>
    login(app, { client_id: 'backend', client_secret: SECRET, ...fields }, { ip: '10.0.0.9', headers: { 'auth0-forwarded-for': userIp } })

  t.equal((await viaBackend('203.0.113.5', { password: 'wrong' })).statusCode, 401)
  t.same((await viaBackend('203.0.113.5')).json(), BLOCKED, 'the user who failed is blocked')
  t.equal((await viaBackend('198.51.100.7')).statusCode, 200, 'another user of the same backend is not')
  t.match(await app.tollgate.store.events({ type: 'block', limit: 1 }), [{ ip: '203.0.113.5', clientId: 'backend' }], 'the log names the user\'s IP')

  const basic = 'Basic ' + Buffer.from(`backend:${SECRET}`).toString('base64')
  const res = await login(app, { client_id: 'backend' }, { ip: '10.0.0.9', headers: { 'auth0-forwarded-for': '203.0.113.5', authorization: basic } })
  t.same(res.json(), BLOCKED, 'HTTP Basic authenticates the client as well')
})

t.test('anyone else sending auth0-forwarded-for is ignored', async (t) => {
  const app = await buildTestApp(t, { document: documentWithBackend(), config: blockAfterOne })
  const wrongSecret = await login(app, { client_id: 'backend', client_secret: 'not the secret', password: 'wrong' }, { ip: '10.0.0.9', headers: { 'auth0-forwarded-for': '203.0.113.5' } })
  t.equal(wrongSecret.statusCode, 401)
  t.same(wrongSecret.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' }, 'a wrong secret: refused before any password')

  await login(app, { password: 'wrong' }, { ip: '10.0.0.10', headers: { 'auth0-forwarded-for': '203.0.113.5' } })
  t.same((await login(app, {}, { ip: '10.0.0.10', headers: { 'auth0-forwarded-for': '198.51.100.7' } })).json(),
    BLOCKED, 'a public client: the connecting address counts')

  await login(app, { client_id: 'backend', client_secret: SECRET, password: 'wrong' }, { ip: '10.0.0.11', headers: { 'auth0-forwarded-for': 'not an ip' } })
  t.same((await login(app, { client_id: 'backend', client_secret: SECRET }, { ip: '10.0.0.11' })).json(),
    BLOCKED, 'a header that is not an IP: the connecting address counts')
})

t.test('a client not marked trusted cannot choose the IP, even with its right secret', async (t) => {
  const app = await buildTestApp(t, { document: documentWithBackend(), config: blockAfterOne })
  const viaUntrusted = (userIp: string, fields: Record<string, unknown> = {}) =>
    login(app, { client_id: 'untrusted', client_secret: SECRET, ...fields }, { ip: '10.0.0.12', headers: { 'auth0-forwarded-for': userIp } })
  t.equal((await viaUntrusted('203.0.113.5', { password: 'wrong' })).statusCode, 401)
  t.same((await viaUntrusted('198.51.100.7')).json(), BLOCKED, 'the connecting address counts: a fresh forwarded IP does not escape the block')
})

t.test("another client's secret does not lend its trust to this request's client", async (t) => {
  const app = await buildTestApp(t, { document: documentWithBackend(), config: blockAfterOne })
  const basic = 'Basic ' + Buffer.from(`backend:${SECRET}`).toString('base64')
  // The body names the public client; the header carries the trusted backend's secret.
  const res = await login(app, { client_id: 'spa', password: 'wrong' }, { ip: '10.0.0.13', headers: { 'auth0-forwarded-for': '203.0.113.5', authorization: basic } })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' }, 'refused before any password is tried')
})
