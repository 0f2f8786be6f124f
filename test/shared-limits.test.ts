// Several instances on one PostgreSQL count against the same limits: passwordless start limits
// and request rate limits live in Redis when it is configured, else in the shared store.
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import type { App } from '../src/app.js'
import { defaults, type Config } from '../src/config.js'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { buildTestApp } from './helpers/app.js'
import { passwordlessFixture, startLogin } from './helpers/passwordless.js'
import { freshDatabase } from './helpers/postgres.js'

const tooMany = { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' }

/** Two instances sharing one database (and the Redis, when given). */
async function twoInstances (t: Test, config: Partial<Config>): Promise<[App, App]> {
  const url = await freshDatabase(t)
  const settings = {
    database: { url, poolSize: 4 },
    passwordless: { ...defaults.passwordless, startLimitPerRecipient: 2, startLimitPerIp: 3 },
    ...config,
  }
  const first = await buildTestApp(t, { document: passwordlessFixture(), config: settings })
  const second = await buildTestApp(t, { document: passwordlessFixture(), config: settings })
  return [first, second]
}

for (const [name, config] of [
  ['in the shared store', {}],
  ['in Redis', { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `tollgate-test:${randomUUID()}:` }],
] as Array<[string, Partial<Config>]>) {
  t.test(`passwordless start limits count across instances, ${name}`, async (t) => {
    const [a, b] = await twoInstances(t, config)
    t.equal((await startLogin(a, {}, {}, '10.0.0.1')).statusCode, 200)
    t.equal((await startLogin(b, {}, {}, '10.0.0.2')).statusCode, 200)
    const third = await startLogin(a, {}, {}, '10.0.0.3')
    t.equal(third.statusCode, 429, 'the recipient limit (2) counted both instances')
    t.same(third.json(), tooMany)

    for (const phone of ['+15550000301', '+15550000302']) t.equal((await startLogin(a, { phone_number: phone }, {}, '10.0.0.9')).statusCode, 200)
    t.equal((await startLogin(b, { phone_number: '+15550000303' }, {}, '10.0.0.9')).statusCode, 200)
    const overIp = await startLogin(b, { phone_number: '+15550000304' }, {}, '10.0.0.9')
    t.equal(overIp.statusCode, 429, 'the per-IP limit (3) counted both instances')
    t.same(overIp.json(), tooMany)
  })

  t.test(`request rate limits count across instances, ${name}`, async (t) => {
    const [a, b] = await twoInstances(t, {
      ...config,
      rateLimits: { ...defaults.rateLimits, routes: { '/.well-known/jwks.json': { max: 2, windowSeconds: 60 } } },
    })
    const jwks = (app: App) => app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host: 'acme.test' } })
    t.equal((await jwks(a)).statusCode, 200)
    t.equal((await jwks(b)).statusCode, 200)
    const over = await jwks(a)
    t.equal(over.statusCode, 429)
    t.same(over.json(), tooMany)
    t.match(over.headers['retry-after'], /^\d+$/)
  })
}
