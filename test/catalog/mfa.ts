// Multi-factor authentication: the MFA grants on /oauth/token, the MFA API, and /oauth/ro's legacy
// MFA. Requests carry mfa_tokens and codes the setup obtains, so they are read through getters.
import { PASSWORD } from '../helpers/fixture.js'
import {
  associate, buildMfaApp, enrolOtp, enrolSms, MFA_OOB, MFA_OTP, MFA_PHONE, MFA_RECOVERY_CODE, mfaFixture, mfaGrant, mfaToken, totpAt,
} from '../helpers/mfa.js'
import type { CatalogGroup } from './types.js'

const state: Record<string, string> = {}
const wrongOf = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')
const token = (body: () => Record<string, string>) => ({ url: '/oauth/token', get body () { return { client_id: 'spa', ...body() } } })
const ro = (fields: () => Record<string, string>) => ({
  url: '/oauth/ro',
  get body () { return { grant_type: 'password', client_id: 'spa', connection: 'db', password: PASSWORD, scope: 'openid', ...fields() } },
})
const api = (method: 'GET' | 'POST' | 'DELETE', url: string, bearer: () => string, body?: Record<string, unknown>) => ({
  method, url, ...(body ? { body } : {}), get headers () { return { authorization: `Bearer ${bearer()}` } },
})
const invalidGrant = (description: string) => ({ error: 'invalid_grant', error_description: description })

