// MFA with TOTP through HTTP, codes made by otplib as an authenticator app makes them: the policy,
// mfa_required, enrolment through the MFA API, the mfa-otp grant, and each of its refusals.
import t from 'tap'
import { PASSWORD } from '../helpers/fixture.js'
import { decodeClaims } from '../helpers/http.js'
import {
  associate, bearer, buildMfaApp, enrolOtp, listAuthenticators, MFA_OTP, MFA_SECRET, mfaFixture, mfaGrant, mfaToken, passwordLogin,
  PASSWORD_REALM, totpAt,
} from '../helpers/mfa.js'

const invalidOtp = { error: 'invalid_grant', error_description: 'Invalid otp_code.' }

t.test('policy: always, enrolled, never (per client), and a wrong password counts first', async (t) => {
  const { app } = await buildMfaApp(t)
  const res = await passwordLogin(app)
  t.equal(res.statusCode, 403)
  const body = res.json()
  t.same(Object.keys(body).sort(), ['error', 'error_description', 'mfa_token'])
  t.equal(body.error, 'mfa_required')
  t.equal(body.error_description, 'Multifactor authentication required')
  t.match(body.mfa_token, /^[A-Za-z0-9_-]{43}$/)
  t.equal(res.headers['cache-control'], undefined)

  const realm = await passwordLogin(app, { grant_type: PASSWORD_REALM, realm: 'db' })
  t.equal(realm.json().error, 'mfa_required', 'password-realm too')

  const wrong = await passwordLogin(app, { password: 'nope' })
  t.same([wrong.statusCode, wrong.json()], [403, { error: 'invalid_grant', error_description: 'Wrong email or password.' }], 'no mfa_token for a wrong password')

  const never = await passwordLogin(app, { client_id: 'no-mfa' })
  t.equal(never.statusCode, 200, 'a client whose policy is never')
  const enrolledOnly = await passwordLogin(app, { client_id: 'enrolled-only' })
  t.equal(enrolledOnly.statusCode, 200, 'enrolled: a user without a factor logs in with the password')
})

t.test('enrolment: associate, the first code activates the authenticator, then logins need a code', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const token = await mfaToken(app, { scope: 'openid offline_access' })
  t.same((await listAuthenticators(app, token)).json(), [], 'nothing enrolled yet')

  const res = await associate(app, token, { authenticator_types: ['otp'] })
  t.equal(res.statusCode, 200)
  const enrolled = res.json()
  t.same(Object.keys(enrolled).sort(), ['authenticator_type', 'barcode_uri', 'recovery_codes', 'secret'])
  t.equal(enrolled.authenticator_type, 'otp')
  t.match(enrolled.secret, /^[A-Z2-7]{32}$/)
  t.match(enrolled.barcode_uri, new RegExp(`^otpauth://totp/acme:alice%40acme\\.test\\?secret=${enrolled.secret}.*issuer=acme`))
  t.match(enrolled.recovery_codes, [/^[A-Z2-9]{24}$/])

  const pending = (await listAuthenticators(app, token)).json()
  t.match(pending, [{ id: /^recovery-code\|dev_/, authenticator_type: 'recovery-code', active: false }, { id: /^totp\|dev_/, authenticator_type: 'otp', active: false }])

  const done = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: await totpAt(enrolled.secret, clock) })
  t.equal(done.statusCode, 200)
  t.same(Object.keys(done.json()).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type'], 'what the password grant would have returned')
  t.equal(done.headers['cache-control'], 'no-store')
  t.match(decodeClaims(done.json().id_token), { sub: 'auth0|alice', aud: 'spa' })

  clock.advance(30)
  const next = await mfaToken(app)
  const active = (await listAuthenticators(app, next)).json()
  t.match(active, [{ authenticator_type: 'recovery-code', active: true }, { authenticator_type: 'otp', active: true }])
  t.same((await associate(app, next, { authenticator_types: ['otp'] })).json(),
    { error: 'access_denied', error_description: 'User is already enrolled.' }, 'a second enrolment needs more than an mfa_token')

  // The enrolled policy now asks this user too.
  t.equal((await passwordLogin(app, { client_id: 'enrolled-only' })).json().error, 'mfa_required')
  const login = await mfaGrant(app, MFA_OTP, { mfa_token: next, otp: await totpAt(enrolled.secret, clock) })
  t.equal(login.statusCode, 200)
  t.same(Object.keys(login.json()).sort(), ['access_token', 'expires_in', 'id_token', 'token_type'], 'no refresh token unless asked')
  const reused = await mfaGrant(app, MFA_OTP, { mfa_token: next, otp: await totpAt(enrolled.secret, clock, 1) })
  t.same([reused.statusCode, reused.json()], [403, { error: 'invalid_grant', error_description: 'Malformed mfa_token' }], 'an mfa_token finishes one login')
})

