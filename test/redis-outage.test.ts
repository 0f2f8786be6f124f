// Redis (attack-protection state and rate-limit counters) going away and coming back: a login
// whose failures cannot be counted is refused 503 temporarily_unavailable (never let through
// uncounted), request limits step aside (they are an availability aid), and everything works again
// once Redis is back, without a restart.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { passwordlessFixture, startLogin } from './helpers/passwordless.js'
import { outageRelay } from './helpers/postgres.js'

const UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again shortly.' }
const DEADLINE_MS = 15_000

t.test('Redis stops, then starts again', async (t) => {
  const relay = await outageRelay(t, TEST_REDIS_URL)
  const app = await buildTestApp(t, { document: passwordlessFixture(), config: { redisUrl: relay.url, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } })
  const login = (password: string) => app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ password }) })
  const jwks = () => app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
  t.equal((await login(PASSWORD)).statusCode, 200, 'before')

  await relay.cut()
  for (const password of ['wrong', PASSWORD]) {
    const res = await login(password)
    t.equal(res.statusCode, 503, `a login (${password === PASSWORD ? 'right' : 'wrong'} password) is refused, not let through uncounted`)
    t.same(res.json(), UNAVAILABLE)
    t.equal(res.headers['retry-after'], '1')
  }
  const start = await startLogin(app, {})
  t.equal(start.statusCode, 503, 'a passwordless start is refused: its limits cannot be counted')
  t.same(start.json(), UNAVAILABLE)
  t.equal((await jwks()).statusCode, 200, 'requests that need no counter go on')

  await relay.restore()
  const deadline = Date.now() + DEADLINE_MS
  let status = 0
  while (status !== 200 && Date.now() < deadline) {
    status = (await login(PASSWORD)).statusCode
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(status, 200, `logins work again within ${DEADLINE_MS} ms of Redis coming back`)
})