export const group: CatalogGroup = {
  async setup (t) {
    const document = mfaFixture()
    for (const name of ['erin', 'frank', 'gina', 'hank']) {
      document.tenants[0].users.push({ connection: 'db', email: `${name}@acme.test`, email_verified: true, password: PASSWORD })
    }
    const { app, clock } = await buildMfaApp(t, { document })
    state.expired = await mfaToken(app, { username: 'dave@acme.test' })
    clock.advance(601)

    const alice = await enrolOtp(app, clock)
    state.aliceToken = await mfaToken(app)
    state.aliceCode = await totpAt(alice.secret, clock)
    state.aliceRoToken = await mfaToken(app)
    state.daveToken = await mfaToken(app, { username: 'dave@acme.test' })
    for (const [name, scope] of [['removeToken', 'remove:authenticators'], ['readToken', 'read:authenticators']]) {
      clock.advance(30)
      const login = await mfaToken(app, { audience: 'http://acme.test/mfa/', scope })
      state[name] = (await mfaGrant(app, MFA_OTP, { mfa_token: login, otp: await totpAt(alice.secret, clock) })).json().access_token
    }
    state.aliceCode = await totpAt(alice.secret, clock)

    // carol: an enrolment never confirmed.
    state.carolToken = await mfaToken(app, { username: 'carol@acme.test' })
    state.carolRecovery = (await associate(app, state.carolToken, { authenticator_types: ['otp'] })).json().recovery_codes[0]

    // erin: SMS, with a live challenge.
    await enrolSms(app, { username: 'erin@acme.test' })
    state.erinToken = await mfaToken(app, { username: 'erin@acme.test' })
    const challenge = await app.inject({ method: 'POST', url: '/mfa/challenge', headers: { host: 'acme.test' }, payload: { client_id: 'spa', mfa_token: state.erinToken, challenge_type: 'oob' } })
    state.erinOob = challenge.json().oob_code

    // frank: 10 wrong codes, the bucket is empty.
    const frank = await enrolOtp(app, clock, { username: 'frank@acme.test' })
    state.frankToken = await mfaToken(app, { username: 'frank@acme.test' })
    const frankCode = await totpAt(frank.secret, clock)
    for (let i = 0; i < 10; i++) await mfaGrant(app, MFA_OTP, { mfa_token: state.frankToken, otp: wrongOf(frankCode) })
    state.frankCode = frankCode
    state.ginaToken = await mfaToken(app, { username: 'gina@acme.test' })

    // hank: SMS, 10 codes sent.
    await enrolSms(app, { username: 'hank@acme.test' })
    state.hankToken = await mfaToken(app, { username: 'hank@acme.test' })
    for (let i = 0; i < 9; i++) {
      await app.inject({ method: 'POST', url: '/mfa/challenge', headers: { host: 'acme.test' }, payload: { client_id: 'spa', mfa_token: state.hankToken, challenge_type: 'oob' } })
    }

    // A tenant whose users may enrol TOTP only.
    const otpOnly = mfaFixture()
    otpOnly.tenants[0].mfa!.factors = ['otp']
    const { app: otpOnlyApp } = await buildMfaApp(t, { document: otpOnly })
    state.otpOnlyToken = await mfaToken(otpOnlyApp)
    return { main: app, otpOnly: otpOnlyApp }
  },
  cases: [
    { key: 'mfa_required', name: 'a right password, MFA due', request: token(() => ({ grant_type: 'password', username: 'dave@acme.test', password: PASSWORD })), status: 403, body: { error: 'mfa_required', error_description: 'Multifactor authentication required' }, variableFields: { mfa_token: /^[A-Za-z0-9_-]{43}$/ } },
    { key: 'mfa_token_invalid', name: 'an unknown mfa_token', request: token(() => ({ grant_type: MFA_OTP, mfa_token: 'nope', otp: '123456' })), status: 403, body: invalidGrant('Malformed mfa_token') },
    { key: 'mfa_token_expired', name: 'an mfa_token older than 10 minutes', request: token(() => ({ grant_type: MFA_OTP, mfa_token: state.expired, otp: '123456' })), status: 403, body: { error: 'expired_token', error_description: 'mfa_token is expired' } },
    { key: 'mfa_bearer_invalid', name: 'the MFA API with an unknown mfa_token', request: api('GET', '/mfa/authenticators', () => 'nope'), status: 401, body: { error: 'invalid_token', error_description: 'The mfa_token is invalid or has expired.' } },
    { key: 'mfa_invalid_otp', name: 'a wrong TOTP code', request: token(() => ({ grant_type: MFA_OTP, mfa_token: state.aliceToken, otp: wrongOf(state.aliceCode) })), status: 403, body: invalidGrant('Invalid otp_code.') },
    { key: 'mfa_invalid_oob_code', name: 'an unknown oob_code', request: token(() => ({ grant_type: MFA_OOB, mfa_token: state.erinToken, oob_code: 'nope', binding_code: '123456' })), status: 403, body: invalidGrant('Invalid oob_code.') },
    { key: 'mfa_invalid_binding_code', name: 'a wrong SMS code', request: token(() => ({ grant_type: MFA_OOB, mfa_token: state.erinToken, oob_code: state.erinOob, binding_code: 'x' })), status: 403, body: invalidGrant('Invalid binding_code.') },
    { key: 'mfa_invalid_recovery_code', name: 'a wrong recovery code', request: token(() => ({ grant_type: MFA_RECOVERY_CODE, mfa_token: state.aliceToken, recovery_code: 'AAAABBBBCCCCDDDDEEEEFFFF' })), status: 403, body: invalidGrant('Invalid recovery_code.') },
    { key: 'mfa_not_enrolled', name: 'mfa-otp for a user without TOTP', request: token(() => ({ grant_type: MFA_OTP, mfa_token: state.daveToken, otp: '123456' })), status: 403, body: invalidGrant('User is not enrolled with otp.') },
    { key: 'mfa_authenticator_not_active', name: 'the recovery code of an unconfirmed enrolment', request: token(() => ({ grant_type: MFA_RECOVERY_CODE, mfa_token: state.carolToken, recovery_code: state.carolRecovery })), status: 403, body: invalidGrant('The authenticator is not active: its enrolment was never confirmed with a code.') },
    { key: 'mfa_too_many_attempts', name: 'the 11th attempt within the hour', request: token(() => ({ grant_type: MFA_OTP, mfa_token: state.frankToken, otp: state.frankCode })), status: 429, body: { error: 'too_many_attempts', error_description: 'Too many failed MFA attempts. Try again later.' }, headers: { 'retry-after': '360' } },
    { key: 'mfa_too_many_sms', name: 'the 11th SMS within the hour', request: { url: '/mfa/challenge', get body () { return { client_id: 'spa', mfa_token: state.hankToken, challenge_type: 'oob' } } }, status: 429, body: { error: 'too_many_attempts', error_description: 'Too many MFA codes sent. Try again later.' }, headers: { 'retry-after': '360' } },
    { key: 'grant_not_allowed', name: 'an MFA grant the client may not use', request: token(() => ({ client_id: 'backend', client_secret: 'backend-secret-0123456789', grant_type: MFA_OTP, mfa_token: state.aliceToken, otp: '123456' })), status: 403, body: { error: 'unauthorized_client', error_description: `Grant type '${MFA_OTP}' not allowed for the client.` } },
    { key: 'mfa_already_enrolled', name: 'associate with an active factor', request: api('POST', '/mfa/associate', () => state.aliceToken, { authenticator_types: ['otp'] }), status: 403, body: { error: 'access_denied', error_description: 'User is already enrolled.' } },
    { key: 'mfa_unsupported_authenticator_type', name: 'associate a push authenticator', request: api('POST', '/mfa/associate', () => state.ginaToken, { authenticator_types: ['push'] }), status: 400, body: { error: 'invalid_request', error_description: 'authenticator_types must be ["otp"] or ["oob"] (with oob_channels ["sms"])' } },
    { key: 'mfa_factor_disabled', name: 'associate sms where only TOTP is enabled', app: 'otpOnly', request: api('POST', '/mfa/associate', () => state.otpOnlyToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: MFA_PHONE }), status: 403, body: { error: 'access_denied', error_description: 'The sms factor is not enabled for this tenant.' } },
    { key: 'parameter_not_array', name: 'associate with authenticator_types as a string', request: api('POST', '/mfa/associate', () => state.ginaToken, { authenticator_types: 'otp' }), status: 400, body: { error: 'invalid_request', error_description: 'authenticator_types parameter must be an array of strings' } },
    { key: 'mfa_invalid_phone_number', name: 'associate sms without an E.164 number', request: api('POST', '/mfa/associate', () => state.ginaToken, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: '5551234' }), status: 400, body: { error: 'invalid_request', error_description: 'phone_number must be in E.164 format (+ and up to 15 digits)' } },
    { key: 'mfa_unsupported_challenge_type', name: 'an oob challenge for a TOTP-only user', request: { url: '/mfa/challenge', get body () { return { client_id: 'spa', mfa_token: state.aliceToken, challenge_type: 'oob' } } }, status: 400, body: { error: 'unsupported_challenge_type', error_description: 'User is not enrolled with an active oob authenticator.' } },
    { key: 'mfa_authenticator_not_found', name: 'delete an authenticator the user does not have', request: api('DELETE', '/mfa/authenticators/totp%7Cdev_nope', () => state.removeToken), status: 404, body: { error: 'not_found', error_description: 'Authenticator not found.' } },
    { key: 'mfa_remove_scope_missing', name: 'delete with an MFA API token without remove:authenticators', request: api('DELETE', '/mfa/authenticators/totp%7Cdev_nope', () => state.readToken), status: 403, body: { error: 'access_denied', error_description: 'Deleting an authenticator needs an access token for the MFA API with the remove:authenticators scope.' } },
    { key: 'ro_mfa_registration_required', name: '/oauth/ro, a user without TOTP', request: ro(() => ({ username: 'gina@acme.test' })), status: 401, body: { error: 'a0.mfa_registration_required', error_description: 'Multifactor authentication required: enrol a factor first' } },
    { key: 'ro_mfa_required', name: '/oauth/ro without mfa_code', request: ro(() => ({ username: 'alice@acme.test' })), status: 401, body: { error: 'a0.mfa_required', error_description: 'Multifactor authentication required' } },
    { key: 'ro_mfa_invalid_code', name: '/oauth/ro with a wrong mfa_code', request: ro(() => ({ username: 'alice@acme.test', mfa_code: wrongOf(state.aliceCode) })), status: 401, body: { error: 'a0.mfa_invalid_code', error_description: 'Wrong or expired code.' } },
  ],
}

