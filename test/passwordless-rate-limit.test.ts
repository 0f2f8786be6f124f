// /passwordless/start's limits: per client IP, and per phone number or email, each answering 429
// too_many_requests with the rate-limit headers.
import t from 'tap'
import { defaults } from '../src/config.js'
import { buildTestApp } from './helpers/app.js'
import { passwordlessFixture, startLogin } from './helpers/passwordless.js'

const tooMany = { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' }
const limited = (t: Parameters<typeof buildTestApp>[0], limits: Partial<typeof defaults.passwordless>) =>
  buildTestApp(t, { document: passwordlessFixture(), config: { passwordless: { ...defaults.passwordless, ...limits } } })

t.test('per IP: the limit counts every request from one address', async (t) => {
  const app = await limited(t, { startLimitPerIp: 3 })
  for (const [i, phone] of ['+15550000101', '+15550000102', '+15550000103'].entries()) {
    const res = await startLogin(app, { phone_number: phone })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['x-ratelimit-limit'], '3')
    t.equal(res.headers['x-ratelimit-remaining'], String(2 - i))
    t.match(res.headers['x-ratelimit-reset'], /^\d+$/)
  }
  const res = await startLogin(app, { phone_number: '+15550000104' })
  t.equal(res.statusCode, 429)
  t.same(res.json(), tooMany)
  t.equal(res.headers['x-ratelimit-remaining'], '0')
  t.match(res.headers['retry-after'], /^\d+$/)
  t.ok(Number(res.headers['retry-after']) > 3000, 'the window is an hour')

  const elsewhere = await startLogin(app, { phone_number: '+15550000104' }, {}, '10.9.8.7')
  t.equal(elsewhere.statusCode, 200, 'another address has its own count')
})

t.test('per phone number or email: one recipient cannot be flooded from many addresses', async (t) => {
  const app = await limited(t, { startLimitPerRecipient: 2 })
  const first = await startLogin(app, {}, {}, '10.0.0.1')
  t.equal(first.statusCode, 200)
  t.equal(first.headers['x-ratelimit-limit'], '2', 'the headers show the tighter of the two limits')
  t.equal(first.headers['x-ratelimit-remaining'], '1')
  t.equal((await startLogin(app, {}, {}, '10.0.0.2')).statusCode, 200)
  const res = await startLogin(app, {}, {}, '10.0.0.3')
  t.equal(res.statusCode, 429)
  t.same(res.json(), tooMany)
  t.equal(res.headers['x-ratelimit-limit'], '2')
  t.equal(res.headers['x-ratelimit-remaining'], '0')
  t.match(res.headers['retry-after'], /^\d+$/)
  t.equal((await startLogin(app, { phone_number: '+15550000199' }, {}, '10.0.0.3')).statusCode, 200, 'other recipients are not affected')

  const email = (address: string) => startLogin(app, { connection: 'email', phone_number: undefined, email: address }, {}, '10.0.0.4')
  t.equal((await email('Limit@acme.test')).statusCode, 200)
  t.equal((await email('limit@acme.test')).statusCode, 200)
  t.equal((await email('LIMIT@ACME.TEST')).statusCode, 429, 'an email counts whatever its case')
})
