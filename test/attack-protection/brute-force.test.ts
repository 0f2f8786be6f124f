// Brute-force protection through HTTP: consecutive failures for one account from one IP block it
// there (or everywhere, in account_lockout mode); refusals never cost a hash; parallel attempts
// never get past the threshold; the block lifts with time, a password change or an unblock, and
// survives a restart.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { login, protection, TEST_REDIS_URL } from '../helpers/attack.js'
import { buildTestApp, countingHasher, provision, testConfig } from '../helpers/app.js'
import { fixture, PASSWORD } from '../helpers/fixture.js'
import { startUserStore } from '../helpers/user-store-server.js'

const BLOCKED = { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' }
const WRONG = { error: 'invalid_user_password', error_description: 'Wrong email or password.' }

t.test('with the defaults, 10 consecutive failures block the account from that IP, without another hash', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher })
  hasher.verifies = 0
  for (let i = 0; i < 10; i++) {
    const res = await login(app, { password: `wrong ${i}` })
    t.equal(res.statusCode, 401)
    t.same(res.json(), WRONG)
  }
  t.equal(hasher.verifies, 10)
  const blocked = await login(app, { password: PASSWORD })
  t.equal(blocked.statusCode, 429, 'even the right password is refused')
  t.same(blocked.json(), BLOCKED)
  t.equal(hasher.verifies, 10, 'the refusal cost no hash')
  t.equal((await login(app, { password: PASSWORD }, { ip: '198.51.100.7' })).statusCode, 200, 'another IP still logs in')
})

for (const backend of ['store', 'redis'] as const) {
  t.test(`parallel wrong passwords: no more than the threshold are verified (${backend})`, async (t) => {
    const hasher = countingHasher()
    const app = await buildTestApp(t, {
      hasher,
      config: {
        ...protection({ bruteForce: { threshold: 3 }, rateLimits: { perAccount: { max: 1000, windowSeconds: 60 } } }),
        ...(backend === 'redis' ? { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } : {}),
      },
    })
    hasher.verifies = 0
    const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => login(app, { password: `wrong ${i}` })))
    const statuses = responses.map((r) => r.statusCode)
    t.equal(statuses.filter((s) => s === 401).length, 3, 'three verified and wrong')
    t.equal(statuses.filter((s) => s === 429).length, 22, 'the rest refused')
    t.equal(hasher.verifies, 3, 'exactly the threshold got a password verify')
    t.same(responses.find((r) => r.statusCode === 429)!.json(), BLOCKED)
  })
}

t.test('a success resets the count', async (t) => {
  const app = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 3 } }) })
  for (let round = 0; round < 3; round++) {
    t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
    t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
    t.equal((await login(app)).statusCode, 200, `round ${round}: two failures, then the right password`)
  }
})

t.test('an unknown account is counted like a known one, and email and username name the same account', async (t) => {
  const app = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 2 } }) })
  await login(app, { username: 'nobody@acme.test' })
  await login(app, { username: 'nobody@acme.test' })
  t.same((await login(app, { username: 'nobody@acme.test' })).json(), BLOCKED, 'no account to find out from the answers')

  t.equal((await login(app, { username: 'alice', password: 'wrong' })).statusCode, 401)
  t.equal((await login(app, { username: 'alice@acme.test', password: 'wrong' })).statusCode, 401)
  t.same((await login(app, { username: 'alice' })).json(), BLOCKED)
  t.same((await login(app, { username: 'alice@acme.test' })).json(), BLOCKED)
})

t.test('account lockout mode blocks the account from every IP', async (t) => {
  const app = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 2, mode: 'account_lockout' } }) })
  await login(app, { password: 'wrong' }, { ip: '203.0.113.5' })
  await login(app, { password: 'wrong' }, { ip: '198.51.100.7' })
  const res = await login(app, {}, { ip: '192.0.2.44' })
  t.equal(res.statusCode, 429)
  t.same(res.json(), BLOCKED)
  t.equal((await login(app, { username: 'carol@acme.test' }, { ip: '192.0.2.44' })).statusCode, 200, 'other accounts are not affected')
})

t.test('a tenant sets its own threshold in its provisioning file', async (t) => {
  const document = fixture()
  document.tenants[0].attack_protection = { brute_force: { threshold: 2 } }
  const app = await buildTestApp(t, { document })
  await login(app, { password: 'wrong' })
  await login(app, { password: 'wrong' })
  t.same((await login(app)).json(), BLOCKED)
})

