// The token pipeline every credential endpoint shares (plugins/token-pipeline.ts): a confidential
// client proves itself on the legacy endpoints too, the client is looked up once per request, the
// per-account limit counts the account the grant uses, and a blocked user is told so only after
// the right password.
import t from 'tap'
import { openSqliteStore } from '../src/store/sqlite.js'
import type { Store } from '../src/store/port.js'
import { buildApp } from '../src/app.js'
import { protection } from './helpers/attack.js'
import { buildTestApp, countingHasher, passwordBody, provision, testConfig } from './helpers/app.js'
import { BACKEND_SECRET, fixture, PASSWORD } from './helpers/fixture.js'
import { latestCode, OTP, PHONE, passwordlessFixture, startLogin, verifyLogin } from './helpers/passwordless.js'

const CLIENT_AUTH_FAILED = { error: 'invalid_client', error_description: 'Client authentication failed.' }
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

t.test('/oauth/ro: a confidential client proves its secret; a public client names itself', async (t) => {
  const app = await buildTestApp(t)
  const ro = (fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test', ...headers }, payload: passwordBody(fields) })
  const offline = { scope: 'openid offline_access', device: 'phone' }

  for (const [name, fields] of [
    ['no secret at all', { client_id: 'backend', ...offline }],
    ['a wrong secret', { client_id: 'backend', client_secret: 'wrong-secret-0000000000', ...offline }],
    ['basic-only client with its secret in the body', { client_id: 'basic-only', client_secret: BACKEND_SECRET }],
  ] as const) {
    const res = await ro(fields)
    t.equal(res.statusCode, 401, `${name}: status`)
    t.same(res.json(), CLIENT_AUTH_FAILED, `${name}: body, and no tokens (no refresh token either)`)
  }
  const basicWrongClient = await ro({ client_id: 'spa' }, { authorization: basic('backend', BACKEND_SECRET) })
  t.equal(basicWrongClient.statusCode, 401, "the body's client_id must be the client that authenticated")
  t.same(basicWrongClient.json(), CLIENT_AUTH_FAILED)

  const withSecret = await ro({ client_id: 'backend', client_secret: BACKEND_SECRET })
  t.equal(withSecret.statusCode, 200, 'client_secret_post')
  const withBasic = await ro({ client_id: 'basic-only' }, { authorization: basic('basic-only', BACKEND_SECRET) })
  t.equal(withBasic.statusCode, 200, 'client_secret_basic')
  t.equal((await ro({ client_id: 'spa' })).statusCode, 200, 'a public client (auth method none) keeps working with its client_id')
  const unknown = await ro({ client_id: 'nobody' })
  t.equal(unknown.statusCode, 403, 'an unknown client keeps its documented answer')
  t.same(unknown.json(), { error: 'unauthorized_client', error_description: 'invalid client' })
})

t.test('/passwordless/verify: a confidential client proves its secret', async (t) => {
  const document = passwordlessFixture()
  const acme = document.tenants[0]
  acme.clients.push({ client_id: 'server-app', name: 'Server app', type: 'native', grant_types: [OTP], client_secret: BACKEND_SECRET })
  acme.connections.find((c) => c.name === 'sms')!.enabled_clients.push('server-app')
  const app = await buildTestApp(t, { document })
  t.equal((await startLogin(app, { client_id: 'server-app' })).statusCode, 200)
  const code = await latestCode(app, PHONE)

  const bare = await verifyLogin(app, 'sms', { phone_number: PHONE }, code, { client_id: 'server-app' })
  t.equal(bare.statusCode, 401, 'by client_id alone: refused')
  t.same(bare.json(), CLIENT_AUTH_FAILED)
  const wrong = await verifyLogin(app, 'sms', { phone_number: PHONE }, code, { client_id: 'server-app', client_secret: 'wrong-secret-0000000000' })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json(), CLIENT_AUTH_FAILED)
  const right = await verifyLogin(app, 'sms', { phone_number: PHONE }, code, { client_id: 'server-app', client_secret: BACKEND_SECRET })
  t.equal(right.statusCode, 200, 'the refused attempts did not use the code up; the secret opens the way')
  t.type(right.json().id_token, 'string')
})

