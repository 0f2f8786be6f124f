// Three real instances (`tollgate serve` processes on loopback) sharing one PostgreSQL and one
// Redis, requests spread across them: what must be decided once is decided once, whichever
// instance each request reaches.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { loadConfig } from '../src/config.js'
import { openPostgresStore } from '../src/store/postgres.js'
import { provision, TEST_ARGON2 } from './helpers/app.js'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { PASSWORD } from './helpers/fixture.js'
import { startInstance, type Instance } from './helpers/instances.js'
import { assertion, JWT_BEARER, jwtBearerFixture, keys } from './helpers/jwt-bearer.js'
import { PHONE, passwordlessFixture } from './helpers/passwordless.js'
import { freshDatabase } from './helpers/postgres.js'

const THRESHOLD = 4
const START_LIMIT = 3

/** The jwt-bearer fixture (stable keys) with the passwordless sms connection and its client. */
function document () {
  const doc = jwtBearerFixture()
  const passwordless = passwordlessFixture().tenants[0]
  doc.tenants[0].connections.push(passwordless.connections.find((c) => c.name === 'sms')!)
  doc.tenants[0].clients.push(passwordless.clients.find((c) => c.client_id === 'app')!)
  return doc
}

const url = await freshDatabase(t)
await provision(loadConfig({}, { database: { url, poolSize: 2 }, argon2: TEST_ARGON2 }), document())
const env = {
  TOLLGATE_DATABASE_URL: url,
  TOLLGATE_DATABASE_POOL_SIZE: '4',
  TOLLGATE_REDIS_URL: TEST_REDIS_URL,
  TOLLGATE_REDIS_KEY_PREFIX: `tollgate-test:${randomUUID()}:`,
  TOLLGATE_BRUTE_FORCE_THRESHOLD: String(THRESHOLD),
  TOLLGATE_ACCOUNT_RATE_LIMIT_MAX: '1000',
  TOLLGATE_RATE_LIMIT_MAX: '10000',
  TOLLGATE_PASSWORDLESS_START_LIMIT_PER_RECIPIENT: String(START_LIMIT),
}
const instances: Instance[] = await Promise.all([1, 2, 3].map(() => startInstance(t, env)))
/** The i-th request goes to the i-th instance, round robin. */
const on = (i: number) => instances[i % instances.length]

const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }

t.test('parallel wrong passwords across instances never pass the brute-force threshold', async (t) => {
  const replies = await Promise.all(Array.from({ length: 18 }, (_, i) => on(i).post('/oauth/ro', {
    grant_type: 'password', client_id: 'spa', connection: 'db', username: 'carol@acme.test', password: `wrong ${i}`, scope: 'openid',
  })))
  const statuses = replies.map((r) => r.status)
  t.equal(statuses.filter((s) => s === 401).length, THRESHOLD, 'exactly the threshold were verified')
  t.equal(statuses.filter((s) => s === 429).length, 18 - THRESHOLD, 'the rest were refused')
  const right = await on(1).post('/oauth/ro', { grant_type: 'password', client_id: 'spa', connection: 'db', username: 'carol@acme.test', password: PASSWORD, scope: 'openid' })
  t.equal(right.status, 429, 'blocked on every instance, even with the right password')
  t.same(right.json(), { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' })
})

t.test('a refresh token redeemed on several instances at once rotates once; its reuse revokes the family', async (t) => {
  const login = await on(0).post('/oauth/token', {
    grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access',
  })
  t.equal(login.status, 200)
  const shared = login.json().refresh_token
  const replies = await Promise.all(instances.flatMap((instance) => [1, 2].map(() =>
    instance.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: shared }))))
  const winners = replies.filter((r) => r.status === 200)
  t.equal(winners.length, 1, 'one rotation')
  for (const r of replies.filter((r) => r.status !== 200)) {
    t.equal(r.status, 403)
    t.same(r.json(), INVALID_GRANT)
  }
  // Whether a loser read the token before or after the winner's rotation is a matter of timing
  // (after it, the loser is a reuse and revokes the family): only "once" is certain.
  const login2 = await on(0).post('/oauth/token', {
    grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access',
  })
  const family = login2.json().refresh_token
  const rotated = (await on(1).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: family })).json().refresh_token
  t.equal((await on(2).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: family })).status, 403, 'reuse on a third instance')
  const descendant = await on(0).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: rotated })
  t.equal(descendant.status, 403, 'the live descendant was revoked with its family')
  t.same(descendant.json(), INVALID_GRANT)
})

t.test('one assertion jti succeeds once across instances', async (t) => {
  const shared = await assertion('robot', keys.robotRsa)
  const replies = await Promise.all(instances.flatMap((instance) => [1, 2].map(() =>
    instance.post('/oauth/token', { grant_type: JWT_BEARER, audience: 'https://api.acme.test/', assertion: shared }))))
  t.equal(replies.filter((r) => r.status === 200).length, 1)
  t.equal(replies.filter((r) => r.status !== 200).length, 5, 'the others refused')
  t.match(replies.find((r) => r.status !== 200)!.json(), { error: 'invalid_grant' })
})

t.test('a passwordless code works once, and start limits count across instances', async (t) => {
  const start = (i: number) => on(i).post('/passwordless/start', { client_id: 'app', connection: 'sms', phone_number: PHONE, send: 'code' })
  t.equal((await start(0)).status, 200)
  const store = await openPostgresStore({ url, poolSize: 1 })
  t.teardown(() => store.close())
  const messages = (await store.latestOutboxMessages(100)).filter((m) => m.recipient === PHONE)
  const code = /code is: (\d{6})/.exec(messages.at(-1)!.text)![1]
  const replies = await Promise.all(instances.map((instance) => instance.post('/oauth/token', {
    grant_type: 'http://auth0.com/oauth/grant-type/passwordless/otp', client_id: 'app', realm: 'sms', username: PHONE, otp: code, scope: 'openid',
  })))
  t.equal(replies.filter((r) => r.status === 200).length, 1, 'the code logged in once')
  for (const r of replies.filter((r) => r.status !== 200)) t.equal(r.status, 403)

  t.equal((await start(1)).status, 200)
  t.equal((await start(2)).status, 200)
  const over = await start(0)
  t.equal(over.status, 429, `the recipient limit (${START_LIMIT}) counted starts on all three instances`)
  t.same(over.json(), { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' })
})
