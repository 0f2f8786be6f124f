// Suspicious IP throttling through HTTP: failed logins from one IP across all accounts use up its
// allowance, which refills evenly over the window; then 429 too_many_logins with Retry-After.
// Malformed requests and successful logins do not count.
import t from 'tap'
import { login, protection } from '../helpers/attack.js'
import { buildTestApp, countingHasher } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'

const THROTTLED = {
  error: 'too_many_logins',
  error_description: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.',
}
// Three failures per 300 s: one comes back every 100 s.
const settings = protection({ bruteForce: { enabled: false }, suspiciousIp: { maxFailures: 3, windowSeconds: 300 } })

t.test('failures across accounts throttle the IP, at no hash, with Retry-After', async (t) => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher, now: () => now, config: settings })
  hasher.verifies = 0
  t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
  t.equal((await login(app, { username: 'carol@acme.test', password: 'wrong' })).statusCode, 401)
  t.equal((await login(app, { username: 'nobody@acme.test' })).statusCode, 401)
  const res = await login(app, { username: 'carol@acme.test' })
  t.equal(res.statusCode, 429, 'even a right password')
  t.same(res.json(), THROTTLED)
  t.equal(res.headers['retry-after'], '100')
  t.equal(hasher.verifies, 3, 'the refusal cost no hash')
  t.equal((await login(app, {}, { ip: '198.51.100.7' })).statusCode, 200, 'another IP is not throttled')
})

t.test('attempts come back slowly: one per window / max failures', async (t) => {
  let now = Date.parse('2030-01-01T00:00:00Z')
  const app = await buildTestApp(t, { now: () => now, config: settings })
  for (let i = 0; i < 3; i++) await login(app, { password: 'wrong' })
  t.same((await login(app)).json(), THROTTLED)
  now += 99_000
  t.equal((await login(app)).headers['retry-after'], '1')
  now += 1_000
  t.equal((await login(app, { password: 'wrong' })).statusCode, 401, 'one attempt 100 s later')
  t.same((await login(app)).json(), THROTTLED, 'and only one')
  now += 100_000
  t.equal((await login(app)).statusCode, 200, 'a success gives its place back')
  t.equal((await login(app)).statusCode, 200)
  const throttles = await app.tollgate.store.events({ type: 'throttle', limit: 10 })
  t.equal(throttles.length, 2, 'each failure that used the allowance up is logged as a throttle')
  t.match(throttles[0], { type: 'throttle', ip: '203.0.113.5', detail: 'suspicious_ip' })
})

t.test('malformed requests and successful logins do not count', async (t) => {
  const app = await buildTestApp(t, { config: settings })
  const malformed = [
    { password: undefined }, { connection: 'nowhere' }, { client_id: 'nobody' }, { scope: ['openid'] }, { connection: 'google' },
  ]
  for (let round = 0; round < 2; round++) {
    for (const fields of malformed) t.ok((await login(app, fields)).statusCode < 404, 'refused as malformed')
  }
  for (let i = 0; i < 5; i++) t.equal((await login(app)).statusCode, 200)
  for (let i = 0; i < 3; i++) t.equal((await login(app, { password: 'wrong' })).statusCode, 401, `failure ${i + 1} of 3`)
  t.same((await login(app)).json(), THROTTLED)
})

t.test('a tenant may turn throttling off', async (t) => {
  const document = fixture()
  document.tenants[0].attack_protection = { suspicious_ip_throttling: { enabled: false } }
  const app = await buildTestApp(t, { document, config: settings })
  for (let i = 0; i < 5; i++) t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
  t.equal((await login(app)).statusCode, 200)
})

t.test('the service lifts a throttle at once', async (t) => {
  const app = await buildTestApp(t, { config: settings })
  for (let i = 0; i < 3; i++) await login(app, { password: 'wrong' })
  t.same((await login(app)).json(), THROTTLED)
  const tenant = (await app.tollgate.store.tenantByName('acme'))!
  t.equal(await app.tollgate.attackProtection.unthrottle(tenant, '203.0.113.5'), true)
  t.equal((await login(app)).statusCode, 200)
  t.match(await app.tollgate.store.events({ type: 'unthrottle', limit: 1 }), [{ type: 'unthrottle', ip: '203.0.113.5', detail: 'admin' }])
})
