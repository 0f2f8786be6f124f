// Recovery codes and SMS (oob) as second factors, and how secrets are kept at rest: TOTP secrets
// sealed with the server key (and readable after a key rotation), recovery and oob codes hashed.
import Database from 'better-sqlite3'
import path from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ConfigError } from '../../src/config.js'
import { SQLITE_FILE } from '../../src/store/sqlite.js'
import { provision, testConfig } from '../helpers/app.js'
import {
  associate, buildMfaApp, enrolOtp, enrolSms, listAuthenticators, MFA_OOB, MFA_OTP, MFA_PHONE, MFA_RECOVERY_CODE, mfaFixture, mfaGrant, mfaToken,
  OTHER_ENCRYPTION_KEY, post, TEST_ENCRYPTION_KEY, testClock, totpAt,
} from '../helpers/mfa.js'
import { latestCode, outboxFor, wrongCode } from '../helpers/passwordless.js'

const rows = (dataDir: string, sql: string) => {
  const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
  try {
    return db.prepare(sql).all() as Array<Record<string, any>>
  } finally {
    db.close()
  }
}

t.test('recovery codes: used once, each use answers a new one', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { recoveryCode } = await enrolOtp(app, clock)
  const res = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: await mfaToken(app), recovery_code: recoveryCode })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'id_token', 'recovery_code', 'token_type'])
  t.match(body.recovery_code, /^[A-Z2-9]{24}$/)
  t.not(body.recovery_code, recoveryCode)

  const again = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: await mfaToken(app), recovery_code: recoveryCode })
  t.same([again.statusCode, again.json()], [403, { error: 'invalid_grant', error_description: 'Invalid recovery_code.' }], 'the old code is spent')
  const typed = body.recovery_code.toLowerCase().replace(/(.{4})/g, '$1 ')
  const next = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: await mfaToken(app), recovery_code: typed })
  t.equal(next.statusCode, 200, 'the new one works, typed in lower case with spaces')
})

t.test('a recovery code of an enrolment never confirmed is not active', async (t) => {
  const { app } = await buildMfaApp(t)
  const token = await mfaToken(app)
  const enrolled = (await associate(app, token, { authenticator_types: ['otp'] })).json()
  const res = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: token, recovery_code: enrolled.recovery_codes[0] })
  t.same([res.statusCode, res.json()], [403, { error: 'invalid_grant', error_description: 'The authenticator is not active: its enrolment was never confirmed with a code.' }])
  const none = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: await mfaToken(app, { username: 'dave@acme.test' }), recovery_code: 'AAAA' })
  t.same(none.json(), { error: 'invalid_grant', error_description: 'User is not enrolled with recovery-code.' })
})

t.test('SMS: enrolment sends a code, the mfa-oob grant confirms it; later logins are challenged', async (t) => {
  const { app } = await buildMfaApp(t)
  const token = await mfaToken(app)
  const res = await associate(app, token, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: MFA_PHONE })
  t.equal(res.statusCode, 200)
  const enrolled = res.json()
  t.same(Object.keys(enrolled).sort(), ['authenticator_type', 'binding_method', 'oob_channel', 'oob_code', 'recovery_codes'])
  t.match(enrolled, { authenticator_type: 'oob', oob_channel: 'sms', binding_method: 'prompt', oob_code: /^[A-Za-z0-9_-]{43}$/ })
  const code = await latestCode(app, MFA_PHONE)

  const wrong = await mfaGrant(app, MFA_OOB, { mfa_token: token, oob_code: enrolled.oob_code, binding_code: wrongCode(code) })
  t.same([wrong.statusCode, wrong.json()], [403, { error: 'invalid_grant', error_description: 'Invalid binding_code.' }])
  const done = await mfaGrant(app, MFA_OOB, { mfa_token: token, oob_code: enrolled.oob_code, binding_code: code })
  t.equal(done.statusCode, 200)

  const next = await mfaToken(app)
  const listed = (await listAuthenticators(app, next)).json()
  t.match(listed, [{ authenticator_type: 'recovery-code', active: true }, { id: /^sms\|dev_/, authenticator_type: 'oob', oob_channel: 'sms', name: 'XXXXXXXX1234', active: true }])
  const otpOnly = await post(app, '/mfa/challenge', { client_id: 'spa', mfa_token: next, challenge_type: 'otp' })
  t.same([otpOnly.statusCode, otpOnly.json()], [400, { error: 'unsupported_challenge_type', error_description: 'User is not enrolled with an active otp authenticator.' }])
  const challenge = await post(app, '/mfa/challenge', { client_id: 'spa', mfa_token: next, challenge_type: 'oob', authenticator_id: listed[1].id })
  t.equal(challenge.statusCode, 200)
  t.match(challenge.json(), { challenge_type: 'oob', binding_method: 'prompt', oob_code: /^[A-Za-z0-9_-]{43}$/ })
  t.equal((await outboxFor(app, MFA_PHONE)).length, 2)
  const login = await mfaGrant(app, MFA_OOB, { mfa_token: next, oob_code: challenge.json().oob_code, binding_code: await latestCode(app, MFA_PHONE) })
  t.equal(login.statusCode, 200)

  const stale = await mfaGrant(app, MFA_OOB, { mfa_token: await mfaToken(app), oob_code: enrolled.oob_code, binding_code: code })
  t.same(stale.json(), { error: 'invalid_grant', error_description: 'Invalid oob_code.' }, 'an oob code is used once')
})

