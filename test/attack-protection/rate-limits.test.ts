// Request rate limits through HTTP (@fastify/rate-limit): per IP on every endpoint, each endpoint
// with its own budget (429 too_many_requests); per IP and account on the credential endpoints
// (429 too_many_attempts). Headers: x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset
// (UNIX time, as Auth0 sends it) and Retry-After on a 429.
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.js'
import { login, protection, TEST_REDIS_URL } from '../helpers/attack.js'
import { buildTestApp, countingHasher } from '../helpers/app.js'

const TOO_MANY_REQUESTS = { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' }
const TOO_MANY_ATTEMPTS = { error: 'too_many_attempts', error_description: 'Too many login attempts for this account. Try again later.' }

const get = (app: App, url: string, ip = '203.0.113.5') => app.inject({ method: 'GET', url, remoteAddress: ip, headers: { host: 'acme.test' } })

/** x-ratelimit-reset is a UNIX time within the window; Retry-After is seconds within it. */
function checkReset (t: Test, headers: Record<string, unknown>, windowSeconds: number) {
  const now = Math.floor(Date.now() / 1000)
  const reset = Number(headers['x-ratelimit-reset'])
  t.ok(reset >= now - 1 && reset <= now + windowSeconds + 1, `x-ratelimit-reset ${reset} is a UNIX time within the window`)
}

t.test('per IP: each endpoint has its budget, then 429 too_many_requests with the headers', async (t) => {
  const app = await buildTestApp(t, { config: protection({ rateLimits: { routes: { '/.well-known/jwks.json': { max: 2, windowSeconds: 60 } } } }) })
  const first = await get(app, '/.well-known/jwks.json')
  t.equal(first.statusCode, 200)
  t.match(first.headers, { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' })
  checkReset(t, first.headers, 60)
  t.equal((await get(app, '/.well-known/jwks.json')).headers['x-ratelimit-remaining'], '0')

  const refused = await get(app, '/.well-known/jwks.json')
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), TOO_MANY_REQUESTS)
  t.match(refused.headers, { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0', 'content-type': 'application/json; charset=utf-8' })
  t.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60, 'Retry-After in seconds')
  checkReset(t, refused.headers, 60)

  const other = await get(app, '/.well-known/openid-configuration')
  t.equal(other.statusCode, 200, 'another endpoint has its own budget')
  t.equal(other.headers['x-ratelimit-limit'], '300', 'the default one')
  t.equal((await get(app, '/.well-known/jwks.json', '198.51.100.7')).statusCode, 200, 'another IP has its own')
})

t.test('per IP: unknown paths are limited too', async (t) => {
  const app = await buildTestApp(t, { config: protection({ rateLimits: { perIp: { max: 1, windowSeconds: 60 } } }) })
  t.equal((await get(app, '/nope')).statusCode, 404)
  const refused = await get(app, '/nope')
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), TOO_MANY_REQUESTS)
})

t.test('per IP and account: attempts, successful or not, then 429 too_many_attempts at no hash', async (t) => {
  const hasher = countingHasher()
  const app = await buildTestApp(t, { hasher, config: protection({ rateLimits: { perAccount: { max: 3, windowSeconds: 60 } } }) })
  hasher.verifies = 0
  const first = await login(app)
  t.equal(first.statusCode, 200)
  t.match(first.headers, { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '2' }, 'the tighter limit is the one shown')
  t.equal((await login(app, { password: 'wrong' })).statusCode, 401)
  t.equal((await login(app, { username: 'ALICE@acme.test' })).statusCode, 200, 'the same account, however it is written')
  const refused = await login(app)
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), TOO_MANY_ATTEMPTS)
  t.match(refused.headers, { 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' })
  t.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60)
  checkReset(t, refused.headers, 60)
  t.equal(hasher.verifies, 3)

  t.equal((await login(app, { username: 'carol@acme.test' })).statusCode, 200, 'another account from the same IP')
  t.equal((await login(app, {}, { ip: '198.51.100.7' })).statusCode, 200, 'the same account from another IP')
})

t.test('an allow-listed address is not limited, and limits can be turned off', async (t) => {
  const allowed = await buildTestApp(t, { config: protection({ rateLimits: { perIp: { max: 1, windowSeconds: 60 }, perAccount: { max: 1, windowSeconds: 60 }, allowList: ['203.0.113.0/28'] } }) })
  for (let i = 0; i < 3; i++) t.equal((await login(allowed)).statusCode, 200)
  t.equal((await login(allowed, {}, { ip: '198.51.100.7' })).statusCode, 200)
  t.equal((await login(allowed, {}, { ip: '198.51.100.7' })).statusCode, 429, 'others are limited')

  const off = await buildTestApp(t, { config: protection({ rateLimits: { enabled: false, perIp: { max: 1, windowSeconds: 60 }, perAccount: { max: 1, windowSeconds: 60 } } }) })
  for (let i = 0; i < 3; i++) {
    const res = await login(off)
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-ratelimit-limit'], undefined)
  }
})

t.test('with Redis, instances share their counters', async (t) => {
  const config = {
    ...protection({ rateLimits: { perIp: { max: 2, windowSeconds: 60 } } }),
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix: `tollgate-test:${randomUUID()}:`,
  }
  const one = await buildTestApp(t, { config })
  const two = await buildTestApp(t, { config })
  t.equal((await get(one, '/.well-known/jwks.json')).statusCode, 200)
  t.equal((await get(two, '/.well-known/jwks.json')).headers['x-ratelimit-remaining'], '0', 'the second instance saw the first request')
  t.same((await get(one, '/.well-known/jwks.json')).json(), TOO_MANY_REQUESTS)
})
