// Discovery lists what exists; the issuer is the tenant's public URL, or its listed host with the
// configured scheme (never a request header's); Tollgate can serve HTTPS itself.
import { readFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp } from './helpers/app.js'
import { decodeClaims, poster } from './helpers/http.js'
import { PASSWORD_REALM, sessionsFixture } from './helpers/sessions-fixture.js'
import { makeCertificate } from './helpers/tls.js'

const discover = (app: Awaited<ReturnType<typeof buildTestApp>>, headers: Record<string, string> = { host: 'acme.test' }) =>
  app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers })

t.test('discovery lists every endpoint, grant type, authentication method and algorithm', async (t) => {
  const app = await buildTestApp(t, { document: sessionsFixture() })
  const res = await discover(app)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'public, max-age=300', 'clients may cache it for a while')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  const doc = res.json()
  t.same(doc, {
    issuer: 'http://acme.test/',
    token_endpoint: 'http://acme.test/oauth/token',
    userinfo_endpoint: 'http://acme.test/userinfo',
    revocation_endpoint: 'http://acme.test/oauth/revoke',
    jwks_uri: 'http://acme.test/.well-known/jwks.json',
    grant_types_supported: [
      'password', PASSWORD_REALM, 'http://auth0.com/oauth/grant-type/passwordless/otp', 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      'refresh_token', 'client_credentials', 'http://auth0.com/oauth/grant-type/mfa-otp', 'http://auth0.com/oauth/grant-type/mfa-oob',
      'http://auth0.com/oauth/grant-type/mfa-recovery-code',
    ],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
    response_types_supported: ['token', 'id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified', 'sid'],
  })

  // Whatever it lists must exist: every endpoint answers, every grant type is served.
  for (const [field, method] of [['token_endpoint', 'POST'], ['userinfo_endpoint', 'GET'], ['revocation_endpoint', 'POST'], ['jwks_uri', 'GET']] as const) {
    const answer = await app.inject({ method, url: new URL(doc[field]).pathname, headers: { host: 'acme.test' }, ...(method === 'POST' ? { payload: {} } : {}) })
    t.not(answer.statusCode, 404, `${field} exists`)
  }
  for (const grantType of doc.grant_types_supported) {
    const answer = await poster(app, '/oauth/token')({ grant_type: grantType, client_id: 'spa' })
    t.not(answer.json().error, 'unsupported_grant_type', `${grantType} is served`)
  }
  const unlisted = await poster(app, '/oauth/token')({ grant_type: 'urn:example:unlisted', client_id: 'spa' })
  t.equal(unlisted.json().error, 'unsupported_grant_type', 'and a grant it does not list is not')
})

t.test("the issuer: the tenant's public_url, else its listed host with the configured scheme", async (t) => {
  const doc = sessionsFixture()
  doc.tenants[1].public_url = 'https://login.other.test/'
  const app = await buildTestApp(t, { document: doc })
  t.equal((await discover(app, { host: 'other.test' })).json().issuer, 'https://login.other.test/')
  t.equal((await discover(app, { host: 'other.test' })).json().jwks_uri, 'https://login.other.test/.well-known/jwks.json')
  const login = await poster(app, '/oauth/token', 'other.test')({ grant_type: 'password', client_id: 'other-app', username: 'alice@acme.test', password: 'another password', realm: 'other-db' })
  t.equal(decodeClaims(login.json().id_token).iss, 'https://login.other.test/', 'tokens carry it')

  const ignored = await discover(app, { host: 'acme.test', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test' })
  t.equal(ignored.json().issuer, 'http://acme.test/', 'without trustProxy, X-Forwarded-* are ignored')
})

t.test('behind a proxy (trustProxy its address): X-Forwarded-Host picks a listed host; the scheme is configured', async (t) => {
  // app.inject's requests come from 127.0.0.1: the proxy's address here.
  const app = await buildTestApp(t, { document: sessionsFixture(), config: { trustProxy: '127.0.0.1', issuerScheme: 'https' } })
  const res = await discover(app, { host: '10.0.0.5:3000', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'acme.test' })
  t.equal(res.json().issuer, 'https://acme.test/')
  t.equal(res.json().token_endpoint, 'https://acme.test/oauth/token')
  const login = await app.inject({
    method: 'POST', url: '/oauth/token',
    headers: { host: '10.0.0.5:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'other.test' },
    payload: { grant_type: 'password', client_id: 'other-app', username: 'alice@acme.test', password: 'another password', realm: 'other-db' },
  })
  t.equal(login.statusCode, 200, 'the tenant is found by the forwarded host')
  t.equal(decodeClaims(login.json().id_token).iss, 'https://other.test/')
})

t.test('Tollgate serves HTTPS itself with the configured certificate and key', async (t) => {
  const tls = makeCertificate(t)
  const document = sessionsFixture()
  document.tenants[0].hosts.push('localhost')
  const app = await buildTestApp(t, { document, config: { tls } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const ca = readFileSync(tls.certFile)
  const get = (path: string) => new Promise<{ status: number, body: any }>((resolve, reject) => {
    https.get({ host: '127.0.0.1', servername: 'localhost', port, path, ca, headers: { host: `localhost:${port}` } }, (res) => {
      let raw = ''
      res.on('data', (chunk) => { raw += chunk })
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(raw) }))
    }).on('error', reject)
  })
  const res = await get('/.well-known/openid-configuration')
  t.equal(res.status, 200)
  t.equal(res.body.issuer, `https://localhost:${port}/`, 'the issuer is the https URL, with its trailing slash')
  t.equal(res.body.jwks_uri, `https://localhost:${port}/.well-known/jwks.json`)
})