t.test('an oob code belongs to its user, and expires', async (t) => {
  const clock = testClock()
  const { app } = await buildMfaApp(t, { clock })
  await enrolSms(app)
  const token = await mfaToken(app)
  const challenge = (await post(app, '/mfa/challenge', { client_id: 'spa', mfa_token: token, challenge_type: 'oob' })).json()
  const code = await latestCode(app, MFA_PHONE)
  const daveToken = await mfaToken(app, { username: 'dave@acme.test' })
  const foreign = await mfaGrant(app, MFA_OOB, { mfa_token: daveToken, oob_code: challenge.oob_code, binding_code: code })
  t.same(foreign.json(), { error: 'invalid_grant', error_description: 'Invalid oob_code.' }, 'not another user\'s')
  clock.advance(301)
  const late = await mfaGrant(app, MFA_OOB, { mfa_token: token, oob_code: challenge.oob_code, binding_code: code })
  t.same(late.json(), { error: 'invalid_grant', error_description: 'Invalid oob_code.' }, 'expired')
})

t.test('MFA API refusals: factor types, phone numbers, disabled factors', async (t) => {
  const document = mfaFixture()
  document.tenants[0].mfa!.factors = ['otp']
  const { app } = await buildMfaApp(t, { document })
  const token = await mfaToken(app)
  const cases: Array<[Record<string, unknown>, number, Record<string, string>]> = [
    [{ authenticator_types: ['push'] }, 400, { error: 'invalid_request', error_description: 'authenticator_types must be ["otp"] or ["oob"] (with oob_channels ["sms"])' }],
    [{ authenticator_types: ['oob'], oob_channels: ['email'] }, 400, { error: 'invalid_request', error_description: 'authenticator_types must be ["otp"] or ["oob"] (with oob_channels ["sms"])' }],
    [{ authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: MFA_PHONE }, 403, { error: 'access_denied', error_description: 'The sms factor is not enabled for this tenant.' }],
    [{}, 400, { error: 'invalid_request', error_description: 'missing authenticator_types parameter' }],
  ]
  for (const [body, status, error] of cases) {
    const res = await associate(app, token, body)
    t.same([res.statusCode, res.json()], [status, error], JSON.stringify(body))
  }
  const { app: smsApp } = await buildMfaApp(t)
  const bad = await associate(smsApp, await mfaToken(smsApp), { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '555-1234' })
  t.same([bad.statusCode, bad.json()], [400, { error: 'invalid_request', error_description: 'phone_number must be in E.164 format (+ and up to 15 digits)' }])
  const noBearer = await app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host: 'acme.test' } })
  t.same([noBearer.statusCode, noBearer.json()], [401, { error: 'invalid_token', error_description: 'The request has no Bearer access token.' }])
})