t.test('a request asks the store for its client at most once (CORS, client IP, authentication share one lookup, served from the configuration snapshot)', async (t) => {
  const config = testConfig(t)
  await provision(config, fixture())
  const store = await openSqliteStore(config.dataDir)
  let lookups = 0
  const counting = new Proxy(store, {
    get (target, prop, receiver) {
      if (prop === 'clientById') return (...args: Parameters<Store['clientById']>) => { lookups++; return target.clientById(...args) }
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const app = await buildApp({ config, store: counting })
  t.teardown(async () => { await app.close(); await store.close() })
  await app.ready()
  lookups = 0
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: 'acme.test', origin: 'https://evil.test', 'auth0-forwarded-for': '198.51.100.7', authorization: basic('backend', BACKEND_SECRET) },
    payload: { grant_type: 'password', username: 'alice@acme.test', password: PASSWORD },
  })
  t.equal(res.statusCode, 403, 'the origin is not one of the client\'s')
  lookups = 0
  const ok = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: 'acme.test', 'auth0-forwarded-for': '198.51.100.7', authorization: basic('backend', BACKEND_SECRET) },
    payload: { grant_type: 'password', username: 'alice@acme.test', password: PASSWORD },
  })
  t.equal(ok.statusCode, 200)
  t.equal(lookups, 0, 'the client comes from the in-memory configuration snapshot: the request asks the store for it not even once')
})

t.test('the per-account limit counts the connection the grant uses, not a field it ignores', async (t) => {
  const app = await buildTestApp(t, { config: protection({ rateLimits: { perAccount: { max: 2, windowSeconds: 60 } } }) })
  const attempt = (connection: string) => app.inject({
    method: 'POST',
    url: '/oauth/token',
    remoteAddress: '203.0.113.20',
    headers: { host: 'acme.test' },
    // password-realm reads realm; `connection` is not one of its fields.
    payload: { grant_type: 'http://auth0.com/oauth/grant-type/password-realm', client_id: 'spa', realm: 'db', connection, username: 'alice@acme.test', password: 'wrong' },
  })
  t.equal((await attempt('a')).statusCode, 403)
  t.equal((await attempt('b')).statusCode, 403)
  const third = await attempt('c')
  t.equal(third.statusCode, 429, 'a third attempt at the same account is limited, whatever `connection` says')
  t.same(third.json(), { error: 'too_many_attempts', error_description: 'Too many login attempts for this account. Try again later.' })
})

t.test('/passwordless/verify: the limit counts the login field the connection reads', async (t) => {
  const app = await buildTestApp(t, { document: passwordlessFixture(), config: protection({ rateLimits: { perAccount: { max: 2, windowSeconds: 60 } } }) })
  // An sms connection reads phone_number; an email field beside it names no other account.
  const attempt = (email: string) => app.inject({
    method: 'POST',
    url: '/passwordless/verify',
    remoteAddress: '203.0.113.21',
    headers: { host: 'acme.test' },
    payload: { client_id: 'app', connection: 'sms', phone_number: PHONE, email, verification_code: '000000' },
  })
  t.equal((await attempt('a@acme.test')).statusCode, 401)
  t.equal((await attempt('b@acme.test')).statusCode, 401)
  const third = await attempt('c@acme.test')
  t.equal(third.statusCode, 429)
  t.same(third.json(), { error: 'too_many_attempts', error_description: 'Too many login attempts for this account. Try again later.' })
})

t.test('a blocked user is told so only after the right password', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher })
  const ro = (fields: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ username: 'bob@acme.test', ...fields }) })
  hasher.verifies = 0
  const wrong = await ro({ password: 'not bob\'s password' })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json(), { error: 'invalid_user_password', error_description: 'Wrong email or password.' }, 'as any wrong password')
  t.equal(hasher.verifies, 1, 'the password was verified')
  const right = await ro({})
  t.equal(right.statusCode, 401)
  t.same(right.json(), { error: 'unauthorized', error_description: 'user is blocked' }, "seed 003's answer for the right password")
})
