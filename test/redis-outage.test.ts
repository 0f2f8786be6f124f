// Redis (attack-protection state and rate-limit counters) going away and coming back: a login
// whose failures cannot be counted is refused 503 temporarily_unavailable (never let through
// uncounted), request limits step aside (they are an availability aid), and everything works again
// once Redis is back, without a restart.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import { latestCode, otpLogin, PHONE, passwordlessFixture, post, startLogin } from './helpers/passwordless.js'
import { outageRelay } from './helpers/postgres.js'

const UNAVAILABLE = { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable. Try again shortly.' }
const DEADLINE_MS = 15_000
/** Every answer while Redis is down comes at once: no request waits on reconnection attempts. */
const ANSWER_WITHIN_MS = 5000

/** Logs in every 100 ms until a login succeeds or DEADLINE_MS passes; the last status. */
async function statusOnceLoginsWork (login: () => Promise<{ statusCode: number }>): Promise<number> {
  const deadline = Date.now() + DEADLINE_MS
  let status = 0
  while (status !== 200 && Date.now() < deadline) {
    status = (await login()).statusCode
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return status
}

t.test('Redis stops, then starts again', async (t) => {
  const relay = await outageRelay(t, TEST_REDIS_URL)
  const app = await buildTestApp(t, { document: passwordlessFixture(), config: { redisUrl: relay.url, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } })
  const login = (password: string) => app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ password }) })
  const jwks = () => app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
  const tokenLogin = () => post(app, '/oauth/token', { grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access' })
  const refresh = (token: string) => post(app, '/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: token })
  /** Sends while Redis is down: the answer must not be held back. */
  const promptly = async <T>(what: string, send: () => Promise<T>): Promise<T> => {
    const started = Date.now()
    const res = await send()
    t.ok(Date.now() - started < ANSWER_WITHIN_MS, `${what}: answered, not held while Redis is retried`)
    return res
  }
  t.equal((await login(PASSWORD)).statusCode, 200, 'before')
  const session = await tokenLogin()
  t.equal(session.statusCode, 200)
  t.equal((await startLogin(app, {})).statusCode, 200)
  const code = await latestCode(app, PHONE)

  await relay.cut()
  for (const password of ['wrong', PASSWORD]) {
    const res = await promptly('a login', () => login(password))
    t.equal(res.statusCode, 503, `a login (${password === PASSWORD ? 'right' : 'wrong'} password) is refused, not let through uncounted`)
    t.same(res.json(), UNAVAILABLE)
    t.equal(res.headers['retry-after'], '1')
  }
  const grant = await promptly('the password grant', tokenLogin)
  t.equal(grant.statusCode, 503, 'the password grant of /oauth/token is refused the same way')
  t.same(grant.json(), UNAVAILABLE)
  const otp = await promptly('a code login', () => otpLogin(app, 'sms', PHONE, code))
  t.equal(otp.statusCode, 503, 'a login with a passwordless code is refused: its wrong guesses could not be counted')
  t.same(otp.json(), UNAVAILABLE)
  t.equal(otp.headers['retry-after'], '1')
  const start = await promptly('a passwordless start', () => startLogin(app, {}))
  t.equal(start.statusCode, 503, 'a passwordless start is refused: its limits cannot be counted')
  t.same(start.json(), UNAVAILABLE)
  t.equal((await promptly('the JWKS', jwks)).statusCode, 200, 'requests that need no counter go on')
  const rotated = await promptly('a refresh', () => refresh(session.json().refresh_token))
  t.equal(rotated.statusCode, 200, 'refresh tokens keep being served (request limits step aside)')

  await relay.restore()
  t.equal(await statusOnceLoginsWork(() => login(PASSWORD)), 200, `logins work again within ${DEADLINE_MS} ms of Redis coming back`)
  t.equal((await otpLogin(app, 'sms', PHONE, code)).statusCode, 200, 'the code refused meanwhile was not used up')
})

t.test('Redis stops answering but keeps its connection, then answers again', async (t) => {
  const relay = await outageRelay(t, TEST_REDIS_URL)
  const app = await buildTestApp(t, { config: { redisUrl: relay.url, redisKeyPrefix: `tollgate-test:${randomUUID()}:` } })
  const login = (password: string) => app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ password }) })
  t.equal((await login(PASSWORD)).statusCode, 200, 'before')

  relay.stall()
  for (const password of ['wrong', PASSWORD]) {
    const started = Date.now()
    const res = await login(password)
    t.ok(Date.now() - started < ANSWER_WITHIN_MS, 'answered, not held until Redis answers')
    t.equal(res.statusCode, 503, `a login (${password === PASSWORD ? 'right' : 'wrong'} password) is refused, not let through uncounted`)
    t.same(res.json(), UNAVAILABLE)
  }
  const started = Date.now()
  const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
  t.equal(jwks.statusCode, 200, 'requests that need no counter go on (request limits step aside)')
  t.ok(Date.now() - started < ANSWER_WITHIN_MS, 'and are answered promptly')

  relay.unstall()
  t.equal(await statusOnceLoginsWork(() => login(PASSWORD)), 200, `logins work again within ${DEADLINE_MS} ms of Redis answering again`)
})
