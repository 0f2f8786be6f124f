// Passwordless login end to end through HTTP: start, read the code from the development outbox,
// verify it by each of the three routes; and the rules a code lives by.
import Database from 'better-sqlite3'
import path from 'node:path'
import t, { type Test } from 'tap'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp } from './helpers/app.js'
import {
  APP_CALLBACK, BLOCKED_PHONE, PHONE, WEB_CALLBACK, latestCode, otpLogin, outboxFor, passwordlessFixture, roLogin,
  startLogin, verifyLogin, wrongCode,
} from './helpers/passwordless.js'
import { verifyWithServedJwks } from './helpers/tokens.js'

const wrongPhone = { error: 'invalid_grant', error_description: 'Wrong phone number or verification code.' }

async function setup (t: Test, logLines?: string[]) {
  const dataDir = t.testdir()
  const logStream = logLines && { write: (line: string) => { logLines.push(line) } }
  const app = await buildTestApp(t, {
    document: passwordlessFixture(),
    config: { dataDir, ...(logLines ? { logLevel: 'trace' as const } : {}) },
    ...(logStream ? { logStream } : {}),
  })
  const withDb = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(path.join(dataDir, SQLITE_FILE))
    try {
      return work(db)
    } finally {
      db.close()
    }
  }
  const rows = (query: string, ...params: unknown[]) => withDb((db) => db.prepare(query).all(...params) as any[])
  const run = (query: string, ...params: unknown[]) => { withDb((db) => db.prepare(query).run(...params)) }
  return { app, rows, run }
}

t.test('SMS: start, the code from the outbox, /oauth/ro logs in and creates the user once', async (t) => {
  const { app } = await setup(t)
  const started = await startLogin(app, {})
  t.equal(started.statusCode, 200)
  t.same(Object.keys(started.json()).sort(), ['_id', 'phone_number'])
  t.match(started.json(), { _id: /^[0-9a-f]{24}$/, phone_number: PHONE })

  const [message] = await outboxFor(app, PHONE)
  t.match(message, { channel: 'sms', connection: 'sms', subject: null, text: /^Your verification code is: \d{6}\. It expires in 3 minutes\.$/ })
  const code = await latestCode(app, PHONE)

  const res = await roLogin(app, 'sms', PHONE, code)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  const claims = await verifyWithServedJwks(app, res.json().id_token, { issuer: 'http://acme.test/', audience: 'app' })
  t.match(claims.sub, /^sms\|[0-9a-f]{24}$/, 'a new user, named as Auth0 names sms users')

  t.same((await roLogin(app, 'sms', PHONE, code)).json(), wrongPhone, 'a code is used once')

  await startLogin(app, {})
  const again = await roLogin(app, 'sms', PHONE, await latestCode(app, PHONE))
  const second = await verifyWithServedJwks(app, again.json().id_token, { issuer: 'http://acme.test/', audience: 'app' })
  t.equal(second.sub, claims.sub, 'the second login finds the same user')
})

