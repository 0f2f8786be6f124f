// POST /oauth/ro with the password grant: what a successful login returns, through JSON and form
// bodies, for database and custom-database connections.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { fixture, PASSWORD } from './helpers/fixture.js'
import { verifyWithServedJwks } from './helpers/tokens.js'
import { startUserStore } from './helpers/user-store-server.js'

const headers = { host: 'acme.test' }

t.test('JSON body: tokens signed RS256 that verify against the served JWKS', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody({ scope: 'openid profile email' }) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'token_type'])
  t.equal(body.token_type, 'bearer')
  t.equal(body.expires_in, 86400)

  const claims = await verifyWithServedJwks(app, body.id_token, { issuer: 'http://acme.test/', audience: 'spa' })
  t.match(claims, {
    iss: 'http://acme.test/',
    sub: 'auth0|alice',
    aud: 'spa',
    name: 'Alice Liddell',
    nickname: 'alice',
    picture: 'https://acme.test/alice.png',
    email: 'alice@acme.test',
    email_verified: true,
  })
  t.match(claims.updated_at, /^\d{4}-\d\d-\d\dT/)
  t.equal(claims.exp! - claims.iat!, 36000, 'id_token lives 10 hours')
  const header = JSON.parse(Buffer.from(body.id_token.split('.')[0], 'base64url').toString())
  t.equal(header.alg, 'RS256')
  t.type(header.kid, 'string')

  const access = await verifyWithServedJwks(app, body.access_token, { issuer: 'http://acme.test/', audience: 'http://acme.test/userinfo' })
  t.equal(access.sub, 'auth0|alice')
  t.equal(access.scope, 'openid profile email')
})

t.test('form body, login by username, Auth0 SDK extras accepted', async (t) => {
  const app = await buildTestApp(t)
  const form = new URLSearchParams({ ...passwordBody({ username: 'alice' }) as Record<string, string>, id_token: 'ignored' }).toString()
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/ro',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'auth0-client': Buffer.from('{"name":"auth0.js"}').toString('base64') },
    payload: form,
  })
  t.equal(res.statusCode, 200)
  const claims = await verifyWithServedJwks(app, res.json().id_token, { issuer: 'http://acme.test/', audience: 'spa' })
  t.equal(claims.sub, 'auth0|alice')
  t.notOk('email' in claims, 'no email claims without the email scope')
  t.notOk('name' in claims, 'no profile claims without the profile scope')
})

t.test('emails match case-insensitively', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody({ username: 'Alice@ACME.test' }) })
  t.equal(res.statusCode, 200)
})

t.test('a refresh token only with offline_access and a device, stored only as its hash', async (t) => {
  const config = { dataDir: t.testdir() }
  const app = await buildTestApp(t, { config })
  const login = (fields: Record<string, unknown>) => app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody(fields) })

  t.notOk('refresh_token' in (await login({ scope: 'openid offline_access' })).json(), 'no device: no refresh token')
  t.notOk('refresh_token' in (await login({ device: 'phone' })).json(), 'no offline_access: no refresh token')
  const res = await login({ scope: 'openid offline_access', device: 'phone' })
  const { refresh_token: refreshToken } = res.json()
  t.match(refreshToken, /^[A-Za-z0-9_-]{43}$/)

  await app.close()
  const db = new Database(path.join(config.dataDir, SQLITE_FILE), { readonly: true })
  t.teardown(() => db.close())
  const rows = db.prepare('SELECT * FROM refresh_tokens').all() as Array<Record<string, unknown>>
  t.equal(rows.length, 1)
  t.match(rows[0], {
    token_hash: createHash('sha256').update(refreshToken).digest('hex'),
    client_id: 'spa',
    user_id: 'auth0|alice',
    device: 'phone',
    scope: 'openid offline_access',
  })
  db.pragma('wal_checkpoint')
  for (const file of [SQLITE_FILE, `${SQLITE_FILE}-wal`]) {
    let bytes = ''
    try { bytes = readFileSync(path.join(config.dataDir, file), 'latin1') } catch {}
    t.notOk(bytes.includes(refreshToken), `the token in clear is nowhere in ${file}`)
  }
})

t.test('custom-database connection: credentials checked by the operator\'s user store', async (t) => {
  const userStore = await startUserStore(t)
  const app = await buildTestApp(t, { document: fixture({ loginUrl: userStore.url }), config: { customDatabaseTimeoutMs: 1500 } })
  const login = (fields: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody({ connection: 'legacy-db', scope: 'openid profile email', ...fields }) })

  const first = await login({ username: 'dave@legacy.test' })
  t.equal(first.statusCode, 200)
  const claims = await verifyWithServedJwks(app, first.json().id_token, { issuer: 'http://acme.test/', audience: 'spa' })
  t.match(claims, { name: 'Dave Legacy', email: 'dave@legacy.test', email_verified: true })
  t.match(claims.sub, /^auth0\|[0-9a-f]{24}$/)
  const again = await login({ username: 'dave@legacy.test' })
  const claimsAgain = await verifyWithServedJwks(app, again.json().id_token, { issuer: 'http://acme.test/', audience: 'spa' })
  t.equal(claimsAgain.sub, claims.sub, 'the same user on every login')
  t.same(userStore.calls.map((c) => c.username), ['dave@legacy.test', 'dave@legacy.test'])

  const wrong = await login({ username: 'dave@legacy.test', password: 'nope' })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json(), { error: 'invalid_user_password', error_description: 'Wrong email or password.' })

  const slow = await login({ username: 'slow@legacy.test' })
  t.equal(slow.statusCode, 503, 'a store that does not answer in time')
  t.same(slow.json(), { error: 'temporarily_unavailable', error_description: "The connection's user store did not answer. Try again later." })
})

t.test('the password is checked: the right one for another tenant\'s user of the same email fails here', async (t) => {
  const app = await buildTestApp(t)
  const other = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'other.test' }, payload: passwordBody({ client_id: 'other-app', connection: 'other-db', password: 'another password' }) })
  t.equal(other.statusCode, 200)
  const here = await app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody({ password: 'another password' }) })
  t.equal(here.statusCode, 401)
  t.same(here.json(), { error: 'invalid_user_password', error_description: 'Wrong email or password.' })
  t.equal((await app.inject({ method: 'POST', url: '/oauth/ro', headers, payload: passwordBody({ password: PASSWORD }) })).statusCode, 200)
})
