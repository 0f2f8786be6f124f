// The issuer, the discovery URLs and the RFC 7523 audience come from configuration only: a caller
// choosing the Host (or X-Forwarded-Host) header cannot choose them.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'
import { assertion, assertionRefused, JWT_BEARER, jwtBearerFixture, keys } from '../helpers/jwt-bearer.js'

const unknownTenant = { error: 'invalid_request', error_description: 'no tenant is configured for this host' }
const discover = (app: Awaited<ReturnType<typeof buildTestApp>>, headers: Record<string, string>) =>
  app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers })

t.test('a host no tenant lists is refused when the default tenant has no public_url', async (t) => {
  const app = await buildTestApp(t)
  for (const host of ['evil.test', 'evil.test:443', 'acme.test.evil.test']) {
    const res = await discover(app, { host })
    t.equal(res.statusCode, 400, host)
    t.same(res.json(), unknownTenant, host)
  }
})

t.test('a host no tenant lists gets the default tenant with its configured issuer when it has a public_url', async (t) => {
  const doc = fixture()
  doc.tenants[0].public_url = 'https://login.acme.test/'
  const app = await buildTestApp(t, { document: doc })
  const res = await discover(app, { host: 'evil.test' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().issuer, 'https://login.acme.test/')
  t.equal(res.json().token_endpoint, 'https://login.acme.test/oauth/token')
})

t.test('a port in the Host header that the request did not arrive on is not part of the issuer', async (t) => {
  const app = await buildTestApp(t)
  const res = await discover(app, { host: 'acme.test:6666' })
  t.equal(res.json().issuer, 'http://acme.test/')
})

t.test('with trustProxy a list of proxies: a forwarded host picks among listed hosts only; X-Forwarded-Proto is not the scheme', async (t) => {
  const app = await buildTestApp(t, { config: { trustProxy: '127.0.0.1' } })
  const forged = await discover(app, { host: 'acme.test', 'x-forwarded-host': 'evil.test', 'x-forwarded-proto': 'https' })
  t.equal(forged.statusCode, 400)
  t.same(forged.json(), unknownTenant)
  const listed = await discover(app, { host: '10.0.0.5', 'x-forwarded-host': 'other.test', 'x-forwarded-proto': 'https' })
  t.equal(listed.json().issuer, 'http://other.test/', 'the configured scheme (http by default without TLS)')
  // Not from the trusted proxy: the forwarded host is ignored.
  const untrusted = await buildTestApp(t, { config: { trustProxy: '10.9.9.9' } })
  t.equal((await discover(untrusted, { host: 'acme.test', 'x-forwarded-host': 'other.test' })).json().issuer, 'http://acme.test/')
})

t.test('an RFC 7523 assertion for an audience the caller made up through Host is refused', async (t) => {
  const app = await buildTestApp(t, { document: jwtBearerFixture() })
  const grant = async (host: string, aud: string) => app.inject({
    method: 'POST', url: '/oauth/token', headers: { host },
    payload: { grant_type: JWT_BEARER, audience: 'https://api.acme.test/', assertion: await assertion('robot', keys.robotRsa, { aud }) },
  })
  const viaPort = await grant('acme.test:6666', 'http://acme.test:6666/oauth/token')
  t.equal(viaPort.statusCode, 400)
  t.same(viaPort.json(), assertionRefused('the aud claim must be http://acme.test/oauth/token or http://acme.test/'))
  const viaHost = await grant('evil.test', 'http://evil.test/oauth/token')
  t.equal(viaHost.statusCode, 400)
  t.same(viaHost.json(), unknownTenant)
})

t.test('the tenant cache stays within its size however many hosts are named', async (t) => {
  const app = await buildTestApp(t, { config: { tenantCacheSize: 64, rateLimits: { ...(await import('../../src/config.js')).defaults.rateLimits, enabled: false } } })
  for (let i = 0; i < 2000; i++) {
    const host = i % 2 === 0 ? `made-up-${i}.test` : `acme.test:${10000 + i}`
    await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host } })
  }
  t.equal(app.tollgate.tenants.cachedHosts, 64)
  const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
  t.equal(res.statusCode, 200, 'and it still serves')
})
