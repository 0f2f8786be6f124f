// Login sessions: each login's id_tokens name it (sid); the id_token exchange on /oauth/ro continues
// it only while it is live. Revoking its refresh token, a password change or a block (`tollgate
// apply`), and the session service's endAllOf end it; nothing it issues outlives its absolute end.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import path from 'node:path'
import t, { type Test } from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp, passwordBody, provision, testConfig } from './helpers/app.js'
import { decodeClaims } from './helpers/http.js'
import { invalidIdToken, JWT_BEARER, jwtBearerFixture } from './helpers/jwt-bearer.js'

const INVALID_REFRESH = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }

async function setup (t: Test) {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { dataDir } })
  const post = (url: string, payload: Record<string, unknown>) => app.inject({ method: 'POST', url, headers: { host: 'acme.test' }, payload })
  const login = async () => {
    const res = await post('/oauth/ro', passwordBody({ scope: 'openid offline_access', device: 'phone' }))
    t.equal(res.statusCode, 200, 'logged in')
    return res.json() as { id_token: string, refresh_token: string }
  }
  const exchange = (idToken: string) => post('/oauth/ro', { grant_type: JWT_BEARER, client_id: 'spa', device: 'phone', id_token: idToken, scope: 'openid offline_access' })
  const refresh = (refreshToken: string) => post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: refreshToken, device: 'phone' })
  const revoke = (token: string) => post('/oauth/revoke', { client_id: 'spa', token })
  const sql = (statement: string, ...params: unknown[]) => {
    const db = new Database(path.join(dataDir, SQLITE_FILE))
    try { return db.prepare(statement).run(...params) } finally { db.close() }
  }
  const rows = (statement: string, ...params: unknown[]) => {
    const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
    try { return db.prepare(statement).all(...params) as any[] } finally { db.close() }
  }
  return { app, dataDir, login, exchange, refresh, revoke, sql, rows }
}

const refused = (t: Test, res: { statusCode: number, json: () => unknown }, body: object, name: string) => {
  t.equal(res.statusCode, body === invalidIdToken ? 400 : 403, `${name}: status`)
  t.same(res.json(), body, `${name}: body`)
}

t.test('revoking the refresh token ends the login: its id_token buys nothing more', async (t) => {
  const { login, exchange, refresh, revoke } = await setup(t)
  const session = await login()
  t.type(decodeClaims(session.id_token).sid, 'string', 'the id_token names its session')
  const continued = await exchange(session.id_token)
  t.equal(continued.statusCode, 200, 'while the session lives, the exchange continues it')
  t.equal(decodeClaims(continued.json().id_token).sid, decodeClaims(session.id_token).sid, 'same session')

  t.equal((await revoke(session.refresh_token)).statusCode, 200)
  refused(t, await exchange(session.id_token), invalidIdToken, 'the logged-out id_token')
  refused(t, await refresh(continued.json().refresh_token), INVALID_REFRESH, "the exchange's refresh token belonged to the same session")
})

t.test('a password change or a block ends the sessions; unblocking does not revive them', async (t) => {
  const { dataDir, login, exchange, refresh } = await setup(t)
  const before = await login()
  const document = jwtBearerFixture()
  document.tenants[0].users.find((u) => u.email === 'alice@acme.test')!.password = 'a brand new passphrase'
  await provision(testConfig(t, { dataDir }), document)
  refused(t, await exchange(before.id_token), invalidIdToken, 'after a password change: the id_token')
  refused(t, await refresh(before.refresh_token), INVALID_REFRESH, 'after a password change: the refresh token')

  const app2 = await setup(t)
  const session = await app2.login()
  const blocked = jwtBearerFixture()
  blocked.tenants[0].users.find((u) => u.email === 'alice@acme.test')!.blocked = true
  await provision(testConfig(t, { dataDir: app2.dataDir }), blocked)
  await provision(testConfig(t, { dataDir: app2.dataDir }), jwtBearerFixture())
  refused(t, await app2.exchange(session.id_token), invalidIdToken, 'blocked, then unblocked: the id_token')
  refused(t, await app2.refresh(session.refresh_token), INVALID_REFRESH, 'blocked, then unblocked: the refresh token')
})

t.test('nothing outlives the session\'s absolute end', async (t) => {
  const { login, exchange, sql, rows } = await setup(t)
  const session = await login()
  const sid = decodeClaims(session.id_token).sid
  const end = Math.floor(Date.now() / 1000) + 100
  sql('UPDATE login_sessions SET expires_at = ? WHERE id = ?', end, sid)
  const continued = await exchange(session.id_token)
  t.equal(continued.statusCode, 200)
  const hash = createHash('sha256').update(continued.json().refresh_token).digest('hex')
  const [issued] = rows('SELECT expires_at FROM refresh_tokens WHERE token_hash = ?', hash)
  t.ok(issued.expires_at <= end, 'the new refresh token ends when the session does')
  const claims = decodeClaims(continued.json().id_token)
  t.ok(claims.exp <= end, 'so does the id_token')
  t.ok(decodeClaims(continued.json().access_token).exp <= end, 'and the access token')
  t.ok(continued.json().expires_in <= 100, 'expires_in says so')

  sql('UPDATE login_sessions SET expires_at = ? WHERE id = ?', Math.floor(Date.now() / 1000), sid)
  refused(t, await exchange(session.id_token), invalidIdToken, 'past the absolute end')
})

t.test('the session service ends every session of a user', async (t) => {
  const { app, login, exchange, refresh } = await setup(t)
  const first = await login()
  const second = await login()
  const tenant = (await app.tollgate.store.tenantByName('acme'))!
  t.equal(await app.tollgate.sessions.endAllOf(tenant.id, 'auth0|alice'), 2, 'two live sessions ended')
  for (const s of [first, second]) {
    refused(t, await exchange(s.id_token), invalidIdToken, 'the id_token')
    refused(t, await refresh(s.refresh_token), INVALID_REFRESH, 'the refresh token')
  }
})
