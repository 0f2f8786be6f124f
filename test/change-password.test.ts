// POST /dbconnections/change_password: Auth0's one answer whether or not the user exists, an email
// with a reset link only for a user of the database connection, its 400s, and its limits per IP and
// email and per email. Emails are read from a real SMTP server in the test process.
import t from 'tap'
import { buildApp } from '../src/app.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import { buildTestApp, testConfig } from './helpers/app.js'
import { CHANGE_PASSWORD_ANSWER, changePasswordRequest, FROM, recoveryFixture } from './helpers/recovery.js'
import { linkIn, startSmtpServer } from './helpers/smtp.js'

const invalidRequest = (description: string) => ({ error: 'invalid_request', error_description: description })

t.test('the same answer for a user and for nobody; an email only for the user', async (t) => {
  const smtp = await startSmtpServer(t)
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port) })

  const known = await app.inject(changePasswordRequest({ client_id: 'spa', email: 'Alice@Acme.test', connection: 'db' }))
  const unknown = await app.inject(changePasswordRequest({ client_id: 'spa', email: 'nobody@acme.test', connection: 'db' }))
  for (const res of [known, unknown]) {
    t.equal(res.statusCode, 200)
    t.equal(res.body, CHANGE_PASSWORD_ANSWER)
    t.equal(res.headers['content-type'], 'text/plain; charset=utf-8')
  }
  t.same(Object.keys(known.headers).filter((h) => h.startsWith('x-ratelimit')).sort(), ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
  // A username is not an email: nothing is sent for it (and the answer is the same).
  t.equal((await app.inject(changePasswordRequest({ email: 'alice@acme', connection: 'db' }))).statusCode, 400)
  await app.tollgate.mailer.idle()

  t.equal(smtp.received.length, 1, 'one email, to the user that exists')
  const [email] = smtp.received
  t.same(email.to, ['alice@acme.test'])
  t.equal(email.headers.from, FROM)
  t.equal(email.subject, 'Reset your password')
  t.match(email.text, /expires in 5 days/)
  const link = linkIn(email)
  t.equal(`${link.origin}${link.pathname}`, 'http://acme.test/lo/reset', 'the link opens the reset page under the tenant\'s issuer')
  t.ok(link.searchParams.get('ticket')!.length >= 43, '32 random bytes')
})

t.test('client_id is optional; users of other connections and tenants get nothing', async (t) => {
  const smtp = await startSmtpServer(t)
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port) })
  const res = await app.inject(changePasswordRequest({ email: 'alice@acme.test', connection: 'db' }))
  t.equal(res.statusCode, 200)
  t.equal(res.body, CHANGE_PASSWORD_ANSWER)
  // alice@acme.test also exists in the other tenant: that user is not this one.
  t.equal((await app.inject({ ...changePasswordRequest({ email: 'alice@acme.test', connection: 'other-db' }), headers: { host: 'other.test', 'content-type': 'application/json' } })).statusCode, 200)
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 1, 'acme sends through its SMTP server')
  t.match(linkIn(smtp.received[0]).host, 'acme.test')
  const [kept] = await app.tollgate.store.latestOutboxMessages(1)
  t.match(kept, { channel: 'email', recipient: 'alice@acme.test', connection: 'other-db', subject: 'Reset your password' },
    'the other tenant has no email settings: its email waits in the development outbox')
  t.match(kept.text, /http:\/\/other\.test\/lo\/reset\?ticket=/)
})

t.test('the documented 400s (and 403 for an unknown client)', async (t) => {
  const smtp = await startSmtpServer(t)
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port) })
  const cases: Array<[string, Record<string, unknown>, number, unknown]> = [
    ['missing email', { client_id: 'spa', connection: 'db' }, 400, invalidRequest('missing email parameter')],
    ['missing connection', { client_id: 'spa', email: 'alice@acme.test' }, 400, invalidRequest('missing connection parameter')],
    ['email not a string', { email: ['alice@acme.test'], connection: 'db' }, 400, invalidRequest('email parameter must be a string')],
    ['not an email', { email: 'alice', connection: 'db' }, 400, invalidRequest('email parameter is not a valid email address')],
    ['unknown connection', { email: 'alice@acme.test', connection: 'nope' }, 400, invalidRequest('the connection was not found')],
    ['connection of another tenant', { email: 'alice@acme.test', connection: 'other-db' }, 400, invalidRequest('the connection was not found for tenant acme')],
    ['connection of another strategy', { email: 'alice@acme.test', connection: 'google' }, 400, invalidRequest('specified strategy does not support requested operation')],
    ['custom database', { email: 'alice@acme.test', connection: 'legacy-db' }, 400, invalidRequest('specified strategy does not support requested operation')],
    ['connection not enabled for the client', { client_id: 'spa', email: 'alice@acme.test', connection: 'disabled-db' }, 400, invalidRequest('the connection was disabled')],
    ['unknown client', { client_id: 'nope', email: 'alice@acme.test', connection: 'db' }, 403, { error: 'unauthorized_client', error_description: 'invalid client' }],
  ]
  for (const [name, body, status, answer] of cases) {
    const res = await app.inject(changePasswordRequest(body))
    t.equal(res.statusCode, status, `${name}: status`)
    t.same(res.json(), answer, `${name}: body`)
  }
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 0, 'nothing sent')
})

