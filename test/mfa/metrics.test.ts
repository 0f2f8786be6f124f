// MFA outcomes in the Prometheus metrics: a password login held for its second factor counts as
// mfa_required, an enrolment, a right and a wrong code count as MFA outcomes.
import t from 'tap'
import { freePort, valueOf } from '../helpers/metrics.js'
import { buildMfaApp, enrolOtp, MFA_OTP, mfaGrant, mfaToken } from '../helpers/mfa.js'

t.test('mfa_required, enrolments, right and wrong codes are counted', async (t) => {
  const port = await freePort()
  const { app, clock } = await buildMfaApp(t, { config: { metrics: { host: '127.0.0.1', port } } })
  await enrolOtp(app, clock)
  const wrong = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: '000000' })
  t.equal(wrong.statusCode, 403)

  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  t.equal(valueOf(text, 'tollgate_login_outcomes_total{outcome="mfa_required"}'), 2, 'two password logins held for their second factor')
  t.equal(valueOf(text, 'tollgate_mfa_outcomes_total{outcome="enrolment"}'), 2, 'pending, then confirmed')
  t.equal(valueOf(text, 'tollgate_mfa_outcomes_total{outcome="success"}'), 1)
  t.equal(valueOf(text, 'tollgate_mfa_outcomes_total{outcome="failure"}'), 1)
})