t.test('email: /passwordless/verify as auth0.js sends it; the address counts as verified', async (t) => {
  const { app } = await setup(t)
  const started = await startLogin(app, { connection: 'email', phone_number: undefined, email: 'New.Person@Acme.test' })
  t.same(started.json(), { _id: started.json()._id, email: 'New.Person@Acme.test' })
  const [message] = await outboxFor(app, 'New.Person@Acme.test')
  t.match(message, { channel: 'email', subject: 'Your verification code', text: /^Your verification code is: \d{6}\n/ })

  const code = await latestCode(app, 'New.Person@Acme.test')
  const res = await verifyLogin(app, 'email', { email: 'new.person@acme.test' }, code, { scope: 'openid email' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  t.match(res.json(), { token_type: 'bearer', access_token: String, id_token: String, expires_in: Number })
  const claims = await verifyWithServedJwks(app, res.json().id_token, { issuer: 'http://acme.test/', audience: 'app' })
  t.match(claims, { sub: /^email\|[0-9a-f]{24}$/, email: 'new.person@acme.test', email_verified: true })
})

t.test('email: an existing user logs in by the otp grant on /oauth/token and becomes verified', async (t) => {
  const { app } = await setup(t)
  await startLogin(app, { connection: 'email', phone_number: undefined, email: 'known@acme.test' })
  const res = await otpLogin(app, 'email', 'Known@Acme.test', await latestCode(app, 'known@acme.test'), { scope: 'openid profile email' })
  t.equal(res.statusCode, 200)
  const claims = await verifyWithServedJwks(app, res.json().id_token, { issuer: 'http://acme.test/', audience: 'app' })
  t.match(claims, { sub: 'email|known', name: 'Known Person', email: 'known@acme.test', email_verified: true })
})

t.test('only the latest code is valid', async (t) => {
  const { app } = await setup(t)
  await startLogin(app, {})
  const first = await latestCode(app, PHONE)
  await startLogin(app, {})
  const second = await latestCode(app, PHONE)
  if (first !== second) t.same((await otpLogin(app, 'sms', PHONE, first)).json(), wrongPhone, 'the earlier code is dead')
  t.equal((await otpLogin(app, 'sms', PHONE, second)).statusCode, 200)
})

t.test('three attempts per code: two wrong then right passes, three wrong kill it', async (t) => {
  const { app } = await setup(t)
  await startLogin(app, {})
  let code = await latestCode(app, PHONE)
  for (let i = 0; i < 2; i++) t.equal((await roLogin(app, 'sms', PHONE, wrongCode(code))).statusCode, 401)
  t.equal((await roLogin(app, 'sms', PHONE, code)).statusCode, 200, 'the third attempt may be right')

  await startLogin(app, {})
  code = await latestCode(app, PHONE)
  for (let i = 0; i < 3; i++) t.equal((await verifyLogin(app, 'sms', { phone_number: PHONE }, wrongCode(code))).statusCode, 401)
  const res = await verifyLogin(app, 'sms', { phone_number: PHONE }, code)
  t.equal(res.statusCode, 401)
  t.same(res.json(), wrongPhone, 'the right code after three wrong ones is refused')
})

t.test('parallel wrong attempts cannot get more than three through', async (t) => {
  const { app, rows, run } = await setup(t)
  await startLogin(app, {})
  const code = await latestCode(app, PHONE)
  // Nine, so that with the right code after them they stay under brute-force protection's 10.
  const results = await Promise.all(Array.from({ length: 9 }, () => otpLogin(app, 'sms', PHONE, wrongCode(code))))
  t.same(results.map((r) => r.statusCode), Array(9).fill(403))
  t.same(rows('SELECT attempts FROM passwordless_codes'), [{ attempts: 3 }], 'exactly three attempts were counted')
  t.equal((await otpLogin(app, 'sms', PHONE, code)).statusCode, 403, 'the code is dead')
})

t.test('a code expires', async (t) => {
  const { app, rows, run } = await setup(t)
  await startLogin(app, {})
  const [row] = rows('SELECT created_at, expires_at FROM passwordless_codes')
  t.equal(row.expires_at - row.created_at, 180, 'three minutes by default')
  run('UPDATE passwordless_codes SET expires_at = ?', Math.floor(Date.now() / 1000) - 1)
  t.same((await roLogin(app, 'sms', PHONE, await latestCode(app, PHONE))).json(), wrongPhone)
})

t.test('a code is stored only as a salted hash', async (t) => {
  const { app, rows, run } = await setup(t)
  await startLogin(app, {})
  await startLogin(app, { phone_number: '+15550000009' })
  const code = await latestCode(app, PHONE)
  const stored = rows('SELECT * FROM passwordless_codes')
  t.equal(stored.length, 2)
  for (const row of stored) {
    t.match(row.code_hash, /^[0-9a-f]{64}$/)
    t.notMatch(JSON.stringify(row), new RegExp(code), 'the code appears nowhere in the row')
  }
  t.not(stored[0].code_salt, stored[1].code_salt, 'each code has its own salt')
})

t.test('a blocked user is sent nothing, and neither answer tells', async (t) => {
  const { app, rows, run } = await setup(t)
  const res = await startLogin(app, { phone_number: BLOCKED_PHONE })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { _id: res.json()._id, phone_number: BLOCKED_PHONE })
  t.same(await outboxFor(app, BLOCKED_PHONE), [], 'nothing sent')
  t.same(rows('SELECT * FROM passwordless_codes'), [], 'no code kept')
  t.same((await roLogin(app, 'sms', BLOCKED_PHONE, '123456')).json(), wrongPhone, 'a guess is just wrong')

  // Blocked after a code was sent: the holder of the right code is told.
  await startLogin(app, {})
  t.equal((await roLogin(app, 'sms', PHONE, await latestCode(app, PHONE))).statusCode, 200)
  await startLogin(app, {})
  run('UPDATE users SET blocked = 1 WHERE phone_number = ?', PHONE)
  const blocked = await verifyLogin(app, 'sms', { phone_number: PHONE }, await latestCode(app, PHONE))
  t.equal(blocked.statusCode, 401)
  t.same(blocked.json(), { error: 'unauthorized', error_description: 'user is blocked' })
  const sent = (await outboxFor(app, PHONE)).length
  t.equal((await startLogin(app, {})).statusCode, 200)
  t.equal((await outboxFor(app, PHONE)).length, sent, 'and once blocked, is sent nothing more')
})

t.test('the client\'s login policy applies after the code', async (t) => {
  const { app } = await setup(t)
  await startLogin(app, { client_id: 'strict-spa' })
  const res = await verifyLogin(app, 'sms', { phone_number: PHONE }, await latestCode(app, PHONE), { client_id: 'strict-spa' })
  t.equal(res.statusCode, 403)
  t.same(res.json(), { error: 'access_denied', error_description: 'Please verify your email before logging in.' })
})

t.test('send=link: a link carrying the code to the client\'s callback', async (t) => {
  const { app } = await setup(t)
  t.equal((await startLogin(app, { send: 'link', authParams: { state: 'st4te', scope: 'openid' } })).statusCode, 200)
  const [sms] = await outboxFor(app, PHONE)
  const link = new URL(/Log in: (\S+)/.exec(sms.text)![1])
  t.equal(`${link.protocol}//${link.host}${link.pathname}`, APP_CALLBACK, 'the first callback by default')
  t.match(Object.fromEntries(link.searchParams), { verification_code: /^\d{6}$/, connection: 'sms', phone_number: PHONE, state: 'st4te', scope: 'openid' })
  const res = await verifyLogin(app, 'sms', { phone_number: link.searchParams.get('phone_number') }, link.searchParams.get('verification_code')!)
  t.equal(res.statusCode, 200, 'the code in the link logs in')

  const email = 'linked@acme.test'
  await startLogin(app, { connection: 'email', phone_number: undefined, email, send: undefined, authParams: { redirect_uri: WEB_CALLBACK } })
  const [mail] = await outboxFor(app, email)
  t.equal(mail.subject, 'Your login link', 'send defaults to link')
  t.match(mail.text, `Open this link to log in: ${WEB_CALLBACK}?verification_code=`)
  t.match(mail.text, '&connection=email&email=linked%40acme.test')
})

t.test('what the SDKs send is accepted: form bodies, client_secret, x-request-language', async (t) => {
  const { app } = await setup(t)
  const form = new URLSearchParams({ client_id: 'app', connection: 'sms', phone_number: PHONE, send: 'code', client_secret: 'whatever-the-sdk-sends' })
  const res = await app.inject({
    method: 'POST',
    url: '/passwordless/start',
    headers: { host: 'acme.test', 'content-type': 'application/x-www-form-urlencoded', 'x-request-language': 'fr-CA', 'auth0-client': 'eyJuYW1lIjoiYXV0aDAuanMifQ' },
    payload: form.toString(),
  })
  t.equal(res.statusCode, 200)
  t.equal((await outboxFor(app, PHONE)).length, 1)
  t.equal((await startLogin(app, { client_assertion: 'x.y.z', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' })).statusCode, 200)
})

t.test('the code stays out of the request log', async (t) => {
  const lines: string[] = []
  const { app } = await setup(t, lines)
  await startLogin(app, {})
  const code = await latestCode(app, PHONE)
  await roLogin(app, 'sms', PHONE, wrongCode(code))
  await verifyLogin(app, 'sms', { phone_number: PHONE }, code)
  const logged = lines.map((l) => JSON.parse(l))
  t.ok(logged.some((l) => typeof l.outbox_id === 'string' && /tollgate outbox/.test(l.msg)), 'the log says where the message is')
  t.notOk(lines.some((l) => l.includes(code) || l.includes(wrongCode(code))), 'but never a code')
})

t.test('wrong codes count toward brute-force protection like wrong passwords', async (t) => {
  const { app } = await setup(t)
  await startLogin(app, {})
  const code = await latestCode(app, PHONE)
  const statuses: number[] = []
  // Ten failures (three dead-code answers count as failures too), then the account is blocked from this IP.
  for (let i = 0; i < 10; i++) statuses.push((await otpLogin(app, 'sms', PHONE, wrongCode(code))).statusCode)
  t.same(statuses, Array(10).fill(403))
  await startLogin(app, {})
  const fresh = await latestCode(app, PHONE)
  const blocked = await otpLogin(app, 'sms', PHONE, fresh)
  t.equal(blocked.statusCode, 429, 'even the right code')
  t.same(blocked.json(), { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' })
})