t.test('limits: a bucket per IP and email, and one per email from any IP', async (t) => {
  const smtp = await startSmtpServer(t)
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { trustProxy: true, changePassword: { burst: 2, refillSeconds: 60 } } })
  const from = (ip: string, email = 'nobody@acme.test') => app.inject(changePasswordRequest({ email, connection: 'db' }, { 'x-forwarded-for': ip }))

  const first = await from('198.51.100.1')
  t.equal(first.headers['x-ratelimit-limit'], '2')
  t.equal(first.headers['x-ratelimit-remaining'], '1')
  t.equal((await from('198.51.100.1')).statusCode, 200)
  const refused = await from('198.51.100.1')
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' })
  t.ok(Number(refused.headers['retry-after']) > 0 && Number(refused.headers['retry-after']) <= 60, 'Retry-After: one refill away')
  t.equal(refused.headers['x-ratelimit-remaining'], '0')

  t.equal((await from('198.51.100.1', 'someone@acme.test')).statusCode, 200, 'another email from the same IP has its own bucket')
  t.equal((await from('203.0.113.9')).statusCode, 429, 'the same email from another IP: its per-email bucket is empty')
  // Unknown and known users are limited alike: the 429 says nothing about existence either.
  t.equal((await from('203.0.113.9', 'alice@acme.test')).statusCode, 200)
  t.equal((await from('203.0.113.9', 'alice@acme.test')).statusCode, 200)
  t.equal((await from('203.0.113.9', 'alice@acme.test')).statusCode, 429)
})

t.test('limits shared through Redis when it is configured', async (t) => {
  const smtp = await startSmtpServer(t)
  const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL
  if (!redisUrl) return t.fail('set TOLLGATE_TEST_REDIS_URL to a redis-server (e.g. redis://127.0.0.1:6379) to run this test')
  const config = { redisUrl, redisKeyPrefix: `tollgate-test-${process.pid}-${Date.now()}:`, changePassword: { burst: 1, refillSeconds: 60 } }
  const document = recoveryFixture(smtp.port)
  const one = await buildTestApp(t, { document, config })
  // A second instance on the same store (and the same Redis).
  const two = await buildApp({ config: testConfig(t, { ...config, dataDir: one.tollgate.config.dataDir }) })
  t.teardown(() => two.close())
  t.equal((await one.inject(changePasswordRequest({ email: 'nobody@acme.test', connection: 'db' }))).statusCode, 200)
  t.equal((await two.inject(changePasswordRequest({ email: 'nobody@acme.test', connection: 'db' }))).statusCode, 429, 'the other instance sees the same bucket')
})

t.test('the answer never waits for the user lookup (so its timing cannot tell)', async (t) => {
  const smtp = await startSmtpServer(t)
  const dataDir = t.testdir()
  const real = await openSqliteStore(dataDir)
  t.teardown(() => real.close())
  // The lookup of a user by email is held until the answer has been received.
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  let lookups = 0
  const store = new Proxy(real, {
    get (target, name, receiver) {
      if (name === 'userByLogin') return async (...args: [string, string]) => { lookups++; await held; return target.userByLogin(...args) }
      const value = Reflect.get(target, name, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const app = await buildTestApp(t, { document: recoveryFixture(smtp.port), config: { dataDir }, store })
  for (const email of ['alice@acme.test', 'nobody@acme.test']) {
    const res = await app.inject(changePasswordRequest({ email, connection: 'db' }))
    t.equal(res.body, CHANGE_PASSWORD_ANSWER, `${email}: answered while its lookup is still held`)
  }
  t.equal(lookups, 2, 'the lookups started, and had not finished')
  release()
  await app.tollgate.mailer.idle()
  t.equal(smtp.received.length, 1, 'then the email went to the user that exists')
})
