// Passwordless test material: the core fixture plus sms and email connections, a native app with
// callbacks, and users in the states that matter; helpers to start a login and read the outbox.
import type { App } from '../../src/app.js'
import { PASSWORDLESS_OTP } from '../../src/grants/passwordless-otp.js'
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import { fixture } from './fixture.js'

export const OTP = PASSWORDLESS_OTP
export const PHONE = '+15550000001'
export const BLOCKED_PHONE = '+15550000002'
export const APP_CALLBACK = 'com.acme.app://login/callback'
export const WEB_CALLBACK = 'https://app.acme.test/callback'

export interface PasswordlessFixtureOptions {
  /** An HTTP delivery gateway for the sms-gateway and email-gateway connections. */
  gatewayUrl?: string
  gatewayTimeoutMs?: number
}

export function passwordlessFixture (options: PasswordlessFixtureOptions = {}): ProvisioningDocument {
  const doc = fixture()
  const acme = doc.tenants[0]
  acme.connections.push(
    { name: 'sms', strategy: 'sms', enabled_clients: ['app', 'spa', 'strict-spa'] },
    { name: 'email', strategy: 'email', enabled_clients: ['app', 'spa'], options: { delivery: { provider: 'development' } } },
    { name: 'sms-off', strategy: 'sms', enabled_clients: [] },
  )
  if (options.gatewayUrl) {
    const delivery = { provider: 'http' as const, url: options.gatewayUrl, timeout_ms: options.gatewayTimeoutMs }
    acme.connections.push(
      { name: 'sms-gateway', strategy: 'sms', enabled_clients: ['app'], options: { delivery } },
      { name: 'email-gateway', strategy: 'email', enabled_clients: ['app'], options: { delivery } },
    )
  }
  acme.clients.push({
    client_id: 'app',
    name: 'Native app',
    type: 'native',
    grant_types: ['password', OTP],
    callbacks: [APP_CALLBACK, WEB_CALLBACK],
  })
  const strict = acme.clients.find((c) => c.client_id === 'strict-spa')!
  strict.grant_types.push(OTP)
  acme.users.push(
    { connection: 'sms', phone_number: BLOCKED_PHONE, blocked: true },
    { connection: 'email', user_id: 'email|known', email: 'known@acme.test', email_verified: false, name: 'Known Person' },
  )
  return doc
}

type Fields = Record<string, unknown>

export function startLogin (app: App, fields: Fields, headers: Record<string, string> = {}, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/passwordless/start',
    headers: { host: 'acme.test', ...headers },
    ...(remoteAddress ? { remoteAddress } : {}),
    payload: { client_id: 'app', connection: 'sms', phone_number: PHONE, send: 'code', ...fields } as Fields,
  })
}

export function post (app: App, url: string, payload: Fields, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { host: 'acme.test', ...headers }, payload })
}

/** /oauth/ro as the legacy SDKs log a passwordless user in. */
export const roLogin = (app: App, connection: string, username: string, code: string, fields: Fields = {}) =>
  post(app, '/oauth/ro', { grant_type: 'password', client_id: 'app', connection, username, password: code, scope: 'openid', ...fields })

/** /passwordless/verify as auth0.js sends it. */
export const verifyLogin = (app: App, connection: string, login: Fields, code: string, fields: Fields = {}) =>
  post(app, '/passwordless/verify', { client_id: 'app', connection, verification_code: code, ...login, ...fields })

/** /oauth/token with the passwordless otp grant. */
export const otpLogin = (app: App, realm: string, username: string, otp: string, fields: Fields = {}) =>
  post(app, '/oauth/token', { grant_type: OTP, client_id: 'app', realm, username, otp, scope: 'openid', ...fields })

/** The messages the development provider wrote for this recipient, oldest first. */
export async function outboxFor (app: App, recipient: string) {
  return (await app.tollgate.store.latestOutboxMessages(1000)).filter((m) => m.recipient === recipient)
}

/** The code in the latest message to this recipient. */
export async function latestCode (app: App, recipient: string): Promise<string> {
  const messages = await outboxFor(app, recipient)
  const text = messages.at(-1)?.text ?? ''
  const match = /verification_code=(\d{6})|code is: (\d{6})/.exec(text)
  if (!match) throw new Error(`no code in the outbox for ${recipient}`)
  return match[1] ?? match[2]
}

/** A wrong code: the right one plus one, so it is certainly different. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')