t.test('at rest: the TOTP secret is sealed under the server key, codes are hashes', async (t) => {
  const clock = testClock()
  const { app } = await buildMfaApp(t, { clock })
  const { secret, recoveryCode } = await enrolOtp(app, clock)
  await enrolSms(app, { username: 'dave@acme.test' })
  const dataDir = app.tollgate.config.dataDir
  const stored = rows(dataDir, 'SELECT type, secret, phone_number FROM mfa_authenticators ORDER BY type')
  const otp = stored.find((r) => r.type === 'otp')!
  t.match(otp.secret, /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'AES-256-GCM, with its key id')
  t.notMatch(otp.secret, secret)
  const recovery = stored.filter((r) => r.type === 'recovery-code')
  t.ok(recovery.every((r) => /^[0-9a-f]{64}$/.test(r.secret)), 'recovery codes as sha256')
  t.notMatch(JSON.stringify(rows(dataDir, 'SELECT * FROM mfa_authenticators')), recoveryCode)
  const oob = rows(dataDir, 'SELECT * FROM mfa_oob_codes')
  t.ok(oob.every((r) => /^[0-9a-f]{64}$/.test(r.code_hash) && /^[0-9a-f]{64}$/.test(r.binding_hash)), 'oob codes and binding codes as hashes')
  const tokens = rows(dataDir, 'SELECT token_hash FROM mfa_transactions')
  t.ok(tokens.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash)), 'mfa_tokens as sha256')

  await app.close()
  // Rotation: a new current key, the old one kept as previous: the secret sealed before still opens.
  const config = testConfig(t, { dataDir, encryption: { key: OTHER_ENCRYPTION_KEY, previousKeys: [TEST_ENCRYPTION_KEY] } })
  const rotated = await buildApp({ config, now: clock.now })
  t.teardown(() => rotated.close())
  clock.advance(60)
  const res = await mfaGrant(rotated, MFA_OTP, { mfa_token: await mfaToken(rotated), otp: await totpAt(secret, clock) })
  t.equal(res.statusCode, 200, 'opened with the previous key')
  const [resealed] = rows(dataDir, "SELECT secret FROM mfa_authenticators WHERE type = 'otp'")
  t.not(resealed.secret.split('.')[1], otp.secret.split('.')[1], 'and sealed anew under the current key')
  await rotated.close()
  const newKeyOnly = await buildApp({ config: testConfig(t, { dataDir, encryption: { key: OTHER_ENCRYPTION_KEY, previousKeys: [] } }), now: clock.now })
  t.teardown(() => newKeyOnly.close())
  clock.advance(60)
  const after = await mfaGrant(newKeyOnly, MFA_OTP, { mfa_token: await mfaToken(newKeyOnly), otp: await totpAt(secret, clock) })
  t.equal(after.statusCode, 200, 'the previous key is no longer needed for this user')
})

t.test('MFA enabled without TOLLGATE_ENCRYPTION_KEY: one line at start', async (t) => {
  const config = testConfig(t)
  await provision(config, mfaFixture())
  await t.rejects(buildApp({ config }), new ConfigError('TOLLGATE_ENCRYPTION_KEY is not set, and tenant acme has mfa.policy always: set it to 32 random bytes in base64 (openssl rand -base64 32)'))
  const { loadConfig } = await import('../../src/config.js')
  t.throws(() => loadConfig({ TOLLGATE_ENCRYPTION_KEY: 'short' }), new ConfigError('invalid setting TOLLGATE_ENCRYPTION_KEY=(hidden): allowed is 32 random bytes in base64 (openssl rand -base64 32)'))
})

t.test('SMS sends per user are limited too: 10, then one more every 6 minutes', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  await enrolSms(app)
  const token = await mfaToken(app)
  const challenge = () => post(app, '/mfa/challenge', { client_id: 'spa', mfa_token: token, challenge_type: 'oob' })
  for (let i = 0; i < 9; i++) t.equal((await challenge()).statusCode, 200, `send ${i + 2}`)
  const limited = await challenge()
  t.same([limited.statusCode, limited.json()], [429, { error: 'too_many_attempts', error_description: 'Too many MFA codes sent. Try again later.' }])
  t.equal(limited.headers['retry-after'], '360')
  t.equal((await outboxFor(app, MFA_PHONE)).length, 10, 'nothing sent once refused')
  clock.advance(360)
  t.equal((await post(app, '/mfa/challenge', { client_id: 'spa', mfa_token: await mfaToken(app), challenge_type: 'oob' })).statusCode, 200)
})