t.test('an allow-listed IP is never blocked', async (t) => {
  const app = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 1 }, allowList: ['203.0.113.0/24'] }) })
  for (let i = 0; i < 3; i++) t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
  t.equal((await login(app)).statusCode, 200)
  await login(app, { password: 'wrong' }, { ip: '198.51.100.7' })
  t.same((await login(app, {}, { ip: '198.51.100.7' })).json(), BLOCKED, 'others are')
})

t.test('the block lifts a set time after the last attempt', async (t) => {
  let now = Date.parse('2030-01-01T00:00:00Z')
  const app = await buildTestApp(t, { now: () => now, config: protection({ bruteForce: { threshold: 1, blockSeconds: 60 } }) })
  await login(app, { password: 'wrong' })
  now += 30_000
  t.same((await login(app)).json(), BLOCKED, '30 s later: still blocked (and this attempt counts)')
  now += 59_000
  t.same((await login(app)).json(), BLOCKED, '59 s after the last attempt: still blocked')
  now += 60_000
  t.equal((await login(app)).statusCode, 200, '60 s after the last attempt: lifted')
})

t.test('a password change lifts the block', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { config: { dataDir, ...protection({ bruteForce: { threshold: 1 } }) } })
  await login(app, { password: 'wrong' })
  t.same((await login(app)).json(), BLOCKED)
  const changed = fixture()
  changed.tenants[0].users[0].password = 'a brand new passphrase'
  await provision(testConfig(t, { dataDir }), changed)
  t.equal((await login(app, { password: 'a brand new passphrase' })).statusCode, 200)
})

t.test('an attempt that ends without a verdict (user store down) is not counted', async (t) => {
  const userStore = await startUserStore(t)
  const app = await buildTestApp(t, { document: fixture({ loginUrl: userStore.url }), config: protection({ bruteForce: { threshold: 1 } }) })
  for (let i = 0; i < 3; i++) {
    const res = await login(app, { connection: 'legacy-db', username: 'broken@legacy.test' })
    t.equal(res.statusCode, 503, `attempt ${i}: the store's failure, not a block`)
  }
})

t.test('an administratively blocked user is told so only after the right password', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher })
  hasher.verifies = 0
  const res = await login(app, { username: 'bob@acme.test' })
  t.equal(res.statusCode, 401)
  t.same(res.json(), { error: 'unauthorized', error_description: 'user is blocked' })
  t.equal(hasher.verifies, 1, 'the password is verified first: a refusal before it would reveal the block to anyone')
  const wrong = await login(app, { username: 'bob@acme.test', password: 'not the password' })
  t.same(wrong.json(), { error: 'invalid_user_password', error_description: 'Wrong email or password.' }, 'a wrong password: as for anyone')
})

for (const backend of ['store', 'redis'] as const) {
  t.test(`a block survives a restart (${backend})`, async (t) => {
    const settings = {
      dataDir: t.testdir(),
      ...protection({ bruteForce: { threshold: 2 } }),
      ...(backend === 'redis' ? { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } : {}),
    }
    const first = await buildTestApp(t, { config: settings })
    await login(first, { password: 'wrong' })
    await login(first, { password: 'wrong' })
    await first.close()

    const second = await buildApp({ config: testConfig(t, settings) })
    t.teardown(() => second.close())
    const res = await login(second)
    t.equal(res.statusCode, 429)
    t.same(res.json(), BLOCKED)
  })
}

t.test('failed logins and blocks are written to the audit log, without the password', async (t) => {
  const app = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 2 } }) })
  await login(app, { password: 'hunter2-secret' })
  await login(app, { username: 'nobody@acme.test', password: 'hunter2-secret' })
  await login(app, { password: 'hunter2-secret' })
  await login(app, { username: 'bob@acme.test' })
  const events = await app.tollgate.store.events({ limit: 10 })
  t.match(events.map(({ createdAt: _, tenantId: __, ...e }) => e), [
    { type: 'failed_login', clientId: 'spa', connection: 'db', userId: String, login: 'bob@acme.test', ip: '203.0.113.5', detail: 'user_blocked' },
    { type: 'block', clientId: 'spa', connection: 'db', userId: 'auth0|alice', login: 'alice@acme.test', ip: '203.0.113.5', detail: 'per_ip' },
    { type: 'failed_login', userId: 'auth0|alice', login: 'alice@acme.test', detail: 'wrong_password' },
    { type: 'failed_login', userId: null, login: 'nobody@acme.test', detail: 'wrong_password' },
    { type: 'failed_login', userId: 'auth0|alice', login: 'alice@acme.test', detail: 'wrong_password' },
  ])
  t.equal(events.length, 5)
  t.notMatch(JSON.stringify(events), /hunter2|correct horse/, 'no password anywhere')
})
