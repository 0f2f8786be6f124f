// Auth0's current official authentication client, @auth0/auth0-auth-js, unchanged against Tollgate
// over HTTPS: a password login raises its MFA-required error, and its MfaClient (list, enrol,
// challenge, verify) finishes the login with a TOTP code and with an SMS code from the outbox.
import t from 'tap'
import { PASSWORD } from './helpers/fixture.js'
import { MFA_PHONE, MFA_SECRET, mfaFixture, TEST_ENCRYPTION_KEY, testClock, totpAt } from './helpers/mfa.js'
import { latestCode } from './helpers/passwordless.js'
import { startHttpsTollgateWithSdk } from './helpers/sdk.js'

t.test('@auth0/auth0-auth-js: getTokenByPassword, then MfaClient', async (t) => {
  const clock = testClock()
  const { app, call, domain, issuer } = await startHttpsTollgateWithSdk(t, mfaFixture(), {
    config: { encryption: { key: TEST_ENCRYPTION_KEY, previousKeys: [] } }, now: clock.now,
  })
  const client = { domain, clientId: 'mfa-app', clientSecret: MFA_SECRET }
  const sdk = (method: string, ...args: unknown[]) => call({ op: 'auth0-auth-js', client, method, args })

  const passwordLogin = async (username: string) => {
    const { result, error } = await sdk('getTokenByPassword', { username, password: PASSWORD, realm: 'db', scope: 'openid profile offline_access' })
    t.equal(result, undefined)
    t.equal(error?.isMfaRequired, true, 'isMfaRequiredError')
    t.match(error?.cause, { error: 'mfa_required', error_description: 'Multifactor authentication required', mfa_token: /^[A-Za-z0-9_-]{43}$/ })
    return error!.cause.mfa_token as string
  }

  await t.test('TOTP: enrol, verify; later logins challenge and verify', async (t) => {
    const mfaToken = await passwordLogin('alice@acme.test')
    t.same((await sdk('mfa.listAuthenticators', { mfaToken })).result, [])
    const enrolled = await sdk('mfa.enrollAuthenticator', { authenticatorTypes: ['otp'], mfaToken })
    t.equal(enrolled.error, undefined)
    t.match(enrolled.result, { authenticatorType: 'otp', secret: /^[A-Z2-7]{32}$/, barcodeUri: /^otpauth:\/\/totp\//, recoveryCodes: [/^[A-Z2-9]{24}$/] })

    const verified = await sdk('mfa.verify', { mfaToken, factorType: 'otp', otp: await totpAt(enrolled.result.secret, clock) })
    t.equal(verified.error, undefined)
    t.match(verified.result, { accessToken: /^ey/, idToken: /^ey/, refreshToken: /^[A-Za-z0-9_-]+$/, claims: { iss: issuer, sub: 'auth0|alice', aud: 'mfa-app' } })

    clock.advance(30)
    const next = await passwordLogin('alice@acme.test')
    const listed = await sdk('mfa.listAuthenticators', { mfaToken: next })
    t.match(listed.result, [{ authenticatorType: 'recovery-code', active: true }, { id: /^totp\|/, authenticatorType: 'otp', active: true }])
    const challenge = await sdk('mfa.challengeAuthenticator', { challengeType: 'otp', authenticatorId: listed.result[1].id, mfaToken: next })
    t.same(challenge.result, { challengeType: 'otp' })
    const wrong = await sdk('mfa.verify', { mfaToken: next, factorType: 'otp', otp: '000000' === await totpAt(enrolled.result.secret, clock) ? '111111' : '000000' })
    t.match(wrong.error, { name: 'MfaVerifyError', cause: { error: 'invalid_grant', error_description: 'Invalid otp_code.' } })
    const again = await sdk('mfa.verify', { mfaToken: next, factorType: 'otp', otp: await totpAt(enrolled.result.secret, clock) })
    t.match(again.result, { accessToken: /^ey/, claims: { sub: 'auth0|alice' } })

    const recovery = await sdk('mfa.verify', { mfaToken: await passwordLogin('alice@acme.test'), factorType: 'recovery-code', recoveryCode: enrolled.result.recoveryCodes[0] })
    t.match(recovery.result, { accessToken: /^ey/, recoveryCode: /^[A-Z2-9]{24}$/ })
  })

  await t.test('SMS: enrol with a phone number, verify with the code sent; later logins challenge by SMS', async (t) => {
    const mfaToken = await passwordLogin('dave@acme.test')
    const enrolled = await sdk('mfa.enrollAuthenticator', { authenticatorTypes: ['oob'], oobChannels: ['sms'], phoneNumber: MFA_PHONE, mfaToken })
    t.equal(enrolled.error, undefined)
    t.match(enrolled.result, { authenticatorType: 'oob', oobChannel: 'sms', oobCode: /^[A-Za-z0-9_-]{43}$/, bindingMethod: 'prompt', recoveryCodes: [/^[A-Z2-9]{24}$/] })
    const verified = await sdk('mfa.verify', { mfaToken, factorType: 'oob', oobCode: enrolled.result.oobCode, bindingCode: await latestCode(app, MFA_PHONE) })
    t.match(verified.result, { accessToken: /^ey/, claims: { sub: 'auth0|dave' } })

    const next = await passwordLogin('dave@acme.test')
    const listed = await sdk('mfa.listAuthenticators', { mfaToken: next })
    const sms = listed.result.find((a: { authenticatorType: string }) => a.authenticatorType === 'oob')
    t.match(sms, { id: /^sms\|/, active: true, oobChannels: undefined })
    const challenge = await sdk('mfa.challengeAuthenticator', { challengeType: 'oob', authenticatorId: sms.id, mfaToken: next })
    t.match(challenge.result, { challengeType: 'oob', oobCode: /^[A-Za-z0-9_-]{43}$/, bindingMethod: 'prompt' })
    const done = await sdk('mfa.verify', { mfaToken: next, factorType: 'oob', oobCode: challenge.result.oobCode, bindingCode: await latestCode(app, MFA_PHONE) })
    t.match(done.result, { accessToken: /^ey/, claims: { sub: 'auth0|dave' } })
  })
})