t.test('codes: a step before or after is accepted, two away is not, and a code is accepted once per step', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  for (const steps of [-1, 1]) {
    clock.advance(90)
    const res = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: await totpAt(secret, clock, steps) })
    t.equal(res.statusCode, 200, `${steps} step`)
  }
  clock.advance(90)
  for (const steps of [-2, 2]) {
    const res = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: await totpAt(secret, clock, steps) })
    t.same([res.statusCode, res.json()], [403, invalidOtp], `${steps} steps`)
  }
  const code = await totpAt(secret, clock)
  const [first, second] = [await mfaToken(app), await mfaToken(app)]
  const results = await Promise.all([mfaGrant(app, MFA_OTP, { mfa_token: first, otp: code }), mfaGrant(app, MFA_OTP, { mfa_token: second, otp: code })])
  t.same(results.map((r) => r.statusCode).sort(), [200, 403], 'the same code in parallel: one login')
  const replay = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: code })
  t.same([replay.statusCode, replay.json()], [403, invalidOtp], 'the same code again')
  const malformed = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: 'abcdef' })
  t.same(malformed.json(), invalidOtp)
})

t.test('the mfa_token: bound to its tenant and client, 10 minutes, useless anywhere else', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  const token = await mfaToken(app)
  const invalid = { error: 'invalid_grant', error_description: 'Malformed mfa_token' }
  const otherClient = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: await totpAt(secret, clock), client_secret: MFA_SECRET }, 'mfa-app')
  t.same([otherClient.statusCode, otherClient.json()], [403, invalid], 'another client')
  const forged = await mfaGrant(app, MFA_OTP, { mfa_token: token.slice(0, -2) + 'AA', otp: await totpAt(secret, clock) })
  t.same(forged.json(), invalid, 'an altered token')
  const otherTenant = await app.inject({
    method: 'POST', url: '/oauth/token', headers: { host: 'other.test' },
    payload: { grant_type: MFA_OTP, client_id: 'other-app', mfa_token: token, otp: await totpAt(secret, clock) },
  })
  t.equal(otherTenant.statusCode, 403, 'another tenant (whose client may not even use the grant)')
  const asAccessToken = await app.inject({ method: 'GET', url: '/userinfo', headers: { host: 'acme.test', ...bearer(token) } })
  t.equal(asAccessToken.statusCode, 401, 'not an access token')
  const asRefreshToken = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' }, payload: { grant_type: 'refresh_token', client_id: 'spa', refresh_token: token } })
  t.same(asRefreshToken.json(), { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }, 'not a refresh token')

  clock.advance(601)
  const expired = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: await totpAt(secret, clock) })
  t.same([expired.statusCode, expired.json()], [403, { error: 'expired_token', error_description: 'mfa_token is expired' }])
  const api = await listAuthenticators(app, token)
  t.same([api.statusCode, api.json()], [401, { error: 'invalid_token', error_description: 'The mfa_token is invalid or has expired.' }])
})

t.test('a client without the grant, and a user not enrolled', async (t) => {
  const document = mfaFixture()
  document.tenants[0].clients.push({ client_id: 'bare', name: 'Bare', type: 'spa', grant_types: ['password'] })
  document.tenants[0].connections[0].enabled_clients.push('bare')
  const { app } = await buildMfaApp(t, { document })
  const token = await mfaToken(app, { client_id: 'bare' })
  const refused = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: '123456' }, 'bare')
  t.same([refused.statusCode, refused.json()], [403, { error: 'unauthorized_client', error_description: `Grant type '${MFA_OTP}' not allowed for the client.` }])
  const notEnrolled = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: '123456' })
  t.same([notEnrolled.statusCode, notEnrolled.json()], [403, { error: 'invalid_grant', error_description: 'User is not enrolled with otp.' }])
})

