// The refresh_token grant: rotation on every use, reuse detection that burns the whole family,
// binding to client and device, idle and absolute lifetimes, users that are blocked or gone, and
// two parallel uses of one token of which exactly one wins.
import Database from 'better-sqlite3'
import path from 'node:path'
import t, { type Test } from 'tap'
import type { Store } from '../src/store/port.js'
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.js'
import { buildApp } from '../src/app.js'
import type { Config } from '../src/config.js'
import { provision, testConfig } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { decodeClaims, poster } from './helpers/http.js'
import { sql } from './helpers/seed.js'
import { ORDERS_API, REPORTS_API, sessionsFixture } from './helpers/sessions-fixture.js'
import { verifyWithServedJwks } from './helpers/tokens.js'

const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }

/**
 * The real store, with a rendezvous before rotation: once armed for n requests, each waits there
 * until all n have arrived (so all have read the token as valid), then all rotate at once. SQLite
 * through better-sqlite3 answers without real I/O, so without this the requests would simply run
 * one after the other; the rendezvous makes the race that PostgreSQL sees under load happen for sure.
 */
function withRotationRendezvous (store: Store) {
  let parties = 0
  let waiting: Array<() => void> = []
  const wrapped = new Proxy(store, {
    get (target, prop) {
      if (prop === 'rotateRefreshToken') {
        return async (...args: Parameters<Store['rotateRefreshToken']>) => {
          if (parties > 0) {
            await new Promise<void>((resolve) => {
              waiting.push(resolve)
              if (waiting.length === parties) {
                parties = 0
                waiting.forEach((go) => go())
                waiting = []
              }
            })
          }
          return target.rotateRefreshToken(...args)
        }
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store: wrapped, arm: (n: number) => { parties = n } }
}

async function setup (t: Test, overrides: Partial<Config> = {}, wrapStore?: (store: Store) => Store) {
  const config = testConfig(t, { logLevel: 'info', ...overrides })
  const dataDir = config.dataDir
  const lines: string[] = []
  const logStream = { write: (line: string) => { lines.push(line) } }
  await provision(config, sessionsFixture())
  const store = await openSqliteStore(dataDir)
  const app = await buildApp({ config, logStream, store: wrapStore ? wrapStore(store) : store })
  t.teardown(async () => {
    await app.close()
    await store.close()
  })
  const token = poster(app, '/oauth/token')
  const login = async (fields: Record<string, string> = {}) => {
    const res = await token({ grant_type: 'password', client_id: 'mobile', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access', device: 'Alice phone', ...fields })
    t.equal(res.statusCode, 200, 'logged in', { body: res.body })
    return res.json()
  }
  const refresh = (refreshToken: string, fields: Record<string, string> = {}) =>
    token({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: refreshToken, device: 'Alice phone', ...fields })
  return { app, dataDir, lines, login, refresh, token }
}

t.test('every use rotates the refresh token; reusing a consumed one revokes its whole family', async (t) => {
  const { app, login, refresh } = await setup(t)
  const first = await login()
  t.type(first.refresh_token, 'string', 'offline_access gives a refresh token')

  const r1 = await refresh(first.refresh_token)
  t.equal(r1.statusCode, 200)
  t.equal(r1.headers['cache-control'], 'no-store')
  const second = r1.json()
  t.same(Object.keys(second).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type'])
  t.not(second.refresh_token, first.refresh_token, 'a new refresh token')
  t.equal(second.scope, 'openid offline_access')
  t.equal(second.token_type, 'bearer')
  const idClaims = await verifyWithServedJwks(app, second.id_token, { issuer: 'http://acme.test/', audience: 'mobile' })
  t.equal(idClaims.sub, 'auth0|alice')
  const atClaims = await verifyWithServedJwks(app, second.access_token, { issuer: 'http://acme.test/', audience: 'http://acme.test/userinfo' })
  t.match(atClaims, { sub: 'auth0|alice', client_id: 'mobile', scope: 'openid offline_access' })

  const third = (await refresh(second.refresh_token)).json()
  t.type(third.refresh_token, 'string', 'the successor rotates again')

  // A consumed token is presented again: someone else holds this family.
  const reuse = await refresh(first.refresh_token)
  t.equal(reuse.statusCode, 403)
  t.same(reuse.json(), INVALID_GRANT)
  const descendant = await refresh(third.refresh_token)
  t.equal(descendant.statusCode, 403, 'the live descendant is revoked with its family')
  t.same(descendant.json(), INVALID_GRANT)

  const otherLogin = await login({ device: 'Alice tablet' })
  t.equal((await refresh(otherLogin.refresh_token, { device: 'Alice tablet' })).statusCode, 200, 'another login (another family) is untouched')
})

t.test('two parallel uses of one refresh token: exactly one wins, and the family survives', async (t) => {
  let arm = (_n: number) => {}
  const { login, refresh, lines } = await setup(t, {}, (store) => {
    const rendezvous = withRotationRendezvous(store)
    arm = rendezvous.arm
    return rendezvous.store
  })
  const { refresh_token: shared } = await login()
  arm(5)
  const replies = await Promise.all(Array.from({ length: 5 }, () => refresh(shared)))
  const statuses = replies.map((r) => r.statusCode).sort()
  t.same(statuses, [200, 403, 403, 403, 403], 'one rotation, four refusals')
  for (const r of replies.filter((r) => r.statusCode === 403)) t.same(r.json(), INVALID_GRANT)
  // Had a loser been treated as a replay, the family (and the winner's successor) would be revoked.
  const winner = replies.find((r) => r.statusCode === 200)!.json()
  t.equal((await refresh(winner.refresh_token)).statusCode, 200, "the winner's successor works")
  const lost = lines.map((l) => JSON.parse(l)).filter((l) => l.err?.message === 'refresh token consumed by a parallel request')
  t.equal(lost.length, 4, 'the four losers lost at the atomic rotation, after all had read the token as valid')
})

t.test('a refresh token is bound to its client and its device', async (t) => {
  const { login, refresh, token } = await setup(t)
  const { refresh_token: rt } = await login({ device: 'phone-1' })
  const otherClient = await refresh(rt, { client_id: 'spa', device: 'phone-1' })
  t.equal(otherClient.statusCode, 403)
  t.same(otherClient.json(), INVALID_GRANT)
  const otherDevice = await refresh(rt, { device: 'phone-2' })
  t.equal(otherDevice.statusCode, 403)
  t.same(otherDevice.json(), INVALID_GRANT)
  // A token bound to a device is no bearer token: leaving the device out does not get around the binding.
  const noDevice = await token({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: rt })
  t.equal(noDevice.statusCode, 403, 'no device at all is refused too')
  t.same(noDevice.json(), INVALID_GRANT)
  t.equal((await refresh(rt, { device: 'phone-1' })).statusCode, 200, 'refused attempts consume nothing; the right client and device rotate it')
})

t.test('idle and absolute lifetimes', async (t) => {
  const { dataDir, login, refresh } = await setup(t, {
    tokens: { idTokenLifetime: 36000, accessTokenLifetime: 86400, refreshTokenLifetime: 7200, refreshTokenIdleLifetime: 600 },
  })
  const db = () => new Database(path.join(dataDir, SQLITE_FILE))

  const first = await login()
  const second = (await refresh(first.refresh_token)).json()
  const rows = db().prepare('SELECT created_at, expires_at FROM refresh_tokens ORDER BY created_at, consumed_at IS NULL').all() as Array<{ created_at: number, expires_at: number }>
  t.equal(rows[0].expires_at - rows[0].created_at, 7200, 'the absolute lifetime is configured')
  t.equal(rows[1].expires_at, rows[0].expires_at, 'a rotation keeps the family\'s absolute end')

  // Idle: the live token was issued longer ago than the idle lifetime.
  sql(dataDir, 'UPDATE refresh_tokens SET created_at = created_at - 600 WHERE consumed_at IS NULL')
  const idle = await refresh(second.refresh_token)
  t.equal(idle.statusCode, 403, 'idle too long')
  t.same(idle.json(), INVALID_GRANT)

  // Absolute: recently used, but the family's end has passed.
  const fresh = await login()
  sql(dataDir, 'UPDATE refresh_tokens SET expires_at = ? WHERE revoked_at IS NULL AND consumed_at IS NULL', Math.floor(Date.now() / 1000))
  const absolute = await refresh(fresh.refresh_token)
  t.equal(absolute.statusCode, 403, 'past the absolute lifetime')
  t.same(absolute.json(), INVALID_GRANT)
})

t.test("a blocked or deleted user's refresh tokens stop working", async (t) => {
  const { dataDir, login, refresh } = await setup(t)
  const alice = await login()
  sql(dataDir, "UPDATE users SET blocked = 1 WHERE email = 'alice@acme.test'")
  const blocked = await refresh(alice.refresh_token)
  t.equal(blocked.statusCode, 403)
  t.same(blocked.json(), INVALID_GRANT)

  const carol = await login({ username: 'carol@acme.test' })
  sql(dataDir, "DELETE FROM users WHERE email = 'carol@acme.test'")
  const deleted = await refresh(carol.refresh_token)
  t.equal(deleted.statusCode, 403)
  t.same(deleted.json(), INVALID_GRANT)
})

t.test('scope and audience: a narrower scope on refresh, the API kept, offline access per API', async (t) => {
  const { app, login, refresh } = await setup(t)
  const orders = await login({ audience: ORDERS_API, scope: 'openid offline_access read:orders' })
  t.equal(orders.scope, 'openid offline_access read:orders')
  t.same(decodeClaims(orders.access_token).aud, [ORDERS_API, 'http://acme.test/userinfo'], 'with openid, the API token also opens /userinfo')
  t.equal(orders.expires_in, 3600, "the API's token lifetime")

  const narrower = await refresh(orders.refresh_token, { scope: 'offline_access read:orders' })
  t.equal(narrower.statusCode, 200)
  const body = narrower.json()
  t.equal(body.id_token, undefined, 'no openid, no id_token')
  t.equal(body.scope, 'offline_access read:orders')
  const claims = await verifyWithServedJwks(app, body.access_token, { issuer: 'http://acme.test/', audience: ORDERS_API })
  t.equal(claims.aud, ORDERS_API, 'the refresh token keeps its API')
  t.equal(claims.scope, 'offline_access read:orders')

  const reports = await login({ audience: REPORTS_API, scope: 'openid offline_access read:reports' })
  t.equal(reports.refresh_token, undefined, 'an API without offline access gives no refresh token')
  t.type(reports.access_token, 'string')
})

t.test('JSON bodies work as form bodies do', async (t) => {
  const { app, login } = await setup(t)
  const { refresh_token: rt } = await login()
  const res = await poster(app, '/oauth/token')({ grant_type: 'refresh_token', client_id: 'mobile', refresh_token: rt, device: 'Alice phone' }, { json: true })
  t.equal(res.statusCode, 200)
  t.type(res.json().refresh_token, 'string')
})
