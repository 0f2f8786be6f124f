// /oauth/ro's legacy MFA, as Auth0's mobile SDKs expect it: the TOTP code comes with the password.
import t from 'tap'
import { PASSWORD } from '../helpers/fixture.js'
import { buildMfaApp, enrolOtp, enrolSms, post, totpAt } from '../helpers/mfa.js'

const roLogin = (app: Parameters<typeof post>[0], fields: Record<string, string> = {}) =>
  post(app, '/oauth/ro', { grant_type: 'password', client_id: 'spa', connection: 'db', username: 'alice@acme.test', password: PASSWORD, scope: 'openid', ...fields })

t.test('a0.mfa_registration_required, a0.mfa_required, a0.mfa_invalid_code, then tokens', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const unenrolled = await roLogin(app)
  t.same([unenrolled.statusCode, unenrolled.json()], [401, { error: 'a0.mfa_registration_required', error_description: 'Multifactor authentication required: enrol a factor first' }])

  const { secret } = await enrolOtp(app, clock)
  const noCode = await roLogin(app)
  t.same([noCode.statusCode, noCode.json()], [401, { error: 'a0.mfa_required', error_description: 'Multifactor authentication required' }])
  const right = await totpAt(secret, clock)
  const wrong = await roLogin(app, { mfa_code: String((Number(right) + 1) % 1_000_000).padStart(6, '0') })
  t.same([wrong.statusCode, wrong.json()], [401, { error: 'a0.mfa_invalid_code', error_description: 'Wrong or expired code.' }])
  const wrongPassword = await roLogin(app, { password: 'nope', mfa_code: right })
  t.same(wrongPassword.json(), { error: 'invalid_user_password', error_description: 'Wrong email or password.' }, 'the password is checked first')

  const ok = await roLogin(app, { mfa_code: right })
  t.equal(ok.statusCode, 200)
  t.same(Object.keys(ok.json()).sort(), ['access_token', 'expires_in', 'id_token', 'token_type'])
  const replay = await roLogin(app, { mfa_code: right })
  t.same(replay.json().error, 'a0.mfa_invalid_code', 'a code is accepted once')

  const never = await roLogin(app, { client_id: 'no-mfa' })
  t.equal(never.statusCode, 200, 'a client whose policy is never')
})

t.test('the same attempt bucket: 10 wrong codes, then 429', async (t) => {
  const { app, clock } = await buildMfaApp(t)
  const { secret } = await enrolOtp(app, clock)
  const right = await totpAt(secret, clock)
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
  for (let i = 0; i < 10; i++) t.equal((await roLogin(app, { mfa_code: wrong })).json().error, 'a0.mfa_invalid_code')
  const limited = await roLogin(app, { mfa_code: right })
  t.same([limited.statusCode, limited.json()], [429, { error: 'too_many_attempts', error_description: 'Too many failed MFA attempts. Try again later.' }])
})

t.test('a user with only SMS must enrol a TOTP authenticator for this endpoint', async (t) => {
  const { app } = await buildMfaApp(t)
  await enrolSms(app)
  t.equal((await roLogin(app)).json().error, 'a0.mfa_registration_required')
})