t.test('too many wrong codes: 10 attempts, then 429, one more every 6 minutes', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  const token = await mfaToken(app)
  const right = await totpAt(secret, clock)
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
  for (let i = 0; i < 10; i++) {
    const res = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: wrong })
    t.same(res.json(), invalidOtp, `attempt ${i + 1}`)
  }
  const limited = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: right })
  t.same([limited.statusCode, limited.json()], [429, { error: 'too_many_attempts', error_description: 'Too many failed MFA attempts. Try again later.' }], 'even the right code')
  t.equal(limited.headers['retry-after'], '360')

  clock.advance(360)
  const fresh = await mfaToken(app)
  const after = await mfaGrant(app, MFA_OTP, { mfa_token: fresh, otp: await totpAt(secret, clock) })
  t.equal(after.statusCode, 200, 'one attempt back after 6 minutes')
  const spent = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: wrong })
  t.same(spent.json(), invalidOtp)
  t.equal((await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: wrong })).statusCode, 429, 'a right code gave its attempt back, no more')
})

t.test('audit events: enrolment, success, failure', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: '000000' === await totpAt(secret, clock) ? '111111' : '000000' })
  const events = await app.tollgate.store.events({ limit: 20 })
  const mfa = events.filter((e) => e.type.startsWith('mfa_')).map((e) => [e.type, e.detail, e.userId, e.clientId]).reverse()
  t.same(mfa, [
    ['mfa_enrolment', 'otp pending', 'auth0|alice', 'spa'],
    ['mfa_enrolment', 'otp confirmed', 'auth0|alice', 'spa'],
    ['mfa_success', 'otp', 'auth0|alice', 'spa'],
    ['mfa_failure', 'otp wrong_code', 'auth0|alice', 'spa'],
  ])
  t.notMatch(JSON.stringify(events), secret)
  t.ok(PASSWORD)
})

t.test('DELETE /mfa/authenticators/{id}: an access token for the MFA API, got through MFA', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  const mfaApi = 'http://acme.test/mfa/'
  const tokenFor = async (scope: string) => {
    const res = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app, { audience: mfaApi, scope }), otp: await totpAt(secret, clock) })
    clock.advance(30)
    t.equal(res.statusCode, 200, res.body)
    return res.json().access_token as string
  }
  const removing = await tokenFor('openid remove:authenticators')
  t.match(decodeClaims(removing), { aud: [mfaApi, 'http://acme.test/userinfo'], scope: 'openid remove:authenticators', sub: 'auth0|alice' })
  const reading = await tokenFor('read:authenticators')
  const token = await mfaToken(app)
  const [, otp] = (await listAuthenticators(app, token)).json()
  const del = (bearerToken: string, id = otp.id) => app.inject({
    method: 'DELETE', url: `/mfa/authenticators/${encodeURIComponent(id)}`, headers: { host: 'acme.test', ...bearer(bearerToken) },
  })

  t.same([(await del(token)).statusCode, (await del(token)).json()], [401, { error: 'invalid_token', error_description: 'The access token is invalid.' }], 'an mfa_token is not enough')
  const noScope = await del(reading)
  t.same([noScope.statusCode, noScope.json()], [403, { error: 'access_denied', error_description: 'Deleting an authenticator needs an access token for the MFA API with the remove:authenticators scope.' }])
  const removed = await del(removing)
  t.equal(removed.statusCode, 204)
  t.same((await listAuthenticators(app, token)).json().map((a: { authenticator_type: string }) => a.authenticator_type), ['recovery-code'])
  t.same((await del(removing)).json(), { error: 'not_found', error_description: 'Authenticator not found.' })
  const unknownScope = await passwordLogin(app, { audience: mfaApi, scope: 'openid delete:everything' })
  t.same(unknownScope.json(), { error: 'invalid_scope', error_description: `The API "${mfaApi}" does not define the scopes: delete:everything` })
})
