// MFA test material: the core fixture with MFA on for the acme tenant (otp and sms), clients with
// and without the MFA grants, a clock the test moves, and the steps of the flow as requests.
import { generate } from 'otplib'
import type { Test } from 'tap'
import type { App } from '../../src/app.js'
import { MFA_OOB, MFA_OTP, MFA_RECOVERY_CODE } from '../../src/grants/mfa.js'
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import { buildTestApp } from './app.js'
import { fixture, PASSWORD } from './fixture.js'
import { latestCode } from './passwordless.js'

export { MFA_OOB, MFA_OTP, MFA_RECOVERY_CODE }
export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm' as const
export const MFA_GRANTS = [MFA_OTP, MFA_OOB, MFA_RECOVERY_CODE] as const
/** 32 bytes, base64: the server key tests seal TOTP secrets with. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64')
export const OTHER_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64')
export const MFA_SECRET = 'mfa-client-secret-0123456789'
export const MFA_PHONE = '+15550001234'

export function mfaFixture (options: { policy?: 'never' | 'always' | 'enrolled' } = {}): ProvisioningDocument {
  const doc = fixture()
  const acme = doc.tenants[0]
  acme.mfa = { policy: options.policy ?? 'always', factors: ['otp', 'sms'] }
  const spa = acme.clients.find((c) => c.client_id === 'spa')!
  spa.grant_types.push(...MFA_GRANTS)
  acme.clients.push(
    { client_id: 'mfa-app', name: 'MFA app', type: 'native', grant_types: ['password', PASSWORD_REALM, 'refresh_token', ...MFA_GRANTS], client_secret: MFA_SECRET },
    { client_id: 'enrolled-only', name: 'Enrolled only', type: 'spa', grant_types: ['password', ...MFA_GRANTS], mfa_policy: 'enrolled' },
    { client_id: 'no-mfa', name: 'No MFA', type: 'spa', grant_types: ['password', ...MFA_GRANTS], mfa_policy: 'never' },
  )
  const db = acme.connections.find((c) => c.name === 'db')!
  db.enabled_clients.push('mfa-app', 'enrolled-only', 'no-mfa')
  acme.users.push({ connection: 'db', user_id: 'auth0|dave', email: 'dave@acme.test', email_verified: true, password: PASSWORD })
  return doc
}

/** A clock the test moves (epoch ms), given to the app as its `now`. */
export function testClock (start = Date.UTC(2026, 0, 1, 12, 0, 10)) {
  const clock = { ms: start, now: () => clock.ms, seconds: () => Math.floor(clock.ms / 1000), advance (seconds: number) { clock.ms += seconds * 1000 } }
  return clock
}

export async function buildMfaApp (t: Test, options: { document?: ProvisioningDocument, clock?: ReturnType<typeof testClock>, config?: Record<string, unknown> } = {}) {
  const clock = options.clock ?? testClock()
  const app = await buildTestApp(t, {
    document: options.document ?? mfaFixture(),
    config: { encryption: { key: TEST_ENCRYPTION_KEY, previousKeys: [] }, ...options.config },
    now: clock.now,
  })
  return { app, clock }
}

/** A TOTP code as an authenticator app shows it at the clock's time (steps from now: 0, -1, +1...). */
export const totpAt = (secret: string, clock: { seconds (): number }, steps = 0) => generate({ secret, epoch: clock.seconds() + steps * 30 })

type Fields = Record<string, string>
export const post = (app: App, url: string, payload: Fields, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { host: 'acme.test', ...headers }, payload })

export const passwordLogin = (app: App, fields: Fields = {}) =>
  post(app, '/oauth/token', { grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid', ...fields })

/** A password login that must answer mfa_required: its mfa_token. */
export async function mfaToken (app: App, fields: Fields = {}): Promise<string> {
  const res = await passwordLogin(app, fields)
  if (res.statusCode !== 403 || res.json().error !== 'mfa_required') throw new Error(`expected mfa_required, got ${res.statusCode} ${res.body}`)
  return res.json().mfa_token
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export const associate = (app: App, token: string, body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/mfa/associate', headers: { host: 'acme.test', ...bearer(token) }, payload: body })

export const listAuthenticators = (app: App, token: string) =>
  app.inject({ method: 'GET', url: '/mfa/authenticators', headers: { host: 'acme.test', ...bearer(token) } })

export const mfaGrant = (app: App, grantType: string, fields: Fields, clientId = 'spa') =>
  post(app, '/oauth/token', { grant_type: grantType, client_id: clientId, ...fields })

/** Enrols alice (or whoever `login` names) with TOTP and confirms it: the secret and recovery code. */
export async function enrolOtp (app: App, clock: ReturnType<typeof testClock>, login: Fields = {}) {
  const token = await mfaToken(app, login)
  const enrolled = (await associate(app, token, { authenticator_types: ['otp'] })).json()
  const res = await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: await totpAt(enrolled.secret, clock) }, login.client_id)
  if (res.statusCode !== 200) throw new Error(`enrolment failed: ${res.body}`)
  // The step just used is spent: later logins in the test start on the next one.
  clock.advance(30)
  return { secret: enrolled.secret as string, recoveryCode: enrolled.recovery_codes[0] as string }
}

/** Enrols alice with SMS and confirms it with the code from the outbox. */
export async function enrolSms (app: App, login: Fields = {}) {
  const token = await mfaToken(app, login)
  const enrolled = (await associate(app, token, { authenticator_types: ['oob'], oob_channels: ['sms'], phone_number: MFA_PHONE })).json()
  const code = await latestCode(app, MFA_PHONE)
  const res = await mfaGrant(app, MFA_OOB, { mfa_token: token, oob_code: enrolled.oob_code, binding_code: code }, login.client_id)
  if (res.statusCode !== 200) throw new Error(`enrolment failed: ${res.body}`)
  return { recoveryCode: enrolled.recovery_codes[0] as string }
}
