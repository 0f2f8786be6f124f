// Nothing secret of MFA reaches the log at the most verbose level: not the mfa_token, the TOTP
// secret, a code, a recovery code or an oob code.
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { associate, MFA_OOB, MFA_OTP, MFA_PHONE, MFA_RECOVERY_CODE, mfaFixture, mfaGrant, mfaToken, TEST_ENCRYPTION_KEY, testClock, totpAt } from '../helpers/mfa.js'
import { latestCode } from '../helpers/passwordless.js'

t.test('logs carry no MFA secret', async (t) => {
  const lines: string[] = []
  const clock = testClock()
  const app = await buildTestApp(t, {
    document: mfaFixture(),
    config: { logLevel: 'trace', encryption: { key: TEST_ENCRYPTION_KEY, previousKeys: [] } },
    logStream: { write: (line) => { lines.push(line) } },
    now: clock.now,
  })
  const token = await mfaToken(app)
  const enrolled = (await associate(app, token, { authenticator_types: ['otp'] })).json()
  const code = await totpAt(enrolled.secret, clock)
  t.equal((await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: code })).statusCode, 200)
  const recovery = await mfaGrant(app, MFA_RECOVERY_CODE, { mfa_token: await mfaToken(app), recovery_code: enrolled.recovery_codes[0] })
  t.equal(recovery.statusCode, 200)

  const daveToken = await mfaToken(app, { username: 'dave@acme.test' })
  const sms = (await associate(app, daveToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: MFA_PHONE })).json()
  const binding = await latestCode(app, MFA_PHONE)
  t.equal((await mfaGrant(app, MFA_OOB, { mfa_token: daveToken, oob_code: sms.oob_code, binding_code: binding })).statusCode, 200)

  const log = lines.join('\n')
  t.ok(lines.length >= 10, 'requests were logged')
  for (const secret of [token, daveToken, enrolled.secret, enrolled.recovery_codes[0], recovery.json().recovery_code, sms.oob_code]) {
    t.notOk(log.includes(secret), `not in the log: ${secret.slice(0, 4)}...`)
  }
  // Six digits: not as a number of their own (they may be part of a longer one, a timestamp).
  for (const digits of [code, binding]) t.notMatch(log, new RegExp(`(?<![0-9])${digits}(?![0-9])`), 'no code in the log')
})
